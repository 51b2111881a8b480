"""URLs of the payment-file, disbursement-file and bank reconciliation pages (included by urls.py)."""

from django.urls import path

from . import file_views as views
from . import partner_file_views

urlpatterns = [
    path("payment-files/", views.PaymentFileListView.as_view(), name="paymentfile_list"),
    path("payment-files/upload/", views.PaymentFileUploadView.as_view(), name="paymentfile_upload"),
    path("payment-files/<int:pk>/", views.PaymentFileDetailView.as_view(), name="paymentfile_detail"),
    path("disbursement-files/", views.DisbursementExportListView.as_view(), name="disbursementexport_list"),
    path(
        "disbursement-files/<int:pk>/", views.DisbursementExportDetailView.as_view(), name="disbursementexport_detail"
    ),
    path(
        "disbursement-files/<int:pk>/download/",
        views.DisbursementExportDownloadView.as_view(),
        name="disbursementexport_download",
    ),
    path("disbursement-returns/", views.NachaReturnFileListView.as_view(), name="nachareturnfile_list"),
    path("disbursement-returns/upload/", views.NachaReturnUploadView.as_view(), name="nachareturnfile_upload"),
    path("disbursement-returns/<int:pk>/", views.NachaReturnFileDetailView.as_view(), name="nachareturnfile_detail"),
    path("bank-statements/", views.BankStatementListView.as_view(), name="bankstatement_list"),
    path("bank-statements/upload/", views.BankStatementUploadView.as_view(), name="bankstatement_upload"),
    path("bank-statements/<int:pk>/", views.BankStatementDetailView.as_view(), name="bankstatement_detail"),
    path("partner-files/", partner_file_views.PartnerFileListView.as_view(), name="partnerfile_list"),
    path("partner-files/<int:pk>/", partner_file_views.PartnerFileDetailView.as_view(), name="partnerfile_detail"),
    path(
        "partner-files/<int:pk>/download/",
        partner_file_views.PartnerFileDownloadView.as_view(),
        name="partnerfile_download",
    ),
    path(
        "partner-files/<slug:kind>/upload/",
        partner_file_views.PartnerFileUploadView.as_view(),
        name="partnerfile_upload",
    ),
    path("reconciliation/", views.ReconciliationReportView.as_view(), name="reconciliation_report"),
    path(
        "reconciliation/exceptions/",
        views.ReconciliationExceptionListView.as_view(),
        name="reconciliationexception_list",
    ),
    path(
        "reconciliation/exceptions/<int:pk>/",
        views.ReconciliationExceptionDetailView.as_view(),
        name="reconciliationexception_detail",
    ),
    path(
        "reconciliation/exceptions/<int:pk>/note/",
        views.ReconciliationExceptionNoteView.as_view(),
        name="reconciliationexception_note",
    ),
    path(
        "reconciliation/exceptions/<int:pk>/resolve/",
        views.ReconciliationExceptionResolveView.as_view(),
        name="reconciliationexception_resolve",
    ),
]
