from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    # Partners
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.OrganisationEditView.as_view(), name="organisation_create"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation_update"),
    path("organisations/<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    path("organisations/<int:pk>/log/new/", views.ContactLogCreateView.as_view(), name="contactlog_create"),
    path("contacts/<int:pk>/edit/", views.ContactUpdateView.as_view(), name="contact_update"),
    path("media-contacts/", views.MediaContactListView.as_view(), name="mediacontact_list"),
    path("media-contacts/new/", views.MediaContactEditView.as_view(), name="mediacontact_create"),
    path("media-contacts/<int:pk>/edit/", views.MediaContactEditView.as_view(), name="mediacontact_update"),
    # Events
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/calendar/", views.EventCalendarView.as_view(), name="event_calendar"),
    path("events/new/", views.EventEditView.as_view(), name="event_create"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", views.EventEditView.as_view(), name="event_update"),
    path("events/<int:pk>/registrations/new/", views.RegistrationCreateView.as_view(), name="registration_create"),
    path("events/<int:pk>/attendance/", views.AttendanceUpdateView.as_view(), name="attendance_update"),
    path("events/<int:pk>/follow-ups/new/", views.FollowUpCreateView.as_view(), name="followup_create"),
    path("follow-ups/<int:pk>/done/", views.FollowUpCompleteView.as_view(), name="followup_complete"),
    # Materials
    path("materials/", views.MaterialListView.as_view(), name="material_list"),
    path("materials/new/", views.MaterialEditView.as_view(), name="material_create"),
    path("materials/<int:pk>/", views.MaterialDetailView.as_view(), name="material_detail"),
    path("materials/<int:pk>/edit/", views.MaterialEditView.as_view(), name="material_update"),
    path("materials/<int:pk>/file/", views.MaterialDownloadView.as_view(), name="material_download"),
    path("materials/<int:pk>/distribute/", views.MaterialDistributeView.as_view(), name="material_distribute"),
    path("materials/<int:pk>/restock/", views.MaterialRestockView.as_view(), name="material_restock"),
    # Announcements
    path("announcements/", views.AnnouncementListView.as_view(), name="announcement_list"),
    path("announcements/new/", views.AnnouncementEditView.as_view(), name="announcement_create"),
    path("announcements/<int:pk>/", views.AnnouncementDetailView.as_view(), name="announcement_detail"),
    path("announcements/<int:pk>/edit/", views.AnnouncementEditView.as_view(), name="announcement_update"),
    path("announcements/<int:pk>/publish/", views.AnnouncementPublishView.as_view(), name="announcement_publish"),
    path("news/", views.PublicAnnouncementListView.as_view(), name="public_announcement_list"),
    path("news/<int:pk>/", views.PublicAnnouncementDetailView.as_view(), name="public_announcement_detail"),
    # Media inquiries
    path("media/", views.MediaInquiryListView.as_view(), name="mediainquiry_list"),
    path("media/new/", views.MediaInquiryEditView.as_view(), name="mediainquiry_create"),
    path("media/<int:pk>/", views.MediaInquiryDetailView.as_view(), name="mediainquiry_detail"),
    path("media/<int:pk>/edit/", views.MediaInquiryEditView.as_view(), name="mediainquiry_update"),
    path(
        "media/<int:pk>/approve/",
        views.MediaInquiryActionView.as_view(action="approve", permission_required="outreach.approve_mediainquiry"),
        name="mediainquiry_approve",
    ),
    path(
        "media/<int:pk>/respond/", views.MediaInquiryActionView.as_view(action="respond"), name="mediainquiry_respond"
    ),
    path(
        "media/<int:pk>/decline/", views.MediaInquiryActionView.as_view(action="decline"), name="mediainquiry_decline"
    ),
    # Feedback
    path("surveys/", views.SurveyListView.as_view(), name="survey_list"),
    path("surveys/new/", views.SurveyEditView.as_view(), name="survey_create"),
    path("surveys/<int:pk>/", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("surveys/<int:pk>/edit/", views.SurveyEditView.as_view(), name="survey_update"),
    path("surveys/<int:pk>/questions/new/", views.SurveyQuestionCreateView.as_view(), name="question_create"),
    path("surveys/<int:pk>/links/", views.SurveyLinksView.as_view(), name="survey_links"),
    path("surveys/<int:pk>/invite-attendees/", views.SurveyInviteAttendeesView.as_view(), name="survey_invite"),
    path("feedback/thanks/", views.FeedbackThanksView.as_view(), name="feedback_thanks"),
    path("feedback/<str:token>/", views.FeedbackFormView.as_view(), name="feedback_form"),
    # Dashboard
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/charts/<slug:chart>.svg", views.DashboardChartView.as_view(), name="dashboard_chart"),
    path("dashboard/export/<slug:dataset>.csv", views.DashboardExportView.as_view(), name="dashboard_export"),
]
