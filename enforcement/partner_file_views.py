"""Pages of partner files (issue 16.5): the list, one file with its report, an upload page per
inbound kind (the import runs as a background job; the file's page refreshes itself until it is
done), and the download of a stored file (logged; an FTI file only for FTI-cleared staff)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from cases.access import can_view_fti
from core.http import content_disposition
from core.services import sensitive_read_record
from core.views import PermissionMixin

from .choices import FileVia
from .file_views import StoredFileDetailView, StoredFileListView
from .filtersets import PartnerFileFilterSet
from .models import PartnerFile
from .services.partner_files import (
    inbound_kinds,
    partner_file_carries_fti,
    partner_file_kinds,
    partner_file_report_shown,
    partner_file_submit,
)


class PartnerFileUploadForm(forms.Form):
    file = forms.FileField(label="Partner file")

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = f"Fixed-width ASCII records, at most {max_bytes // (1024 * 1024)} MB."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"The file is larger than {self.max_bytes // (1024 * 1024)} MB.")
        return upload


class PartnerFileListView(StoredFileListView):
    model = PartnerFile
    filterset_class = PartnerFileFilterSet  # type: ignore[assignment]
    select_related = ("created_by", "agency")
    deferred = ("content",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upload_kinds"] = sorted(inbound_kinds(), key=lambda k: k.label)
        context["kind_labels"] = {k: entry.label for k, entry in partner_file_kinds().items()}
        # A file carrying FTI lists no counts (tax offsets: FTI); its page shows them to cleared staff, logged.
        context["fti_kinds"] = {k for k, entry in partner_file_kinds().items() if entry.fti}
        return context


class PartnerFileDetailView(StoredFileDetailView):
    model = PartnerFile
    select_related = ("created_by", "agency", "replay_of", "job")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = partner_file_kinds().get(self.object.kind)
        context["entry"] = entry
        context["may_download"] = entry is None or not entry.fti or can_view_fti(self.request.user)
        context["report_shown"] = partner_file_report_shown(request=self.request, partner_file=self.object)
        return context


class PartnerFileUploadView(PermissionMixin, FormView):
    """Store the uploaded file and its import job (``core.jobs``) in one transaction, then show the
    file's page, which follows the import."""

    permission_required = "enforcement.add_partnerfile"
    form_class = PartnerFileUploadForm
    template_name = "enforcement/partnerfile_upload.html"

    def dispatch(self, request, *args, **kwargs):
        self.entry = next((k for k in inbound_kinds() if k.kind == kwargs["kind"]), None)
        if self.entry is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "max_bytes": settings.CASEWORKS_PARTNER_FILE_MAX_BYTES}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry"] = self.entry
        context["title"] = f"Upload a file: {self.entry.label}"
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            partner_file, _ = partner_file_submit(
                kind=self.entry.kind,
                name=upload.name,
                content=upload.read(),
                via=FileVia.UPLOAD,
                by=self.request.user,
                background=True,
            )
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("enforcement:partnerfile_detail", args=[partner_file.pk]))


class PartnerFileDownloadView(PermissionMixin, View):
    """A partner file carries SSNs, employers and amounts: each download is logged; a file with
    federal tax information only for staff cleared for FTI (IRS Publication 1075)."""

    permission_required = "enforcement.view_partnerfile"

    def get(self, request, pk: int):
        partner_file = PartnerFile.objects.get_for(request.user, pk=pk)
        if partner_file_carries_fti(partner_file.kind) and not can_view_fti(request.user):
            raise PermissionDenied("This file holds federal tax information.")
        sensitive_read_record(request=request, obj=partner_file, fields=["content"], detail={"kind": partner_file.kind})
        response = HttpResponse(bytes(partner_file.content), content_type="text/plain; charset=us-ascii")
        response["Content-Disposition"] = content_disposition(f"{partner_file.name}")
        response["Cache-Control"] = "no-store"
        return response
