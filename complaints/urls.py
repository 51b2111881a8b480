from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("new/public/", views.PublicComplaintView.as_view(), name="public_form"),
    path("status/", views.PublicStatusView.as_view(), name="public_status"),
    path("", views.ComplaintListView.as_view(), name="complaint_list"),
    path("new/", views.ComplaintCreateView.as_view(), name="complaint_create"),
    path("report/", views.ComplaintReportView.as_view(), name="report"),
    path("report/export.csv", views.ComplaintReportCsvView.as_view(), name="report_csv"),
    path(
        "report/by-category.svg", views.ComplaintReportChartView.as_view(kind="category"), name="report_chart_category"
    ),
    path("report/by-outcome.svg", views.ComplaintReportChartView.as_view(kind="outcome"), name="report_chart_outcome"),
    path("notices/", views.NoticeListView.as_view(), name="notice_list"),
    path("notices/<int:pk>/read/", views.NoticeReadView.as_view(), name="notice_read"),
    path("referrals/<int:pk>/forward/", views.ReferralForwardView.as_view(), name="referral_forward"),
    path("referrals/<int:pk>/answer/", views.ReferralAnswerView.as_view(), name="referral_answer"),
    path("<str:number>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path("<str:number>/assign/", views.ComplaintAssignView.as_view(), name="complaint_assign"),
    path("<str:number>/extend/", views.ComplaintExtendView.as_view(), name="complaint_extend"),
    path("<str:number>/case/", views.ComplaintCaseLinkView.as_view(), name="complaint_case_link"),
    path("<str:number>/communications/", views.CommunicationAddView.as_view(), name="communication_add"),
    path("<str:number>/referrals/", views.ReferralAddView.as_view(), name="referral_add"),
    path("<str:number>/resolve/", views.ComplaintResolveView.as_view(), name="complaint_resolve"),
    path("<str:number>/extension-letter/", views.ExtensionLetterView.as_view(), name="extension_letter"),
    path("<str:number>/extension-letter.pdf", views.ExtensionLetterPdfView.as_view(), name="extension_letter_pdf"),
    path("<str:number>/notice/", views.ResolutionNoticeView.as_view(), name="resolution_notice"),
    path("<str:number>/acknowledgement/", views.AcknowledgementLetterView.as_view(), name="acknowledgement_letter"),
    path(
        "<str:number>/acknowledgement.pdf",
        views.AcknowledgementLetterPdfView.as_view(),
        name="acknowledgement_letter_pdf",
    ),
    path("<str:number>/notice.pdf", views.ResolutionNoticePdfView.as_view(), name="resolution_notice_pdf"),
]
