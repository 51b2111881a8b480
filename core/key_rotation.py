"""Re-encrypt every encrypted value under the current key and recompute every blind index.

Used by ``manage.py rotate_field_keys``. Work goes in batches ordered by primary key, one
transaction per batch with the batch's rows locked (``SELECT ... FOR UPDATE`` on PostgreSQL), so
an interrupted run keeps what it finished. A run is resumable because it is idempotent: a value
that already decrypts under the first key, with a blind index that already matches, is left
alone, so a second run only does what the first did not reach. A value that decrypts under no
configured key is reported by table and id and left exactly as stored: never blanked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from .fields import EncryptedCharField, blind_index, fernet, primary_fernet

RAW = "_caseworks_raw"


@dataclass
class FieldRotation:
    """What a run did to one encrypted field."""

    label: str  # app_label.Model.field
    table: str
    total: int = 0
    read: int = 0
    reencrypted: int = 0
    reindexed: int = 0
    undecryptable: list[str] = field(default_factory=list)  # primary keys, as text


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedCharField]]:
    """Every concrete encrypted column of every installed model (history tables exclude them)."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedCharField):
                yield model, f


def _decrypt(raw: str) -> tuple[str | None, bool]:
    """(plaintext or None, whether it was already under the first key)."""
    token = raw.encode()
    try:
        return primary_fernet().decrypt(token).decode(), True
    except InvalidToken:
        pass
    try:
        return fernet().decrypt(token).decode(), False
    except InvalidToken:
        return None, False


def field_rotate(
    *,
    model: type[models.Model],
    encrypted: EncryptedCharField,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: Callable[[FieldRotation, object], None] | None = None,
) -> FieldRotation:
    """Re-encrypt one field's values under the first key and recompute the blind indexes built on it."""
    index_columns = [idx for idx, source in getattr(model, "blind_indexes", {}).items() if source == encrypted.name]
    manager = model._base_manager
    rows = manager.exclude(**{f"{encrypted.attname}__isnull": True}).exclude(**{encrypted.attname: ""})
    report = FieldRotation(
        label=f"{model._meta.label}.{encrypted.name}", table=model._meta.db_table, total=rows.count()
    )
    last_pk = None
    while True:
        with transaction.atomic():
            batch_qs = rows.order_by("pk")
            if last_pk is not None:
                batch_qs = batch_qs.filter(pk__gt=last_pk)
            batch = list(
                batch_qs.select_for_update()
                .annotate(**{RAW: Cast(encrypted.attname, output_field=models.TextField())})
                .values_list("pk", RAW, *index_columns)[:batch_size]
            )
            if not batch:
                break
            changed = []
            for pk, raw, *indexes in batch:
                report.read += 1
                plaintext, current = _decrypt(raw)
                if plaintext is None:
                    report.undecryptable.append(str(pk))
                    continue
                wanted = blind_index(plaintext)
                stale = any(value != wanted for value in indexes)
                report.reencrypted += not current
                report.reindexed += stale
                if not current or stale:
                    # Saving the plaintext encrypts it under the first key (get_prep_value).
                    changed.append(model(pk=pk, **{encrypted.name: plaintext}, **dict.fromkeys(index_columns, wanted)))
            if changed and not dry_run:
                manager.bulk_update(changed, [encrypted.name, *index_columns], batch_size=100)  # short CASE lists
            last_pk = batch[-1][0]
        if progress is not None:
            progress(report, last_pk)
    return report
