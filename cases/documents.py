"""The case page's documents panel (registered with ``core.hooks.case_panels``) and the pages that attach
and send a document (issue 15.8), mark whose whereabouts it shows, and withdraw a misfiled one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from core.hooks import CasePanel
from core.models import AccessLog
from core.services import access_log_record, sensitive_read_record
from core.stale import carry_shown, shown_in
from core.views import PermissionMixin, ServiceActionView

from . import forms
from .models import Case, CaseDocument, CaseParticipant, Person
from .redaction import DOCUMENT_WITHHELD_TITLE, WITHHELD, document_shown, document_title, people_mark, whereabouts_shown
from .selectors import case_changeable
from .services.documents import (
    RELEASE_PERMISSION,
    WITHDRAW_PERMISSION,
    document_attach,
    document_whereabouts_mark,
    document_whereabouts_shown,
    document_withdraw,
    download_name,
)
from .views import CaseFormView


def documents_panel(*, user, case) -> CasePanel | None:
    """The case's documents as far as ``user`` may see them; a document showing an FVI person's
    whereabouts is listed (who added what, when) but never linked; a withdrawn one is not listed
    (only counted). Who may work the case marks whose whereabouts a document shows; a coordinator
    changes or clears a mark and withdraws a misfiled document."""
    if not user.has_perm("cases.view_casedocument"):
        return None
    rows = list(
        CaseDocument.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("uploaded_by", "person", "shows_whereabouts_of")
    )
    documents = [document for document in rows if not document.is_withdrawn]
    works_case = case_changeable(user=user, case=case)  # asked once a page (the case page's can_change)
    can_add = user.has_perm("cases.add_casedocument") and works_case
    can_release = can_add and user.has_perm(RELEASE_PERMISSION)
    can_withdraw = works_case and user.has_perm(WITHDRAW_PERMISSION)
    people_mark(document.shows_whereabouts_of for document in documents)
    for document in documents:
        document.shown = document_shown(document, user=user)
        document.shown_title = document_title(document, user=user)
        document.can_mark = can_release if document.shows_whereabouts_of_id else can_add
    return CasePanel(
        "cases/_documents_panel.html",
        {
            "documents": documents,
            "withdrawn_count": len(rows) - len(documents),
            "can_add_document": can_add,
            "can_withdraw_document": can_withdraw,
            "withheld": WITHHELD,
        },
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
    logged 404), a withdrawn one answered with who withdrew it, when and why (a logged 410: the office
    learns it was taken off the case on purpose, not lost), withheld when it shows an FVI person's
    whereabouts (a logged 403), every send logged."""

    permission_required = "cases.view_casedocument"

    def get(self, request, pk: int):
        document = CaseDocument.objects.select_related("case", "withdrawn_by").get_for(request.user, "view", pk=pk)
        if document.is_withdrawn:
            access_log_record(
                kind=AccessLog.Kind.ACCESS_DENIED,
                request=request,
                obj=document,
                outcome="denied",
                detail={"reason": "document_withdrawn", "case": document.case.case_number},
            )
            return render(request, "cases/document_withdrawn.html", {"document": document}, status=410)
        if not document_shown(document, user=request.user):
            access_log_record(
                kind=AccessLog.Kind.ACCESS_DENIED,
                request=request,
                obj=document,
                outcome="denied",
                detail={"reason": "fvi_whereabouts", "person_id": document.shows_whereabouts_of_id},
            )
            return render(
                request,
                "cases/document_withheld.html",
                {"document": document, "withheld": WITHHELD, "document_title": DOCUMENT_WITHHELD_TITLE},
                status=403,
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


class _DocumentActionView(ServiceActionView):
    """An action on one document of a case, read in the write scope of its case (another county's
    document: 404; a case of the county on another caseload: 403, both logged); back to the case's
    documents."""

    model = CaseDocument
    scope_action = "change"
    context_object_name = "document"

    def get_object_queryset(self):
        return CaseDocument.objects.select_related("case", "shows_whereabouts_of", "uploaded_by", "person")

    @property
    def case(self) -> Case:
        return self.object.case

    def get_context_data(self, **kwargs):
        # Whether the document is withheld now (its person's FVI, or their CP's for a child): then
        # its title is not shown either (it may say where someone is).
        return super().get_context_data(
            case=self.case,
            withheld=WITHHELD,
            document_withheld=not document_shown(self.object),
            document_title=document_title(self.object),
            **kwargs,
        )

    def get_success_url(self) -> str:
        return reverse("cases:case_detail", kwargs={"case_number": self.case.case_number}) + "#documents-heading"


class DocumentWhereaboutsView(_DocumentActionView):
    """Mark whose whereabouts a document shows (anyone who may work the case: it only restricts);
    change or clear a mark (a coordinator, with a reason: it releases the document). The page
    carries the mark it showed (``core.stale``): a colleague's mark made meanwhile is not undone."""

    permission_required = "cases.add_casedocument"
    template_name = "cases/document_whereabouts_form.html"
    form_class = forms.DocumentWhereaboutsForm

    def get_object(self):
        document = super().get_object()
        if document.is_withdrawn:
            raise Http404("This document was withdrawn.")
        return document

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if (
            request.method == "GET"  # a form sent is decided by the service, on the row as it is now
            and user.is_authenticated
            and user.has_perm(self.permission_required)
            and self.object.shows_whereabouts_of_id
            and not user.has_perm(RELEASE_PERMISSION)
        ):
            raise PermissionDenied("Only a coordinator may change or clear whose whereabouts a document shows.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        participants = CaseParticipant.objects.filter(case=self.case).select_related("person")
        return {
            **super().get_form_kwargs(),
            "participants": list(participants),
            "marked": bool(self.object.shows_whereabouts_of_id),
            "can_release": self.request.user.has_perm(RELEASE_PERMISSION),
        }

    def get_initial(self):
        return {"shows_whereabouts_of": self.object.shows_whereabouts_of_id}

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class), values=document_whereabouts_shown(self.object))

    def perform(self, data):
        chosen = data["shows_whereabouts_of"]
        before = self.object.shows_whereabouts_of_id
        document = document_whereabouts_mark(
            document=self.object,
            person=Person.objects.filter(pk=chosen).first() if chosen else None,
            reason=data.get("reason", ""),
            by=self.request.user,
            shown=shown_in(data),
            request=self.request,
        )
        self.changed = document.shows_whereabouts_of_id != before
        return document

    def get_success_message(self, document):
        person = document.shows_whereabouts_of
        if not self.changed:
            return "Nothing to change: the document was already marked so."
        if person is None:
            return f"“{document.title}” is no longer marked as showing anyone's whereabouts."
        if not whereabouts_shown(person):
            return f"The document is marked as showing where {person} is: it is withheld (family violence indicator)."
        return f"“{document.title}” is marked as showing where {person} is."


class DocumentWithdrawView(_DocumentActionView):
    """Withdraw a document attached to the wrong case (a coordinator, with a reason): no longer
    listed or sent; the row and the file are kept."""

    permission_required = WITHDRAW_PERMISSION
    template_name = "cases/document_withdraw_form.html"
    form_class = forms.DocumentWithdrawForm
    success_message = "Document withdrawn: it is no longer listed on the case or sent to anyone; it is kept on file."

    def get(self, request, *args, **kwargs):
        if self.object.is_withdrawn:
            messages.info(request, "This document was already withdrawn.")
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def perform(self, data):
        return document_withdraw(document=self.object, reason=data["reason"], by=self.request.user)
