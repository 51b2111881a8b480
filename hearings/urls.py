from django.urls import path

from . import views

app_name = "hearings"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request_list"),
    path("new/", views.RequestCreateView.as_view(), name="request_create"),
    path("docket/", views.DocketView.as_view(), name="docket"),
    path("actions/<int:pk>/done/", views.ActionDoneView.as_view(), name="action_done"),
    path("letters/<int:pk>/", views.LetterView.as_view(), name="letter"),
    path("letters/<int:pk>.pdf", views.LetterPdfView.as_view(), name="letter_pdf"),
    path("<str:number>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("<str:number>/good-cause/", views.GoodCauseView.as_view(), name="good_cause"),
    path("<str:number>/schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("<str:number>/held/", views.HeldView.as_view(), name="held"),
    path("<str:number>/decide/", views.DecideView.as_view(), name="decide"),
    path("<str:number>/dismiss/", views.DismissView.as_view(), name="dismiss"),
    path("<str:number>/no-show/", views.NoShowView.as_view(), name="no_show"),
    path("<str:number>/reopen/", views.ReopenView.as_view(), name="reopen"),
]
