from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("ocse157/", views.Ocse157View.as_view(), name="ocse157"),
    path("ocse157/<int:fiscal_year>/<slug:key>/", views.DrilldownView.as_view(), name="drilldown"),
    path("timeframes/", views.TimeframeView.as_view(), name="timeframes"),
    path("timeframes/<slug:code>/cases/", views.TimeframeCasesView.as_view(), name="timeframe_cases"),
    path("trends/", views.TrendView.as_view(), name="trends"),
    path("expenditures/", views.ExpenditureListView.as_view(), name="expenditure_list"),
    path("expenditures/new/", views.ExpenditureCreateView.as_view(), name="expenditure_create"),
    path("criteria/", views.CriterionListView.as_view(), name="criterion_list"),
    path("criteria/<int:pk>/new-version/", views.CriterionReviseView.as_view(), name="criterion_revise"),
    path("reviews/", views.ReviewListView.as_view(), name="review_list"),
    path("reviews/new/", views.ReviewCreateView.as_view(), name="review_create"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/sample/", views.ReviewSampleDrawView.as_view(), name="review_sample"),
    path("reviews/<int:pk>/complete/", views.ReviewCompleteView.as_view(), name="review_complete"),
    path("reviews/<int:pk>/export.csv", views.ReviewExportView.as_view(), name="review_export"),
    path("samples/<int:pk>/score/", views.SampleScoreView.as_view(), name="sample_score"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/actions/", views.PlanActionAddView.as_view(), name="plan_action_add"),
    path("plans/<int:pk>/notes/", views.PlanNoteAddView.as_view(), name="plan_note_add"),
    path("plans/<int:pk>/close/", views.PlanCloseView.as_view(), name="plan_close"),
    path("actions/<int:pk>/complete/", views.PlanActionCompleteView.as_view(), name="action_complete"),
    path("goals/", views.GoalListView.as_view(), name="goal_list"),
    path("goals/new/", views.GoalCreateView.as_view(), name="goal_create"),
]
