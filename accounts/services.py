"""Writes for users, partner agencies and keys."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from core.services import event_record

from .models import ALL_SCOPES, WILDCARD_SCOPE, ApiKey, PartnerAgency


def parse_scopes(text: str) -> list[str]:
    """``"cases:read,collections:write"`` or ``"all"`` → a validated list."""
    scopes = sorted({s.strip() for s in text.split(",") if s.strip()})
    if not scopes:
        raise ValueError("Give at least one scope, e.g. cases:read, or 'all'.")
    if WILDCARD_SCOPE in scopes:
        return [WILDCARD_SCOPE]
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise ValueError(f"Unknown scope(s): {', '.join(unknown)}. Known: {', '.join(ALL_SCOPES)} or 'all'.")
    return scopes


@transaction.atomic
def partner_key_create(
    *, agency_name: str, scopes: list[str], kind: str | None = None, expires_at: datetime | None = None,
    name: str = "", actor_label: str = "manage.py create_partner_key",
) -> tuple[ApiKey, str]:
    """Create a key for the agency (creating the agency if the name is new). Returns the key row
    and the raw key, which is never stored and cannot be shown again."""
    agency, created = PartnerAgency.objects.get_or_create(
        name=agency_name.strip(), defaults={"kind": kind or "other"}
    )
    if not created and kind and agency.kind != kind:
        agency.kind = kind
        agency.full_clean()
        agency.save(update_fields=["kind"])
    raw, prefix = ApiKey.generate()
    key = ApiKey(agency=agency, prefix=prefix, digest=ApiKey.digest_of(raw), scopes=scopes,
                 expires_at=expires_at, name=name)
    key.full_clean()
    key.save()
    event_record(verb="api_key.created", subject=key, actor_label=actor_label,
                 summary=f"Key {prefix}… for {agency.name}", data={"scopes": scopes})
    return key, raw
