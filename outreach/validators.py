"""Upload checks for outreach materials: allowed types (by extension and by content) and size."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

# Extension → the bytes a real file of that type starts with.
ALLOWED_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def max_material_bytes() -> int:
    return settings.CASEWORKS_OUTREACH_MATERIAL_MAX_BYTES


def validate_material_file(value) -> None:
    if not value:
        return
    suffix = Path(value.name).suffix.lower()
    if suffix not in ALLOWED_SIGNATURES:
        raise ValidationError("Upload a PDF, PNG, JPEG, Word (.docx) or PowerPoint (.pptx) file.", code="file_type")
    limit = max_material_bytes()
    if value.size is not None and value.size > limit:
        raise ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.", code="file_size")
    # Only a fresh upload is read; a stored file was checked when it came in.
    if getattr(value, "_committed", True) is False or hasattr(value, "content_type"):
        pos = value.tell() if hasattr(value, "tell") else 0
        value.seek(0)
        head = value.read(8)
        value.seek(pos)
        if not any(head.startswith(sig) for sig in ALLOWED_SIGNATURES[suffix]):
            raise ValidationError("The file's content does not match its type.", code="file_content")
