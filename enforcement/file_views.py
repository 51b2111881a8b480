"""Pages: employer payment files, disbursement files, bank statements and reconciliation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Task
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.models import User
from core.http import content_disposition
from core.jobs import job_enqueue
from core.lists import filtered_rows
from core.services import sensitive_read_record
from core.views import FilteredListView, ObjectDetailView, PermissionMixin

from . import selectors
from .choices import ExceptionStatus, FileVia, PaymentFileStatus, StatementStatus
from .file_forms import (
    BankStatementFilterSet,
    BankStatementUploadForm,
    BankTransactionFilterSet,
    ExceptionNoteForm,
    ExceptionResolveForm,
    NachaReturnUploadForm,
    PaymentFileFilterSet,
    PaymentFileUploadForm,
    ReconciliationDayForm,
    ReconciliationExceptionFilterSet,
)
from .models import BankStatement, DisbursementExport, NachaReturnFile, PaymentFile, ReconciliationException
from .services.bank import bank_statement_receive, reconciliation_exception_note, reconciliation_exception_resolve
from .services.payments import payment_file_receive
from .services.returns import nacha_return_import
from .tasks import import_bank_statement, import_payment_file


class StoredFileDetailView(ObjectDetailView):
    """A stored file's page (payment, disbursement, return, bank and partner files): its figures
    and who sent it (``select_related``), never the file's bytes: ``content`` is deferred, only the
    logged downloads read it."""

    select_related: tuple[str, ...] = ("uploaded_by",)

    def get_queryset(self):
        return super().get_queryset().defer("content")


class StoredFileListView(FilteredListView):
    """A list of stored files with who sent each (``select_related``), never their bytes nor their
    import reports (``deferred``)."""

    select_related: tuple[str, ...] = ("uploaded_by",)
    deferred: tuple[str, ...] = ("content", "report")

    def get_base_queryset(self):
        return super().get_base_queryset().defer(*self.deferred)


class PaymentFileListView(StoredFileListView):
    model = PaymentFile
    filterset_class = PaymentFileFilterSet


def _staff(request) -> User | None:
    """The signed-in staff member who uploads (the upload pages require one)."""
    return request.user if isinstance(request.user, User) else None


class _UploadView(PermissionMixin, FormView):
    """An uploaded file handed to ``store``, which returns its row: then the row's page; a refusal
    (``ValidationError``) is shown on the file field. By default ``store`` is the service
    ``receiver`` called with the file, ``via=upload`` and the uploader."""

    template_name = "enforcement/upload.html"
    receiver: Callable[..., Any]  # staticmethod(<file>_receive)

    def store(self, *, name: str, content: bytes):
        return self.receiver(name=name, content=content, via=FileVia.UPLOAD, by=_staff(self.request))

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            row = self.store(name=upload.name, content=upload.read())
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
            return self.form_invalid(form)
        return HttpResponseRedirect(row.get_absolute_url())


class _QueuedUploadView(_UploadView):
    """Store the uploaded file and its import job (``core.jobs``: a job of the Celery ``task``) in
    one transaction."""

    task: Task

    def store(self, *, name: str, content: bytes):
        with transaction.atomic():
            row = super().store(name=name, content=content)
            # The outbox row commits with the file: a broker outage delays the import, never loses it.
            job_enqueue(task=self.task.name, args=[row.pk], key=f"{self.task.name}:{row.pk}")
        return row


class PaymentFileUploadView(_QueuedUploadView):
    permission_required = "enforcement.add_paymentfile"
    form_class = PaymentFileUploadForm
    extra_context = {"title": "Upload an employer payment file"}
    receiver = staticmethod(payment_file_receive)
    task = import_payment_file


class PaymentFileDetailView(StoredFileDetailView):
    model = PaymentFile

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["in_progress"] = self.object.status in {PaymentFileStatus.PENDING, PaymentFileStatus.PROCESSING}
        return context


class DisbursementExportListView(StoredFileListView):
    model = DisbursementExport
    select_related = ("created_by",)
    deferred = ("content",)


class DisbursementExportDetailView(StoredFileDetailView):
    """One disbursement file: its figures, what was skipped, its entries, and the download."""

    model = DisbursementExport
    select_related = ("created_by",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["disbursements"] = selectors.disbursement_export_rows(export=self.object, user=self.request.user)
        return context


class DisbursementExportDownloadView(PermissionMixin, View):
    """The PPD file carries payees' bank account numbers: each download is logged."""

    permission_required = "enforcement.view_disbursementexport"

    def get(self, request, pk: int):
        export = DisbursementExport.objects.get_for(request.user, pk=pk)
        sensitive_read_record(request=request, obj=export, fields=["content"])
        response = HttpResponse(export.content, content_type="text/plain; charset=us-ascii")
        response["Content-Disposition"] = content_disposition(f"{export.file_name}")
        response["Cache-Control"] = "no-store"
        return response


class NachaReturnFileListView(StoredFileListView):
    model = NachaReturnFile

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["held"] = selectors.disbursement_returns_held()
        return context


class NachaReturnUploadView(_UploadView):
    """Return files are small: imported at once (validated whole, one transaction)."""

    permission_required = "enforcement.add_nachareturnfile"
    form_class = NachaReturnUploadForm
    extra_context = {"title": "Upload a NACHA return file"}
    receiver = staticmethod(nacha_return_import)


class NachaReturnFileDetailView(StoredFileDetailView):
    model = NachaReturnFile


class BankStatementListView(StoredFileListView):
    model = BankStatement
    filterset_class = BankStatementFilterSet


class BankStatementUploadView(_QueuedUploadView):
    permission_required = "enforcement.add_bankstatement"
    form_class = BankStatementUploadForm
    extra_context = {"title": "Upload a BAI2 bank statement"}
    receiver = staticmethod(bank_statement_receive)
    task = import_bank_statement


class BankStatementDetailView(StoredFileDetailView):
    model = BankStatement

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context_data(**kwargs)
        filterset = BankTransactionFilterSet(
            self.request.GET or None, queryset=self.object.transactions.select_related("account")
        )
        page = Paginator(filtered_rows(filterset), 50).get_page(self.request.GET.get("page"))
        context.update(
            filter=filterset,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            in_progress=self.object.status == StatementStatus.PENDING,
        )
        return context


class ReconciliationExceptionListView(FilteredListView):
    model = ReconciliationException
    filterset_class = ReconciliationExceptionFilterSet
    select_related = ("transaction__account", "resolved_by")


class ReconciliationExceptionDetailView(ObjectDetailView):
    model = ReconciliationException
    select_related = ("transaction__account", "transaction__statement", "resolved_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        is_open = self.object.status == ExceptionStatus.OPEN
        context["note_form"] = (
            ExceptionNoteForm() if is_open and user.has_perm("enforcement.change_reconciliationexception") else None
        )
        context["resolve_form"] = (
            ExceptionResolveForm() if is_open and user.has_perm("enforcement.resolve_reconciliationexception") else None
        )
        return context


class _ExceptionActionView(PermissionMixin, View):
    http_method_names = ["post"]
    form_class: type = ExceptionNoteForm

    def act(self, exception, data):
        raise NotImplementedError

    def post(self, request, pk: int):
        exception = ReconciliationException.objects.get_for(request.user, "change", pk=pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(exception, form.cleaned_data)
                messages.success(request, "Saved.")
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(reverse("enforcement:reconciliationexception_detail", args=[pk]))


class ReconciliationExceptionNoteView(_ExceptionActionView):
    permission_required = "enforcement.change_reconciliationexception"
    form_class = ExceptionNoteForm

    def act(self, exception, data):
        reconciliation_exception_note(exception=exception, note=data["note"], by=self.request.user)


class ReconciliationExceptionResolveView(_ExceptionActionView):
    permission_required = "enforcement.resolve_reconciliationexception"
    form_class = ExceptionResolveForm

    def act(self, exception, data):
        reconciliation_exception_resolve(exception=exception, reason=data["reason"], by=self.request.user)


class ReconciliationReportView(PermissionMixin, TemplateView):
    permission_required = "enforcement.view_bankstatement"
    template_name = "enforcement/reconciliation_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ReconciliationDayForm(self.request.GET or None)
        day = (form.cleaned_data.get("day") if form.is_valid() else None) or timezone.localdate()
        context.update(form=form, report=selectors.reconciliation_day(day=day))
        return context
