"""URL samples for search and the person page (issue 15.1)."""

from __future__ import annotations

from tests.cases.factories import CaseFactory


def url_samples(*, users) -> dict[str, dict]:
    case = CaseFactory(county="Albany")
    return {"person": {"person_id": case.ncp.pk}}
