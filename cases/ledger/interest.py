"""California's interest on support arrears, read from the ledger (docs/ledger.md, "Interest").

The law (quoted in docs/ledger.md):
- a support order is a money judgment (Fam. Code 155) and "interest accrues at the rate of 10
  percent per annum on the principal amount of a money judgment remaining unsatisfied" (CCP
  685.010(a)(1)); the rate is the dated legal parameter ``ca.arrears.interest_rate``;
- on an installment judgment interest accrues "as to each installment on the date the installment
  becomes due" (CCP 685.020(b)), but in an action the local child support agency enforces "no
  interest shall accrue on an obligation for current ... support due in a given month until the
  first day of the following month" (Fam. Code 17433.5): an installment bears interest once its
  month has closed, which is when the ledger makes it arrears (the month roll-over, dated the first
  of the month; a charge entered late straight into arrears counts from the first of the month
  after its due date, never before its order was issued);
- interest is simple: never on interest (685.010 accrues on "the principal amount");
- a payment is credited "first ... against the current month's support", next "against the
  principal amount of the judgment remaining unsatisfied", oldest installment first, and only then
  "against the accrued interest" (CCP 695.221 as amended by AB 2669, Stats. 2004 ch. 305, from
  January 1, 2009). The ledger's distribution already pays current support, then arrears; so the
  interest-bearing principal is the case's arrears buckets, and interest ceases on the part paid
  on its date of collection (CCP 685.030(c), (d)).

Because every unpaid installment bears the same rate on a given day, the interest does not depend
on which installment a payment paid: it is rate × the arrears principal owed each day. Two queries
for any number of cases: the arrears entries grouped by case and date, and the rate's rows.
Nothing here is posted: interest is not an entry and no payment pays it yet, so what has accrued is
what is unpaid (docs/ledger.md says what posting it would need).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from core.legal import LegalParameterMissing
from core.models import LegalParameter

from ..choices import Bucket, EntryType, InterstateRole
from ..ledger_dates import next_month
from ..models import Case, LedgerEntry

RATE_KEY = "ca.arrears.interest_rate"
JURISDICTION = "CA"
CENT = Decimal("0.01")
ZERO = Decimal("0")
DAYS_A_YEAR = Decimal(365)
ARREARS = (Bucket.ARREARS_UNASSIGNED, Bucket.ARREARS_ASSIGNED)


@dataclass(frozen=True)
class InterestFigure:
    """A California case's interest on its arrears as of a day (the day itself not counted)."""

    case_id: int
    as_of: date
    principal: Decimal  # the arrears owed at the end of ``as_of`` (the interest-bearing principal)
    interest: Decimal  # accrued and unpaid, to the cent
    rate_percent: Decimal  # the rate in force on ``as_of``
    citation: str

    @property
    def rate_text(self) -> str:
        return format(self.rate_percent.normalize(), "f")

    @property
    def label(self) -> str:
        """How pages and letters name it (CCP 695.211(c): a statement of account states "current
        support, arrears, and interest due")."""
        return f"Interest at {self.rate_text}% a year (CCP 685.010)"

    def as_dict(self) -> dict:
        return {
            "accrued": f"{self.interest:.2f}",
            "principal": f"{self.principal:.2f}",
            "rate_percent": self.rate_text,
            "citation": self.citation,
            "as_of": self.as_of.isoformat(),
        }


def _effective_on(entry_type: str, due_on, posted_on: date, collected_on, issued_on, reversed_bucket) -> date:
    """The day an arrears entry starts (or stops) bearing interest."""
    if collected_on is not None:  # a payment, its reversal or its redistribution: its date of collection ...
        if due_on is not None:
            # ... but current support of a month since closed, paid out of that month's arrears (or owed
            # again), bore no interest before the month ended (Fam. Code 17433.5)
            return max(collected_on, next_month(due_on))
        if entry_type == EntryType.REVERSAL and reversed_bucket == Bucket.CURRENT:
            # current support the payment paid in its month of collection, owed again once that month
            # has closed (a payment returned unpaid): interest from the first of the next month
            return next_month(collected_on)
        return collected_on
    if due_on is not None and entry_type in (EntryType.CHARGE, EntryType.REVERSAL):
        # a charge entered late straight into arrears (or its reversal): from the first of the month
        # after it was due (Fam. Code 17433.5), never before its order existed
        start = next_month(due_on)
        return max(start, issued_on) if issued_on is not None else start
    return posted_on  # the month roll-over (the first of the month) and other adjustments


def _rates() -> list[tuple[date, Decimal, str]]:
    return list(
        LegalParameter.objects.filter(key=RATE_KEY, jurisdiction=JURISDICTION)
        .order_by("effective_on")
        .values_list("effective_on", "value", "citation")
    )


def _rate_on(rates: list[tuple[date, Decimal, str]], day: date) -> tuple[date, Decimal, str]:
    in_force = None
    for row in rates:
        if row[0] > day:
            break
        in_force = row
    if in_force is None:
        raise LegalParameterMissing(RATE_KEY, JURISDICTION, day, rates[0][0] if rates else None)
    return in_force


def _dollar_days(events: list[tuple[date, Decimal]], as_of: date, rates) -> tuple[Decimal, Decimal]:
    """(interest, principal at the end of ``as_of``) from a case's (date, change of arrears) sorted by
    date. The principal never goes below zero: a payment dated before the roll-over that made the
    month's support arrears (collected in the month, posted after it closed) pays support that bore
    no interest yet."""
    interest = ZERO
    balance = ZERO
    boundaries = [row[0] for row in rates]
    for index, (day, change) in enumerate(events):
        balance += change
        end = events[index + 1][0] if index + 1 < len(events) else as_of
        end = min(end, as_of)
        if balance <= 0 or end <= day:
            continue
        start = day
        for boundary in [b for b in boundaries if start < b < end] + [end]:
            _, rate, _ = _rate_on(rates, start)
            interest += balance * rate * (boundary - start).days
            start = boundary
    return (interest / 100 / DAYS_A_YEAR).quantize(CENT, ROUND_HALF_UP), max(balance, ZERO)


def arrears_interest(*, case_ids: Iterable[int], as_of: date) -> dict[int, InterestFigure]:
    """The interest of the California cases among ``case_ids`` that have arrears entries posted by
    ``as_of``, by case id. Two queries whatever the number of cases."""
    return _arrears_interest(list(case_ids), as_of=as_of, zero_for_the_rest=False)


def _arrears_interest(ids: list[int], *, as_of: date, zero_for_the_rest: bool) -> dict[int, InterestFigure]:
    """``arrears_interest``; with ``zero_for_the_rest``, a zero figure for each of ``ids`` with no
    arrears entries, from the same read of the rates (two queries in all)."""
    if not ids:
        return {}
    rows = (
        LedgerEntry.objects.filter(
            case_id__in=ids, case__jurisdiction=JURISDICTION, bucket__in=ARREARS, posted_on__lte=as_of
        )
        .values(
            "case_id",
            "entry_type",
            "due_on",
            "posted_on",
            "collection__collected_on",
            "obligation__order__issued_on",
            "reverses__bucket",
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_case: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        day = _effective_on(
            row["entry_type"],
            row["due_on"],
            row["posted_on"],
            row["collection__collected_on"],
            row["obligation__order__issued_on"],
            row["reverses__bucket"],
        )
        by_case[row["case_id"]][day] += row["total"]
    if not by_case and not zero_for_the_rest:
        return {}
    rates = _rates()
    _, rate_now, citation = _rate_on(rates, as_of)
    figures = {
        case_id: InterestFigure(
            case_id=case_id, as_of=as_of, principal=ZERO, interest=ZERO, rate_percent=rate_now, citation=citation
        )
        for case_id in (ids if zero_for_the_rest else [])
    }
    for case_id, changes in by_case.items():
        interest, principal = _dollar_days(sorted(changes.items()), as_of, rates)
        figures[case_id] = InterestFigure(
            case_id=case_id,
            as_of=as_of,
            principal=principal,
            interest=interest,
            rate_percent=rate_now,
            citation=citation,
        )
    return figures


def charges_california_interest(*, jurisdiction: str, interstate_role: str, other_state: str) -> bool:
    """Whether California's interest applies to a case's arrears. The law of the state that issued
    the order governs "the computation and payment of arrearages and accrual of interest on the
    arrearages under the support order" (UIFSA 604(a)(2), Fam. Code 5700.604(a)(2)). The order's
    issuing state is not recorded, so until it is: a California case, unless it is *responding* to
    another state (enforcing that state's order, registered here). An initiating California case
    enforces California's order and keeps its interest."""
    if jurisdiction != JURISDICTION:
        return False
    return not (interstate_role == InterstateRole.RESPONDING and other_state != JURISDICTION)


def interest_for_cases(cases: Iterable[tuple[int, str, str, str]], *, as_of: date) -> dict[int, InterestFigure | None]:
    """For (case id, jurisdiction, interstate role, other state) rows: the figure of each case
    California's interest applies to (``charges_california_interest``; zero without arrears),
    ``None`` for any other (New York: docs/ledger.md; a case enforcing another state's order). No
    query when none is charged it."""
    rows = list(cases)
    ca_ids = [
        case_id
        for case_id, jurisdiction, role, other in rows
        if charges_california_interest(jurisdiction=jurisdiction, interstate_role=role, other_state=other)
    ]
    out: dict[int, InterestFigure | None] = {row[0]: None for row in rows}
    if not ca_ids:
        return out
    out.update(_arrears_interest(ca_ids, as_of=as_of, zero_for_the_rest=True))
    return out


def case_arrears_interest(*, case: Case, as_of: date) -> InterestFigure | None:
    """``case``'s interest as of ``as_of``; ``None`` when California's does not apply."""
    row = (case.pk, case.jurisdiction, case.interstate_role, case.other_state)
    return interest_for_cases([row], as_of=as_of)[case.pk]
