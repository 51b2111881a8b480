"""Reference numbers people read out on the phone (complaints, hearing requests)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out on the phone


def random_number(prefix: str) -> str:
    """A confirmation number that cannot be guessed from the previous one (``CMP-7KQ2-M9XD``)."""
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def save_with_unique_number(obj, prefix: str) -> None:
    """Save ``obj`` with a fresh random ``number``; a collision with an existing row draws again."""
    for _ in range(5):
        obj.number = random_number(prefix)
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            if type(obj).objects.filter(number=obj.number).exists():
                continue
            raise
    raise RuntimeError("could not allocate a unique number")
