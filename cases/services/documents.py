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
from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from core.services import event_record

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
    """Attach ``file`` to ``case`` (checked by content and size), recorded as a domain event."""
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
    document.file.save(original, file, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    event_record(
        verb="case.document_attached",
        subject=document,
        case_id=case.pk,
        actor=by,
        summary=f"{document.get_kind_display()}: {document.title}"[:120],
        data={"document_id": document.pk, "content_type": content_type, "size": document.size},
    )
    return document
