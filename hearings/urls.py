from django.urls import path

from . import views

app_name = "hearings"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request_list"),
    path("new/", views.RequestCreateView.as_view(), name="request_create"),
    path("docket/", views.DocketView.as_view(), name="docket"),
    path("actions/<int:pk>/done/", views.ActionDoneView.as_view(), name="action_done"),
    path("<str:number>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("<str:number>/good-cause/", views.GoodCauseView.as_view(), name="good_cause"),
    path("<str:number>/schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("<str:number>/decide/", views.DecideView.as_view(), name="decide"),
]
