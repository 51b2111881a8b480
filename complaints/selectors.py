"""Complaints reads (selectors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from .choices import Category, ComplaintStatus, Outcome
from .models import Complaint, Notice


def complaint_queue(*, user):
    """The ombudsperson queue: complaints the user may see, earliest due first."""
    return Complaint.objects.restrict(user, "view").select_related("case", "investigator").order_by("due_on", "pk")


def complaint_get(*, user, number: str) -> Complaint:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        complaint_queue(user=user).select_related(
            "complainant_person", "extended_by", "resolved_by", "filed_by", "filed_by_agency"
        ),
        number=number,
    )


def complaint_for_status_page(*, number: str, secret: str) -> Complaint | None:
    """The complaint when ``secret`` matches its stored hash (the public status page), else None."""
    complaint = Complaint.objects.filter(number=(number or "").strip().upper()[:20]).first()
    # An unknown number is checked against a throwaway hash (``Complaint.secret_matches``): the same
    # work, so the answer's timing does not say whether the number exists.
    if not (complaint or Complaint()).secret_matches((secret or "").strip()[:100]):
        return None
    return complaint


def unread_notices(*, user):
    return Notice.objects.filter(user=user, read_at__isnull=True)


# Report ---------------------------------------------------------------------------------------


@dataclass
class ComplaintReport:
    start: date
    end: date
    received: int = 0
    resolved: int = 0
    resolved_within: int = 0
    within_pct: Decimal | None = None
    average_days: Decimal | None = None
    by_category: list[tuple[str, str, int, int]] = field(default_factory=list)  # value, label, received, resolved
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def rows(self) -> list[list]:
        """Flat rows for the CSV export."""
        out: list[list] = [
            ["measure", "key", "value"],
            ["period", "start", self.start.isoformat()],
            ["period", "end", self.end.isoformat()],
            ["total", "received", self.received],
            ["total", "resolved", self.resolved],
            ["total", "resolved_within_30_days", self.resolved_within],
            ["total", "within_30_days_pct", "" if self.within_pct is None else self.within_pct],
            ["total", "average_days_to_resolve", "" if self.average_days is None else self.average_days],
        ]
        out += [["received_by_category", value, received] for value, _, received, _ in self.by_category]
        out += [["resolved_by_category", value, resolved] for value, _, _, resolved in self.by_category]
        out += [["resolved_by_outcome", value, count] for value, _, count in self.by_outcome]
        return out


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def complaint_report(*, start: date, end: date) -> ComplaintReport:
    """Received and resolved in [start, end]; "within 30 days" means resolved by the statutory
    due date (received + 30 days rolled, before any extension; Fam. Code 17800)."""
    report = ComplaintReport(start=start, end=end)
    received = Complaint.objects.filter(received_on__range=(start, end))
    resolved = Complaint.objects.filter(
        resolved_on__range=(start, end), status__in=[ComplaintStatus.RESOLVED, ComplaintStatus.WITHDRAWN]
    )
    report.received = received.count()
    spans = list(resolved.values_list("received_on", "resolved_on", "original_due_on"))
    report.resolved = len(spans)
    report.resolved_within = sum(1 for _, done, due in spans if done <= due)
    if spans:
        report.within_pct = _one_decimal(Decimal(100 * report.resolved_within) / report.resolved)
        report.average_days = _one_decimal(Decimal(sum((done - got).days for got, done, _ in spans)) / len(spans))
    got = dict(received.values_list("category").annotate(n=Count("pk")).order_by())
    done = dict(resolved.values_list("category").annotate(n=Count("pk")).order_by())
    report.by_category = [
        (c.value, str(c.label), got.get(c.value, 0), done.get(c.value, 0))
        for c in Category
        if got.get(c.value) or done.get(c.value)
    ]
    outcomes = dict(resolved.values_list("outcome").annotate(n=Count("pk")).order_by())
    report.by_outcome = [(o.value, str(o.label), outcomes[o.value]) for o in Outcome if outcomes.get(o.value)]
    return report


def queue_counts(*, user, today: date) -> dict[str, int]:
    qs = Complaint.objects.restrict(user, "view").open()
    return qs.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        unassigned=Count("pk", filter=Q(investigator__isnull=True)),
    )
