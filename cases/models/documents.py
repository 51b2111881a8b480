"""Documents on a case: scanned court orders, correspondence and evidence (issue 15.8).

The file is stored under ``MEDIA_ROOT`` with a random name (``case_documents/<year>/<32 hex>.<ext>``,
the extension from the detected type, never the uploader's file name), so a path can be neither
guessed nor made to say anything; it is only ever sent by ``cases:document_download``, which reads the
row through ``restrict()`` and asks ``cases.redaction`` before sending it.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AuditedModel, staff_reference

from ..choices import DocumentKind
from .cases import Case
from .people import Person
from .scope import CaseScoped

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/tiff": "tif"}
TYPE_LABELS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/tiff": "TIFF image",
}


def document_path(instance: CaseDocument, filename: str) -> str:
    ext = EXTENSIONS.get(instance.content_type, "bin")
    return f"case_documents/{timezone.now():%Y}/{secrets.token_hex(16)}.{ext}"


class CaseDocument(CaseScoped, AuditedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="The person on the case the document is about, if it is about one.",
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, db_index=True)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(
        max_length=200, help_text="The name of the file as uploaded (shown, never used as a path)."
    )
    content_type = models.CharField(max_length=40, help_text="Detected from the file's content.")
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    shows_whereabouts_of = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A person whose whereabouts (address, employer, phone...) the document shows: while that person has "
        "the family violence indicator, the document is withheld (42 USC 654(26)).",
    )
    uploaded_by = staff_reference(on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Withdrawn (attached to the wrong case, cases.services.documents.document_withdraw): no longer
    # listed or sent, the row and the file kept as evidence (an administrator restores it in admin).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = staff_reference(on_delete=models.PROTECT, db_index=False)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="cases_document_not_empty"),
            models.CheckConstraint(condition=Q(content_type__in=list(EXTENSIONS)), name="cases_document_known_type"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_reason="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="cases_document_withdrawn_with_reason",
            ),
        ]
        permissions = [
            ("release_document", "Change or clear whose whereabouts a case document shows (releases it)"),
            ("withdraw_document", "Withdraw a document attached to the wrong case (kept, no longer shown)"),
        ]

    def __str__(self) -> str:
        # Admin, history and logs name a document by this: a withheld document's title may say where
        # someone is (``cases.redaction.document_title``), read only when the document is marked.
        if self.shows_whereabouts_of_id:
            from ..redaction import document_title

            return f"{self.case} · {document_title(self)}"
        return f"{self.case} · {self.title}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.content_type, self.content_type)
