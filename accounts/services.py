"""Writes for users, partner agencies and keys."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from core.services import saved_with_event

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


def parse_counties(text: str) -> list[str]:
    """``"Albany, Schenectady"`` → ``["Albany", "Schenectady"]`` (trimmed, de-duplicated, in order)."""
    counties: list[str] = []
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name not in counties:
            if len(name) > 60:
                raise ValueError(f"County name too long: {name[:60]}…")
            counties.append(name)
    if not counties:
        raise ValueError("Give at least one county, e.g. --counties Albany,Schenectady (or --all-counties).")
    return counties


@transaction.atomic
def partner_key_create(
    *,
    agency_name: str,
    scopes: list[str],
    counties: list[str] | None = None,
    all_counties: bool = False,
    kind: str | None = None,
    expires_at: datetime | None = None,
    name: str = "",
    actor_label: str = "manage.py create_partner_key",
) -> tuple[ApiKey, str]:
    """Create a key for the agency (creating the agency if the name is new). Returns the key row
    and the raw key, which is never stored and cannot be shown again.

    The key reads and writes only the objects of ``counties``; a state-wide key must say so with
    ``all_counties=True``. With neither, nothing is created."""
    counties = list(counties or [])
    if all_counties == bool(counties):
        raise ValueError("A key needs its counties, or all_counties for a state-wide key (not both).")
    agency, created = PartnerAgency.objects.get_or_create(name=agency_name.strip(), defaults={"kind": kind or "other"})
    if not created and kind and agency.kind != kind:
        agency.kind = kind
        agency.full_clean()
        agency.save(update_fields=["kind"])
    raw, prefix = ApiKey.generate()
    key = ApiKey(
        agency=agency,
        prefix=prefix,
        digest=ApiKey.digest_of(raw),
        scopes=scopes,
        counties=counties,
        all_counties=all_counties,
        expires_at=expires_at,
        name=name,
    )
    saved_with_event(
        key,
        verb="api_key.created",
        actor_label=actor_label,
        summary=f"Key {prefix}… for {agency.name} ({key.county_label})",
        data={"scopes": scopes, "counties": counties, "all_counties": all_counties},
    )
    return key, raw
