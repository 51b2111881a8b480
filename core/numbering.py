"""Reference numbers people read out on the phone (complaints, hearing requests)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out on the phone


def random_number(prefix: str) -> str:
    """A confirmation number that cannot be guessed from the previous one (``CMP-7KQ2-M9XD``)."""
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def save_with_unique_number(obj, prefix: str = "", *, draw=None, field: str = "number") -> None:
    """Save ``obj`` with a fresh number in ``field``: ``draw()`` (by default a random number after
    ``prefix``), drawn at the insert; a collision with a row saved meanwhile draws again."""
    draw = draw or (lambda: random_number(prefix))
    for _ in range(5):
        setattr(obj, field, draw())
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            if type(obj).objects.filter(**{field: getattr(obj, field)}).exists():
                continue
            raise
    raise RuntimeError(f"could not allocate a unique {field.replace('_', ' ')}")
