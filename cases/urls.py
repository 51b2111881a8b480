from django.urls import path

from . import documents, employment_views, person_views, run_views, views, whereabouts_views
from .ledger import statement_views
from .ledger import views as ledger_views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("new/", views.CaseCreateView.as_view(), name="case_create"),
    path("reassign/", views.CaseBulkReassignView.as_view(), name="case_bulk_reassign"),
    path("caseloads/", views.CaseloadOverviewView.as_view(), name="caseloads"),
    path("accrual-runs/", run_views.LedgerRunListView.as_view(), name="ledgerrun_list"),
    path("accrual-runs/start/", run_views.AccrualStartView.as_view(), name="accrual_start"),
    path("accrual-runs/<int:pk>/resume/", run_views.AccrualRunResumeView.as_view(), name="ledgerrun_resume"),
    path("work-items/", views.WorkItemListView.as_view(), name="workitem_list"),
    path("work-items/reassign/", views.WorkItemBulkReassignView.as_view(), name="workitem_bulk_reassign"),
    path("work-items/<int:pk>/", views.WorkItemDetailView.as_view(), name="workitem_detail"),
    path("work-items/<int:pk>/done/", views.WorkItemCompleteView.as_view(), name="workitem_complete"),
    path("work-items/<int:pk>/reassign/", views.WorkItemReassignView.as_view(), name="workitem_reassign"),
    path("people/duplicates/", views.PersonDuplicatesView.as_view(), name="person_duplicates"),
    path("people/merge/<int:first>/<int:second>/", views.PersonMergeView.as_view(), name="person_merge"),
    path("people/merges/<int:event_id>/undo/", views.PersonMergeUndoView.as_view(), name="person_merge_undo"),
    path("documents/<int:pk>/download/", documents.DocumentDownloadView.as_view(), name="document_download"),
    path("documents/<int:pk>/whereabouts/", documents.DocumentWhereaboutsView.as_view(), name="document_whereabouts"),
    path("documents/<int:pk>/withdraw/", documents.DocumentWithdrawView.as_view(), name="document_withdraw"),
    path("fvi-overrides/<int:pk>/use/", views.FviOverrideUseView.as_view(), name="fvi_override_use"),
    path("<str:case_number>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<str:case_number>/orders/new/", views.OrderCreateView.as_view(), name="order_create"),
    path("<str:case_number>/orders/<int:pk>/end/", views.OrderEndView.as_view(), name="order_end"),
    path("<str:case_number>/payments/new/", views.PaymentCreateView.as_view(), name="payment_create"),
    path(
        "<str:case_number>/payments/<int:pk>/reverse/",
        ledger_views.CollectionReverseView.as_view(),
        name="collection_reverse",
    ),
    path("<str:case_number>/statement/", statement_views.CaseStatementView.as_view(), name="case_statement"),
    path("<str:case_number>/statement.pdf", statement_views.CaseStatementPdfView.as_view(), name="case_statement_pdf"),
    path("<str:case_number>/close/", views.CaseCloseView.as_view(), name="case_close"),
    path("<str:case_number>/close/answer/", views.ClosureAnswerView.as_view(), name="closure_answer"),
    path("<str:case_number>/notes/", views.NoteCreateView.as_view(), name="note_add"),
    path("<str:case_number>/documents/new/", documents.DocumentAttachView.as_view(), name="document_attach"),
    path("<str:case_number>/children/new/", views.ChildAddView.as_view(), name="child_add"),
    path("<str:case_number>/children/<int:participant_id>/end/", views.ChildEndView.as_view(), name="child_end"),
    path(
        "<str:case_number>/people/<int:person_id>/paternity/",
        views.PaternityRecordView.as_view(),
        name="paternity_record",
    ),
    path("<str:case_number>/locate/new/", views.LocateAttemptCreateView.as_view(), name="locate_add"),
    path("<str:case_number>/letters/<int:pk>/returned/", views.LetterReturnedView.as_view(), name="letter_returned"),
    path("<str:case_number>/work-items/new/", views.WorkItemCreateView.as_view(), name="workitem_create"),
    path("<str:case_number>/details/", views.CaseDetailsView.as_view(), name="case_details"),
    path("<str:case_number>/interstate-referral/", views.InterstateReferralView.as_view(), name="interstate_referral"),
    path("<str:case_number>/assistance/", views.AssistanceChangeView.as_view(), name="assistance_change"),
    path("<str:case_number>/reassign/", views.CaseReassignView.as_view(), name="case_reassign"),
    path("<str:case_number>/people/<int:person_id>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<str:case_number>/people/<int:person_id>/edit/", person_views.PersonEditView.as_view(), name="person_edit"),
    path("<str:case_number>/people/<int:person_id>/ssn/", person_views.PersonSsnView.as_view(), name="person_ssn"),
    path(
        "<str:case_number>/people/<int:person_id>/addresses/new/",
        whereabouts_views.AddressCreateView.as_view(),
        name="address_add",
    ),
    path(
        "<str:case_number>/people/<int:person_id>/family-violence/",
        whereabouts_views.FviSetView.as_view(),
        name="person_fvi_set",
    ),
    path(
        "<str:case_number>/people/<int:person_id>/family-violence/remove/",
        whereabouts_views.FviClearView.as_view(),
        name="person_fvi_clear",
    ),
    path(
        "<str:case_number>/people/<int:person_id>/jobs/new/",
        employment_views.EmploymentCreateView.as_view(),
        name="employment_add",
    ),
    path(
        "<str:case_number>/people/<int:person_id>/jobs/<int:pk>/end/",
        employment_views.EmploymentEndView.as_view(),
        name="employment_end",
    ),
    path(
        "<str:case_number>/people/<int:person_id>/jobs/<int:pk>/confirm/",
        employment_views.EmploymentConfirmView.as_view(),
        name="employment_confirm",
    ),
    path(
        "<str:case_number>/people/<int:person_id>/fvi-override/",
        views.FviOverrideCreateView.as_view(),
        name="fvi_override_create",
    ),
]
