"""URLs of the payment-file, disbursement-file and bank reconciliation pages (included by urls.py),
each file kind's pages under its own prefix."""

from django.urls import include, path

from . import file_views as views
from . import partner_file_views

payment_files = [
    path("", views.PaymentFileListView.as_view(), name="paymentfile_list"),
    path("upload/", views.PaymentFileUploadView.as_view(), name="paymentfile_upload"),
    path("<int:pk>/", views.PaymentFileDetailView.as_view(), name="paymentfile_detail"),
]
disbursement_files = [
    path("", views.DisbursementExportListView.as_view(), name="disbursementexport_list"),
    path("<int:pk>/", views.DisbursementExportDetailView.as_view(), name="disbursementexport_detail"),
    path("<int:pk>/download/", views.DisbursementExportDownloadView.as_view(), name="disbursementexport_download"),
]
disbursement_returns = [
    path("", views.NachaReturnFileListView.as_view(), name="nachareturnfile_list"),
    path("upload/", views.NachaReturnUploadView.as_view(), name="nachareturnfile_upload"),
    path("<int:pk>/", views.NachaReturnFileDetailView.as_view(), name="nachareturnfile_detail"),
]
bank_statements = [
    path("", views.BankStatementListView.as_view(), name="bankstatement_list"),
    path("upload/", views.BankStatementUploadView.as_view(), name="bankstatement_upload"),
    path("<int:pk>/", views.BankStatementDetailView.as_view(), name="bankstatement_detail"),
]
partner_files = [
    path("", partner_file_views.PartnerFileListView.as_view(), name="partnerfile_list"),
    path("<int:pk>/", partner_file_views.PartnerFileDetailView.as_view(), name="partnerfile_detail"),
    path("<int:pk>/download/", partner_file_views.PartnerFileDownloadView.as_view(), name="partnerfile_download"),
    path("<slug:kind>/upload/", partner_file_views.PartnerFileUploadView.as_view(), name="partnerfile_upload"),
]
reconciliation_exceptions = [
    path("", views.ReconciliationExceptionListView.as_view(), name="reconciliationexception_list"),
    path("<int:pk>/", views.ReconciliationExceptionDetailView.as_view(), name="reconciliationexception_detail"),
    path("<int:pk>/note/", views.ReconciliationExceptionNoteView.as_view(), name="reconciliationexception_note"),
    path(
        "<int:pk>/resolve/", views.ReconciliationExceptionResolveView.as_view(), name="reconciliationexception_resolve"
    ),
]

urlpatterns = [
    path("payment-files/", include(payment_files)),
    path("disbursement-files/", include(disbursement_files)),
    path("disbursement-returns/", include(disbursement_returns)),
    path("bank-statements/", include(bank_statements)),
    path("partner-files/", include(partner_files)),
    path("reconciliation/", views.ReconciliationReportView.as_view(), name="reconciliation_report"),
    path("reconciliation/exceptions/", include(reconciliation_exceptions)),
]
