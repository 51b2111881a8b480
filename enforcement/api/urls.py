from django.urls import path
from rest_framework.routers import SimpleRouter

from .actions import CourtActionViewSet, EnforcementActionIssueNoticeAPIView, EnforcementActionViewSet
from .payment_files import PaymentFileImportAPIView

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("enforcement-actions", EnforcementActionViewSet, basename="enforcement-action")
router.register("court-actions", CourtActionViewSet, basename="court-action")

urlpatterns = [
    *router.urls,
    path("enforcement-actions/<int:pk>/issue-notice/", EnforcementActionIssueNoticeAPIView.as_view(),
         name="enforcement_action_issue_notice"),
    path("payment-files/", PaymentFileImportAPIView.as_view(), name="payment_files_import"),
]
