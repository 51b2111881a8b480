"""The case page's documents panel (registered with ``core.hooks.case_panels``) and the pages that attach
and send a document (issue 15.8)."""

from __future__ import annotations

from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from core.hooks import CasePanel
from core.models import AccessLog
from core.services import access_log_record, sensitive_read_record
from core.views import PermissionMixin

from . import forms
from .models import CaseDocument, CaseParticipant, Person
from .redaction import WITHHELD, document_shown
from .services.documents import document_attach, download_name
from .views import CaseFormView


def documents_panel(*, user, case) -> CasePanel | None:
    """The case's documents as far as ``user`` may see them; a document showing an FVI person's
    whereabouts is listed (who added what, when) but never linked."""
    if not user.has_perm("cases.view_casedocument"):
        return None
    documents = list(
        CaseDocument.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("uploaded_by", "person", "shows_whereabouts_of")
    )
    for document in documents:
        document.shown = document_shown(document, user=user)
    can_add = (
        user.has_perm("cases.add_casedocument")
        and type(case).objects.in_scope(user, "change").filter(pk=case.pk).exists()
    )
    return CasePanel(
        "cases/_documents_panel.html",
        {"documents": documents, "can_add_document": can_add, "withheld": WITHHELD},
        order=5,
    )


class DocumentAttachView(CaseFormView):
    permission_required = "cases.add_casedocument"
    template_name = "cases/document_form.html"
    form_class = forms.DocumentForm
    success_message = "Document attached."

    def get_form_kwargs(self):
        participants = CaseParticipant.objects.filter(case=self.case).select_related("person")
        return {**super().get_form_kwargs(), "participants": list(participants)}

    def perform(self, data):
        people = {
            p.pk: p
            for p in Person.objects.filter(pk__in=[pk for pk in (data["person"], data["shows_whereabouts_of"]) if pk])
        }
        document_attach(
            case=self.case,
            file=data["file"],
            kind=data["kind"],
            title=data["title"],
            person=people.get(data["person"]),
            shows_whereabouts_of=people.get(data["shows_whereabouts_of"]),
            by=self.request.user,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        return HttpResponseRedirect(response.url + "#documents-heading") if response.status_code == 302 else response


class DocumentDownloadView(PermissionMixin, View):
    """Send one document as an attachment: read through ``restrict()`` (another county's document is a
    logged 404), withheld when it shows an FVI person's whereabouts (a logged 403), every send logged."""

    permission_required = "cases.view_casedocument"

    def get(self, request, pk: int):
        document = CaseDocument.objects.get_for(request.user, "view", pk=pk)
        if not document_shown(document, user=request.user):
            access_log_record(
                kind=AccessLog.Kind.ACCESS_DENIED,
                request=request,
                obj=document,
                outcome="denied",
                detail={"reason": "fvi_whereabouts", "person_id": document.shows_whereabouts_of_id},
            )
            return render(
                request, "cases/document_withheld.html", {"document": document, "withheld": WITHHELD}, status=403
            )
        sensitive_read_record(
            request=request,
            obj=document,
            fields=["file"],
            person=document.person,
            detail={"document_id": document.pk, "case": document.case.case_number},
        )
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=download_name(document),
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
