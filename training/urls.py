from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("my/", views.MyTrainingView.as_view(), name="my_training"),
    path("my/reminders/read/", views.ReminderReadView.as_view(), name="reminders_read"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/new/", views.CourseEditView.as_view(), name="course_create"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="course_update"),
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session_cancel"),
    path("sessions/<int:pk>/enrol/", views.SessionEnrolView.as_view(), name="session_enrol"),
    path("sessions/<int:pk>/enrol-other/", views.SessionEnrolOtherView.as_view(), name="session_enrol_other"),
    path("sessions/<int:pk>/evaluate/", views.SessionEvaluateView.as_view(), name="session_evaluate"),
    path("sessions/<int:pk>/outcomes/", views.SessionOutcomesView.as_view(), name="session_outcomes"),
    path("enrolments/<int:pk>/cancel/", views.EnrolmentCancelView.as_view(), name="enrolment_cancel"),
    path("enrolments/<int:pk>/attendance/", views.EnrolmentAttendanceView.as_view(), name="enrolment_attendance"),
    path("enrolments/<int:pk>/complete/", views.EnrolmentCompleteView.as_view(), name="enrolment_complete"),
    path("people/<int:user_id>/", views.PersonRecordView.as_view(), name="person_record"),
    path("compliance/enrol/", views.BulkEnrolView.as_view(), name="bulk_enrol"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("completions/record/", views.CompletionRecordView.as_view(), name="completion_record"),
    path("certificates/<uuid:number>/", views.CertificateView.as_view(), name="certificate"),
    path("certificates/<uuid:number>/pdf/", views.CertificatePdfView.as_view(), name="certificate_pdf"),
    path("needs/", views.NeedsSurveyListView.as_view(), name="needs_list"),
    path("needs/new/", views.NeedsSurveyCreateView.as_view(), name="needs_create"),
    path("needs/<int:pk>/edit/", views.NeedsSurveyEditView.as_view(), name="needs_update"),
    path("needs/<int:pk>/", views.NeedsSurveyRespondView.as_view(), name="needs_respond"),
    path("needs/<int:pk>/results/", views.NeedsResultsView.as_view(), name="needs_results"),
    path("policies/", views.PolicyListView.as_view(), name="policy_list"),
    path("policies/new/", views.PolicyCreateView.as_view(), name="policy_create"),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("policies/<int:pk>/publish/", views.PolicyPublishView.as_view(), name="policy_publish"),
    path("policies/versions/<int:pk>/acknowledge/", views.PolicyAcknowledgeView.as_view(), name="policy_acknowledge"),
    path(
        "policies/versions/<int:pk>/unacknowledged/",
        views.PolicyUnacknowledgedView.as_view(),
        name="policy_unacknowledged",
    ),
]
