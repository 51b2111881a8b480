"""Documents on a case (issue 15.8): attach a scanned court order, correspondence or evidence.

The type is decided by the file's content, never by its name or the browser's claim: a PDF must
start with ``%PDF-`` and have the structure a reader needs (an ``startxref`` offset pointing at a
cross-reference table or stream, and ``%%EOF``), with no JavaScript or launch action; an image must
be a PNG, JPEG or TIFF that Pillow opens and verifies, below Pillow's decompression-bomb limit.
Size is bounded by ``CASEWORKS_DOCUMENT_MAX_BYTES``.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from core.models import AccessLog
from core.services import access_log_record, acting_user, event_about, row_repeat_refuse
from core.stale import Shown, refuse_if_changed

from ..choices import DocumentKind
from ..models import Case, CaseDocument, Person
from ..models.documents import EXTENSIONS

PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|RichMedia)\b")
PDF_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "TIFF": "image/tiff"}
CHUNK = 64 * 1024


def max_document_bytes() -> int:
    return settings.CASEWORKS_DOCUMENT_MAX_BYTES


def _read_all(file) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _check_pdf(data: bytes) -> None:
    if not re.match(rb"%PDF-[12]\.\d", data[:8]):
        raise ValidationError("This PDF has no valid header.", code="file_content")
    if PDF_ACTIVE.search(data):
        raise ValidationError(
            "This PDF contains scripts or actions; attach a plain scan or print it to PDF.", code="file_content"
        )
    tail = data[-2048:]
    match = PDF_STARTXREF.search(tail)
    if match is None:
        raise ValidationError(
            "This PDF is damaged or incomplete (no end of file marker): scan it again.", code="file_content"
        )
    offset = int(match.group(1))
    at = data[offset : offset + 40] if 0 < offset < len(data) else b""
    if not (at.startswith(b"xref") or re.match(rb"\d+\s+\d+\s+obj\b", at)):
        raise ValidationError(
            "This PDF is damaged (its cross-reference table is missing): scan it again.", code="file_content"
        )


def _check_image(file) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as image:
                kind = image.format
                image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise ValidationError(
            "This image cannot be read (damaged, or too large in pixels).", code="file_content"
        ) from exc
    finally:
        file.seek(0)
    if kind not in IMAGE_FORMATS:
        raise ValidationError("Attach a PDF, PNG, JPEG or TIFF file.", code="file_type")
    return IMAGE_FORMATS[kind]


def detect_content_type(file) -> str:
    """The document's type from its bytes (``ValidationError`` when it is not one we keep)."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        _check_pdf(_read_all(file))
        return "application/pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return _check_image(file)
    raise ValidationError(
        "Attach a PDF, PNG, JPEG or TIFF file (the content of this file is none of these).", code="file_type"
    )


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(CHUNK), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def download_name(document: CaseDocument) -> str:
    """The name the download is saved under: the uploader's name with the detected extension."""
    stem = re.sub(r"[^\w\- .]+", "_", PurePath(document.original_name).stem).strip(" ._")[:80] or "document"
    return f"{stem}.{EXTENSIONS[document.content_type]}"


def _on_case(case: Case, person: Person | None, field: str) -> None:
    if person is not None and not case.participants.filter(person=person).exists():
        raise ValidationError({field: "Choose a person on this case."})


@transaction.atomic
def document_attach(
    *,
    case: Case,
    file,
    kind: str,
    title: str,
    by,
    person: Person | None = None,
    shows_whereabouts_of: Person | None = None,
) -> CaseDocument:
    """Attach ``file`` to ``case`` (checked by content and size), recorded as a domain event. The
    same file attached again to the case as the same document by the same person a moment later (a
    double-clicked form, a resent upload) is refused: one document, not two copies to withdraw or
    mark separately. The attaches to a case take turns on an advisory lock of the case, not on its
    row: the file is written to storage while the lock is held, and every other writer of the case
    (notes, payments, the case page's edits) must not wait for that."""
    if file is None or not getattr(file, "size", 0):
        raise ValidationError({"file": "Choose a file to attach (this one is empty)."})
    limit = max_document_bytes()
    if file.size > limit:
        raise ValidationError({"file": f"The file is larger than {limit / (1024 * 1024):g} MB."})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Choose what kind of document this is."})
    _on_case(case, person, "person")
    _on_case(case, shows_whereabouts_of, "shows_whereabouts_of")
    try:
        content_type = detect_content_type(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    original = PurePath(getattr(file, "name", "") or "document").name[:200]
    document = CaseDocument(
        case=case,
        person=person,
        kind=kind,
        title=(title or "").strip() or original,
        original_name=original,
        content_type=content_type,
        size=file.size,
        sha256=_sha256(file),
        shows_whereabouts_of=shows_whereabouts_of,
        uploaded_by=by,
    )
    document.full_clean(exclude=["file"])
    if acting_user(by) is not None:
        row_repeat_refuse(
            row=document,
            parent=f"cases.document_attach:{case.pk}",
            fields=("case", "sha256", "kind", "title", "person", "shows_whereabouts_of", "uploaded_by", "withdrawn_at"),
            at="uploaded_at",
            message=lambda attached: {
                "file": f"This file was already attached to the case a moment ago ({attached.title}): "
                "nothing was added again."
            },
        )
    document.file.save(original, file, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    event_about(
        document,
        verb="case.document_attached",
        by=by,
        summary=f"{document.get_kind_display()}: {document.title}"[:120],
        data={"document_id": document.pk, "content_type": content_type, "size": document.size},
    )
    return document


# -- corrections (issue: a document, once attached, could never be corrected) -----------------------

RELEASE_PERMISSION = "cases.release_document"
WITHDRAW_PERMISSION = "cases.withdraw_document"
WHEREABOUTS_SHOWN = {"shows_whereabouts_of": "person whose whereabouts it shows"}


def document_whereabouts_shown(document: CaseDocument) -> dict:
    """What the marking page shows that its decision rests on (``core.stale``): whom the document
    is marked as locating now. Changing that from one person to another releases the first."""
    return {"shows_whereabouts_of": document.shows_whereabouts_of_id}


def _locked(document: CaseDocument) -> CaseDocument:
    # of=self: the person joined is nullable (FOR UPDATE cannot lock the nullable side of an outer join)
    return (
        CaseDocument.objects.select_for_update(of=("self",))
        .select_related("case", "shows_whereabouts_of")
        .get(pk=document.pk)
    )


def _withdrawn_refusal(document: CaseDocument) -> ValidationError:
    return ValidationError(f"This document was withdrawn on {timezone.localtime(document.withdrawn_at):%b %-d, %Y}.")


@transaction.atomic
def document_whereabouts_mark(
    *,
    document: CaseDocument,
    person: Person | None,
    by,
    reason: str = "",
    shown: Shown | None = None,
    request=None,
) -> CaseDocument:
    """Record whose whereabouts (address, employer, phone...) ``document`` shows.

    Marking an unmarked document only restricts it (``cases.redaction.document_shown`` withholds it
    while that person has the family violence indicator, 42 USC 654(26), 45 CFR 303.21): anyone who
    may work the case may do it (the view checks ``cases.add_casedocument`` on the case in the write
    scope). Changing the mark to another person or clearing it *releases* the document to everyone
    who may open the case: only holders of ``cases.release_document`` (coordinators), with a reason,
    and the release is written to the security log as well as the case history. The person must be
    on the case. The same mark again changes nothing (a double-submitted form). From the page
    (``shown``): refused when the mark changed since the page was opened."""
    row = _locked(document)
    if row.is_withdrawn:
        raise _withdrawn_refusal(row)
    if person is not None and not row.case.participants.filter(person=person).exists():
        raise ValidationError({"shows_whereabouts_of": "Choose a person on this case."})
    new_id = person.pk if person is not None else None
    if row.shows_whereabouts_of_id == new_id:
        return row  # already so: nothing to record (a second click, a colleague's identical mark)
    refuse_if_changed(row=row, shown=shown, current=document_whereabouts_shown(row), labels=WHEREABOUTS_SHOWN)
    before = row.shows_whereabouts_of
    reason = (reason or "").strip()
    if before is not None:
        if by is None or not by.has_perm(RELEASE_PERMISSION):
            raise PermissionDenied(
                "Only a coordinator may change or clear whose whereabouts a document shows (it releases the "
                "document). Nothing was changed."
            )
        if not reason:
            raise ValidationError({"reason": "Say why the document does not show this person's whereabouts."})
    row.shows_whereabouts_of = person
    row.full_clean(exclude=["file"])
    row.save(update_fields=["shows_whereabouts_of"])
    data = {
        "document_id": row.pk,
        "from_person_id": before.pk if before is not None else None,
        "to_person_id": new_id,
        "reason": reason,
    }
    if before is None:
        verb, summary = "document.whereabouts_marked", f"Document {row.pk} marked as showing where {person} is"
    else:
        verb = "document.whereabouts_released"
        to = f"marked for {person} instead" if person is not None else "no longer marked"
        summary = f"Document {row.pk} released from {before}'s whereabouts ({to}): {reason}"
        access_log_record(
            kind=AccessLog.Kind.OVERRIDE,
            request=request,
            user=by,
            obj=row,
            fields=["file"],
            detail={
                "action": "document_whereabouts_released",
                "case": row.case.case_number,
                "person_id": before.pk,
                "family_violence": before.family_violence,
                **data,
            },
        )
    event_about(row, verb=verb, by=by, summary=summary, data=data)
    return row


@transaction.atomic
def document_withdraw(*, document: CaseDocument, reason: str, by) -> CaseDocument:
    """Withdraw a document attached to the wrong case: it leaves the case's list and is sent to no
    one (another family's papers shown on this case, 45 CFR 303.21). The row and the file are kept
    (evidence is never deleted); an administrator restores it (``document_restore``). Holders of
    ``cases.withdraw_document`` (coordinators), with a reason. Withdrawing a withdrawn document
    changes nothing (a double-submitted form)."""
    if by is None or not by.has_perm(WITHDRAW_PERMISSION):
        raise PermissionDenied("Only a coordinator may withdraw a document. Nothing was changed.")
    row = _locked(document)
    if row.is_withdrawn:
        return row
    reason = _reason_given(reason, "Say why the document is withdrawn (e.g. attached to the wrong case).")
    row.withdrawn_at = timezone.now()
    row.withdrawn_by = acting_user(by)
    row.withdrawn_reason = reason[:500]
    return _withdrawal_saved(row, verb="document.withdrawn", reason=row.withdrawn_reason, by=by)


@transaction.atomic
def document_restore(*, document: CaseDocument, reason: str, by) -> CaseDocument:
    """Undo a withdrawal (an administrator, from admin): the document is listed and sent again. The
    withdrawal stays in the case history and the row's change history."""
    if by is None or not getattr(by, "is_superuser", False):
        raise PermissionDenied("Only an administrator may restore a withdrawn document.")
    row = _locked(document)
    if not row.is_withdrawn:
        return row
    reason = _reason_given(reason, "Say why the document is restored.")
    assert row.withdrawn_at is not None
    withdrawn = {"withdrawn_at": row.withdrawn_at.isoformat(), "withdrawn_reason": row.withdrawn_reason}
    row.withdrawn_at, row.withdrawn_by, row.withdrawn_reason = None, None, ""
    return _withdrawal_saved(row, verb="document.restored", reason=reason, by=by, **withdrawn)


def _reason_given(reason: str, refusal: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": refusal})
    return reason


def _withdrawal_saved(row: CaseDocument, *, verb: str, reason: str, by, **data) -> CaseDocument:
    """Save a withdrawal set or cleared (``document_withdraw``, ``document_restore``) and record
    ``verb`` with the reason. The title is not repeated in the event: a misfiled document's title
    may name the other family."""
    row.full_clean(exclude=["file"])
    row.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    event_about(
        row,
        verb=verb,
        by=by,
        summary=f"Document {row.pk} {verb.removeprefix('document.')}: {reason}",
        data={"document_id": row.pk, "reason": reason, **data},
    )
    return row
