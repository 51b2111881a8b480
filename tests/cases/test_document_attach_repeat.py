"""The case page's "Attach a document" form submitted twice (a double click, a resent upload):
one document (cases.services.documents.document_attach, core.services.row_repeat_refuse)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseDocument
from core.models import DomainEvent
from tests.cases.factories import CaseFactory
from tests.cases.test_documents import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def test_a_double_clicked_upload_attaches_the_document_once(client, role_user):
    """A caseworker attaches the signed court order to a case and double-clicks "Attach" (or the
    browser resends the slow multipart POST). Two CaseDocument rows with the same bytes (same
    sha256), the same kind, title and uploader are stored a moment apart, with two
    "case.document_attached" events: the case's documents list shows the order twice, two copies
    of a document that may show a parent's whereabouts are kept (each must be withdrawn or marked
    separately; marking one leaves the other releasable), and the case history says two orders
    were filed. Every other desk form on the case (note, locate attempt, work item, child) refuses
    the same thing sent again by the same person a moment later (core.services.row_repeat_refuse);
    this one does not. Who is hurt: the caseworker and colleagues reading the case, the auditor.
    Cause: cases/services/documents.py document_attach (no repeat check on case + sha256 +
    uploader)."""
    case = CaseFactory(county="Albany", caseworker=role_user("caseworker"))
    client.force_login(role_user("caseworker"))
    url = reverse("cases:document_attach", args=[case.case_number])
    for _ in range(2):  # the double click: the same form, the same file
        answer = client.post(
            url,
            {
                "file": SimpleUploadedFile("order.pdf", pdf_bytes(), content_type="application/pdf"),
                "kind": "court_order",
                "title": "Signed order of support",
            },
        )
    assert CaseDocument.objects.filter(case=case).count() == 1, "the same upload stored twice"
    assert DomainEvent.objects.filter(verb="case.document_attached").count() == 1
    assert (
        "This file was already attached to the case a moment ago (Signed order of support): nothing was added again."
        in answer.content.decode()
    )


def test_another_file_or_the_same_file_by_someone_else_is_attached(client, role_user):
    case = CaseFactory(county="Albany", caseworker=role_user("caseworker"))
    url = reverse("cases:document_attach", args=[case.case_number])

    def attach(content: bytes) -> None:
        upload = SimpleUploadedFile("order.pdf", content, content_type="application/pdf")
        client.post(url, {"file": upload, "kind": "court_order", "title": "Order"})

    client.force_login(role_user("caseworker"))
    attach(pdf_bytes())
    attach(png_bytes())  # another file
    client.force_login(role_user("coordinator"))  # the same file by someone else: theirs to decide
    attach(pdf_bytes())
    assert CaseDocument.objects.filter(case=case).count() == 3
