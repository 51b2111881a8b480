from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    CourtActionViewSet,
    DisbursementFileContentAPIView,
    EnforcementActionIssueNoticeAPIView,
    EnforcementActionViewSet,
    NachaReturnImportAPIView,
    PartnerFileContentAPIView,
    PartnerFileImportAPIView,
    PartnerFileViewSet,
    PaymentFileImportAPIView,
)

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("enforcement-actions", EnforcementActionViewSet, basename="enforcement-action")
router.register("court-actions", CourtActionViewSet, basename="court-action")
router.register("partner-files", PartnerFileViewSet, basename="partner-file")

urlpatterns = [
    *router.urls,
    path(
        "enforcement-actions/<int:pk>/issue-notice/",
        EnforcementActionIssueNoticeAPIView.as_view(),
        name="enforcement_action_issue_notice",
    ),
    path("payment-files/", PaymentFileImportAPIView.as_view(), name="payment_files_import"),
    path("nacha-returns/", NachaReturnImportAPIView.as_view(), name="nacha_returns_import"),
    path("partner-files/<int:pk>/content/", PartnerFileContentAPIView.as_view(), name="partner_files_content"),
    path("partner-files/<slug:kind>/", PartnerFileImportAPIView.as_view(), name="partner_files_import"),
    path(
        "disbursement-files/<int:pk>/content/",
        DisbursementFileContentAPIView.as_view(),
        name="disbursement_files_content",
    ),
]
