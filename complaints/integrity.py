"""Data checks for the complaints app (``core.integrity``): rows written before a fix, for the office to decide."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min, Q

from accounts.models import ApiKey
from cases.models import Case
from core.integrity import IntegrityCheck, IntegrityRow

from .models import Complaint
from .services import SAME_COMPLAINT


def _complaints_linked_out_of_scope() -> Iterator[IntegrityRow]:
    """Staff and partner intake now look a case number up in the filer's scope (``case_visible_by_number``);
    before, any county's case was linked, and its parent's address went into the acknowledgement. The
    filer's scope is taken as it is today: a user since moved to another county shows here too."""
    linked = (
        Complaint.objects.filter(case__isnull=False)
        .filter(Q(filed_by__isnull=False) | Q(filed_by_agency__isnull=False))
        .select_related("case", "filed_by", "filed_by_agency")
        .order_by("id")
    )
    agency_counties: dict[int, tuple[bool, set[str]]] = {}
    # Per staff filer, the linked cases they may see: one query a filer, not one a complaint.
    staff_visible: dict[int, set[int]] = {}
    for complaint in linked.iterator(chunk_size=500):
        if complaint.filed_by_id:
            filer = f"staff user {complaint.filed_by.get_username()}"
            if complaint.filed_by_id not in staff_visible:
                theirs = linked.filter(filed_by_id=complaint.filed_by_id).values("case_id")
                staff_visible[complaint.filed_by_id] = set(
                    Case.objects.restrict(complaint.filed_by, "view").filter(pk__in=theirs).values_list("pk", flat=True)
                )
            visible = complaint.case_id in staff_visible[complaint.filed_by_id]
        else:
            agency = complaint.filed_by_agency
            if agency.pk not in agency_counties:
                keys = ApiKey.objects.filter(agency=agency).values_list("all_counties", "counties")
                agency_counties[agency.pk] = (
                    any(every for every, _ in keys),
                    {county for _, counties in keys for county in counties or []},
                )
            every, counties = agency_counties[agency.pk]
            filer = f"partner {agency.name}"
            visible = every or complaint.case.county in counties
        if not visible:
            yield IntegrityRow(
                reference=complaint.number,
                detail=f"filed by {filer} on {complaint.received_on}, linked to {complaint.case.county}'s case "
                f"{complaint.case.case_number}",
            )


# The same complaint (``services.SAME_COMPLAINT``) by the same filer; no filer: the public form.
SAME_FILING = ("filed_by", "filed_by_agency", *SAME_COMPLAINT)


def _complaints_filed_twice() -> Iterator[IntegrityRow]:
    """A staff member's double-clicked intake or a partner's retried request filed (and acknowledged)
    one complaint twice until the fix; so did the public form sent twice, until each showing of it
    carried a one-time token. Anonymous web filings have no filer: the same words, contact and day
    from the public form are taken as the same person's (after the fix, a form shown again and sent
    with the same words shows here too, for the office to decide)."""
    twice = (
        Complaint.objects.values(*SAME_FILING)
        .annotate(times=Count("id"), first=Min("number"))
        .filter(times__gt=1)
        .order_by("first")
    )
    for row in twice:
        same = Complaint.objects.filter(**{field: row[field] for field in SAME_FILING}).order_by("pk")
        numbers = list(same.values_list("number", flat=True))
        by = "the same filer" if row["filed_by"] or row["filed_by_agency"] else "the public form"
        yield IntegrityRow(
            reference=numbers[0],
            detail=f"filed {row['times']} times on {row['received_on']} by {by}: {', '.join(numbers)}",
        )


CHECKS = [
    IntegrityCheck(
        name="complaints.linked_out_of_scope",
        title="Complaints filed by staff or a partner and linked to a case outside the filer's scope",
        why=(
            "Until the intake fix a complaint's case number was looked up in every county, so a filer could "
            "link another county's case and its acknowledgement printed that case's parent's address. For "
            "each, decide whether the link is right (then the complaint stays), or unlink it and record the "
            "disclosure as the office's breach procedure requires."
        ),
        find=_complaints_linked_out_of_scope,
    ),
    IntegrityCheck(
        name="complaints.filed_twice",
        title="Complaints filed twice by the same staff member or partner, or sent twice from the public form",
        why=(
            "Until the fix a double-clicked intake, a retried partner request or a public form sent twice filed "
            "the complaint again, with its own number, deadline and acknowledgement (and, from the public form, "
            "its own secret code). For each, keep the first, close the others as duplicates, and tell the "
            "complainant which number to use."
        ),
        find=_complaints_filed_twice,
    ),
]
