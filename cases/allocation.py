"""Distribution of a collection (42 USC 657), as a pure function: no database, no side effects.

``distribute(...)`` takes the family's assistance status, the collection source and amount, the
current support still due this month and the arrears (oldest first) and returns the allocation
lines plus any held remainder. The ledger services (cases/ledger.py) feed it the case balance and
write what it returns. The rules (DOMAIN.md "Ledger and distribution"):

- never assistance: current support due this month, then arrears oldest first, all to the family;
- former assistance: current support to the family, then unassigned arrears to the family, then
  assigned arrears to the state, remainder to the family — or, where the state passes assigned
  support through to former recipients (42 USC 657(a)(6)(A); CA Fam. Code 17504.2 from
  2024-05-05: dated legal parameters, ``former_assigned_table``), assigned arrears to the family too;
- current assistance: collections repay assistance — current support is retained by the state
  except the monthly pass-through the state elects (dated legal parameters, ``pass_through_table``), then
  assigned arrears to the state, then unassigned arrears to the family, excess to the family;
- federal tax refund offset: never to current support; past-due support only, assigned arrears
  first (to the family for a former-assistance family whose state passes them through, as above);
  what exceeds the past-due support is held (it is refunded to the obligor, not kept);
- State tax refund offset: the ordinary order; what exceeds the support owed is held for refund
  to the obligor (45 CFR 303.102(g)(2)), whatever the overpayment policy.

Invariants (tested with hypothesis): sum(lines) + held == amount; no line is negative; no bucket
is paid more than is due in it; only the family remainder line is unbounded; the state's lines
never add up to more than the unreimbursed assistance (URA) when one is given; a former-assistance
family whose state passes assigned support through (``former_assigned_to_family``) has no state line.

More than is owed (an overpayment) from any other source follows the office policy: paid to the family (the remainder
line), or held with the reason "held for review" or "to be refunded to the payor".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")

# Values of cases.choices (kept as plain strings so this module has no Django dependency).
CURRENT = "current"
ARREARS_UNASSIGNED = "arrears_unassigned"
ARREARS_ASSIGNED = "arrears_assigned"
EXCESS = ""  # the remainder paid to the family after every bucket is satisfied
FAMILY = "family"
STATE = "state"

NEVER = "never"
FORMER = "former"
CURRENT_ASSISTANCE = "current"
ASSISTANCE_STATUSES = (NEVER, FORMER, CURRENT_ASSISTANCE)

FEDERAL_TAX_OFFSET = "federal_tax_offset"

TAX_OFFSET_EXCESS_REASON = "Federal tax refund offset exceeds past-due support (refund due to the obligor)"

# 45 CFR 303.102(g)(1)-(2): a State income tax refund offset follows the ordinary order (section 457,
# 302.51), and what exceeds the support owed is repaid to the noncustodial parent, not the office's
# overpayment policy.
STATE_TAX_OFFSET = "state_tax_offset"
STATE_TAX_OFFSET_EXCESS_REASON = "State tax refund offset exceeds the support owed (refund due to the obligor)"

# What happens to more than is owed: an office policy (CASEWORKS_OVERPAYMENT_POLICY), no federal rule.
OVERPAYMENT_HOLD = "hold"
OVERPAYMENT_REFUND = "refund"
OVERPAYMENT_FAMILY = "family"
OVERPAYMENT_POLICIES = (OVERPAYMENT_HOLD, OVERPAYMENT_REFUND, OVERPAYMENT_FAMILY)
OVERPAYMENT_REASONS = {
    OVERPAYMENT_HOLD: "Overpayment: more than is owed, held for review (office policy)",
    OVERPAYMENT_REFUND: "Overpayment: more than is owed, to be refunded to the payor (office policy)",
}


@dataclass(frozen=True)
class Slice:
    """An amount due in one bucket (and obligation kind). Arrears slices are given oldest first."""

    bucket: str
    amount: Decimal
    obligation_kind: str = ""


def arrears_slices(*, unassigned: Decimal, assigned: Decimal) -> list[Slice]:
    """The ``arrears`` of ``distribute`` from a case's two arrears balances (a credit balance is
    nothing due)."""
    return [Slice(ARREARS_UNASSIGNED, max(unassigned, ZERO)), Slice(ARREARS_ASSIGNED, max(assigned, ZERO))]


@dataclass(frozen=True)
class Line:
    bucket: str  # CURRENT, ARREARS_UNASSIGNED, ARREARS_ASSIGNED or EXCESS
    payee: str  # FAMILY or STATE
    amount: Decimal
    obligation_kind: str = ""


@dataclass(frozen=True)
class Distribution:
    lines: tuple[Line, ...]
    held: Decimal = ZERO
    held_reason: str = ""
    overpayment: Decimal = ZERO  # what was more than owed (paid to the family, held or refunded)
    overpayment_policy: str = ""  # the policy applied to it; blank when nothing was over

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO) + self.held

    def paid(self, *, bucket: str | None = None, payee: str | None = None) -> Decimal:
        return sum(
            (
                line.amount
                for line in self.lines
                if (bucket is None or line.bucket == bucket) and (payee is None or line.payee == payee)
            ),
            ZERO,
        )


@dataclass(frozen=True)
class PassThroughRule:
    """The part of current support collected for a family on assistance that the state passes
    through to the family each month instead of retaining it. 42 USC 657(a)(6)(B) waives the
    federal share of the "excepted portion" the state pays to the family and disregards in
    determining its assistance: of the amount collected during a month, not more than $100, or
    for a family with 2 or more children an amount the state sets, not more than $200. Which
    collections (current support only here) and how much are the state's election."""

    jurisdiction: str
    effective_on: date
    one_child: Decimal
    two_or_more: Decimal
    source: str


PASS_THROUGH_NAMES = ("one_child", "two_or_more")


def pass_through_table(jurisdictions: Iterable[str] = ("NY", "CA")) -> tuple[PassThroughRule, ...]:
    """The dated pass-through amounts, read in one query from the legal parameters
    ``<jur>.pass_through.one_child`` and ``<jur>.pass_through.two_or_more`` (``core.legal_seed``;
    the office's election, 42 USC 657(a)(6)(B)). Callers that distribute many collections read it
    once and pass it to ``pass_through_limit``."""
    from core.models import LegalParameter

    keys = {f"{j.lower()}.pass_through.{name}": (j, name) for j in jurisdictions for name in PASS_THROUGH_NAMES}
    rows = LegalParameter.objects.filter(key__in=keys).order_by("effective_on")
    by_jurisdiction: dict[str, list] = {}
    for row in rows:
        by_jurisdiction.setdefault(keys[row.key][0], []).append(row)
    table = []
    for jurisdiction, items in by_jurisdiction.items():
        current: dict[str, Decimal] = {}
        sources: dict[str, str] = {}
        for day in sorted({r.effective_on for r in items}):
            for r in items:
                if r.effective_on == day:
                    name = keys[r.key][1]
                    current[name], sources[name] = r.value, r.citation
            if len(current) == len(PASS_THROUGH_NAMES):
                table.append(
                    PassThroughRule(
                        jurisdiction, day, current["one_child"], current["two_or_more"], sources["one_child"]
                    )
                )
    return tuple(table)


def pass_through_limit(
    *, jurisdiction: str, children: int, on: date, table: Iterable[PassThroughRule] | None = None
) -> Decimal:
    """Monthly pass-through in force on ``on`` for the jurisdiction; ``LegalParameterMissing``
    before the first row (never a silent 0)."""
    from core.legal import LegalParameterMissing

    table = pass_through_table((jurisdiction,)) if table is None else tuple(table)
    rules = sorted(
        (r for r in table if r.jurisdiction == jurisdiction and r.effective_on <= on), key=lambda r: r.effective_on
    )
    if not rules:
        first = min((r.effective_on for r in table if r.jurisdiction == jurisdiction), default=None)
        raise LegalParameterMissing(f"{jurisdiction.lower()}.pass_through.one_child", jurisdiction, on, first)
    rule = rules[-1]
    return rule.two_or_more if children >= 2 else rule.one_child


@dataclass(frozen=True)
class FormerAssignedRule:
    """Whether the state passes through to a *former* recipient of assistance what is collected on
    support assigned to it (42 USC 657(a)(6)(A) waives the federal share of what it pays to the
    family), from ``effective_on``. California: Fam. Code 17504.2(a)(1) (Stats. 2022, ch. 573, AB 207):
    "Any amount of support collected in a month in payment of an assigned support obligation shall be
    passed through to a former recipient of aid" (CalWORKs, not foster care), implemented from
    2024-05-05 (DCSS). A jurisdiction with no row keeps it (42 USC 657(a)(2))."""

    jurisdiction: str
    effective_on: date
    to_family: bool
    source: str


FORMER_ASSIGNED_NAME = "former_assistance.assigned_pass_through"


def former_assigned_table(jurisdictions: Iterable[str] = ("NY", "CA")) -> tuple[FormerAssignedRule, ...]:
    """The dated rows of ``<jur>.former_assistance.assigned_pass_through`` (1: passed through, 0:
    retained; ``core.legal_seed``), oldest first, in one query. Callers that distribute many
    collections read it once and pass it to ``former_assigned_passed_through``."""
    from core.models import LegalParameter

    keys = {f"{j.lower()}.{FORMER_ASSIGNED_NAME}": j for j in jurisdictions}
    return tuple(
        FormerAssignedRule(keys[row.key], row.effective_on, row.value != 0, row.citation)
        for row in LegalParameter.objects.filter(key__in=keys).order_by("effective_on")
        if row.jurisdiction == keys[row.key]
    )


def former_assigned_passed_through(
    *, jurisdiction: str, on: date, table: Iterable[FormerAssignedRule] | None = None
) -> bool:
    """Whether a collection of ``on`` paying assigned arrears of a former-assistance family of the
    jurisdiction goes to the family (the ``former_assigned_to_family`` of ``distribute``). Before
    the first row, or with none, False: the state retains it (42 USC 657(a)(2)), not an error."""
    table = former_assigned_table((jurisdiction,)) if table is None else table
    in_force = False
    for rule in sorted((r for r in table if r.jurisdiction == jurisdiction), key=lambda r: r.effective_on):
        if rule.effective_on > on:
            break
        in_force = rule.to_family
    return in_force


def _pay(slices: Sequence[Slice], available: Decimal, payee_of) -> tuple[list[Line], Decimal]:
    lines = []
    for item in slices:
        if available <= 0:
            break
        take = min(item.amount, available)
        if take > 0:
            lines.append(Line(item.bucket, payee_of(item), take, item.obligation_kind))
            available -= take
    return lines, available


def _payee_of_bucket(item: Slice) -> str:
    return STATE if item.bucket == ARREARS_ASSIGNED else FAMILY


def _to_family(item: Slice) -> str:
    return FAMILY


def _of(slices: Sequence[Slice], bucket: str) -> list[Slice]:
    return [s for s in slices if s.bucket == bucket]


def _merge(lines: Iterable[Line]) -> tuple[Line, ...]:
    merged: dict[tuple[str, str, str], Decimal] = {}
    for line in lines:
        key = (line.bucket, line.payee, line.obligation_kind)
        merged[key] = merged.get(key, ZERO) + line.amount
    return tuple(Line(b, p, a, k) for (b, p, k), a in merged.items() if a > 0)


def distribute(
    *,
    assistance_status: str,
    source: str,
    amount: Decimal,
    current_due: Sequence[Slice] = (),
    arrears: Sequence[Slice] = (),
    pass_through_available: Decimal = ZERO,
    ura_available: Decimal | None = None,
    overpayment_policy: str = OVERPAYMENT_FAMILY,
    former_assigned_to_family: bool = False,
) -> Distribution:
    """Allocate ``amount`` (42 USC 657; DOMAIN.md "Ledger and distribution").

    ``current_due``: current support still unpaid in the month of collection, in priority order.
    ``arrears``: unpaid arrears slices (ARREARS_UNASSIGNED / ARREARS_ASSIGNED), oldest first.
    ``pass_through_available``: what remains of the month's pass-through (current assistance).
    ``ura_available``: the family's unreimbursed assistance; what the state retains never
    exceeds it (42 USC 657(a)(1)) and the rest of a state line goes to the family. ``None``: no
    URA figure recorded for the case (no cap).
    ``overpayment_policy``: what happens to more than is owed (``family`` pays it to the
    family, ``hold`` and ``refund`` hold it with the reason); a tax offset's excess is always
    held for refund to the obligor.
    ``former_assigned_to_family``: the state passes assigned support collected for a former
    recipient through to the family (``former_assigned_passed_through`` of the case's jurisdiction on
    the date of collection; Fam. Code 17504.2): with status FORMER, what pays assigned arrears —
    a federal tax refund offset's too — goes to the family. No effect on another status.
    """
    if overpayment_policy not in OVERPAYMENT_POLICIES:
        raise ValueError(f"Unknown overpayment policy {overpayment_policy!r}")
    if assistance_status not in ASSISTANCE_STATUSES:
        raise ValueError(f"Unknown assistance status {assistance_status!r}")
    if amount <= 0:
        raise ValueError("A collection amount must be positive.")
    for item in (*current_due, *arrears):
        if item.amount < 0:
            raise ValueError("Amounts due must not be negative.")
    if any(s.bucket not in (ARREARS_UNASSIGNED, ARREARS_ASSIGNED) for s in arrears):
        raise ValueError("Arrears slices must be assigned or unassigned arrears.")
    current_due = [Slice(CURRENT, s.amount, s.obligation_kind) for s in current_due]
    lines: list[Line] = []
    left = amount
    # Fam. Code 17504.2(a)(1), 42 USC 657(a)(6)(A): assigned support passed through to a former recipient.
    assigned_payee = _to_family if former_assigned_to_family and assistance_status == FORMER else _payee_of_bucket

    if source == FEDERAL_TAX_OFFSET:
        # 42 USC 657(a)(2)(B)(iv), 664: a federal tax refund offset pays past-due support only,
        # assigned arrears first; never current support. The excess goes back to the obligor.
        paid, left = _pay([*_of(arrears, ARREARS_ASSIGNED), *_of(arrears, ARREARS_UNASSIGNED)], left, assigned_payee)
        lines += paid
        reason = TAX_OFFSET_EXCESS_REASON if left > 0 else ""
        return Distribution(_merge(_cap_state(lines, ura_available)), held=left, held_reason=reason)

    if assistance_status == NEVER:
        # 42 USC 657(a)(3): current support, then arrears (oldest first), all to the family.
        paid, left = _pay(current_due, left, lambda s: FAMILY)
        lines += paid
        paid, left = _pay(list(arrears), left, _payee_of_bucket)
        lines += paid
    elif assistance_status == FORMER:
        # 42 USC 657(a)(2): current support to the family, then unassigned arrears (family), then
        # assigned arrears (state, or the family where the state passes them through), remainder
        # to the family.
        paid, left = _pay(current_due, left, lambda s: FAMILY)
        lines += paid
        paid, left = _pay(_of(arrears, ARREARS_UNASSIGNED), left, _payee_of_bucket)
        lines += paid
        paid, left = _pay(_of(arrears, ARREARS_ASSIGNED), left, assigned_payee)
        lines += paid
    else:
        # 42 USC 657(a)(1): current assistance — the state retains collections to repay
        # assistance, passing through up to the elected monthly amount of current support
        # (657(a)(6)(B)); then assigned arrears to the state; then unassigned arrears and the
        # excess to the family.
        pass_left = max(pass_through_available, ZERO)
        for item in current_due:
            take = min(item.amount, left)
            if take <= 0:
                continue
            to_family = min(take, pass_left)
            if to_family > 0:
                lines.append(Line(CURRENT, FAMILY, to_family, item.obligation_kind))
                pass_left -= to_family
            if take - to_family > 0:
                lines.append(Line(CURRENT, STATE, take - to_family, item.obligation_kind))
            left -= take
        paid, left = _pay(_of(arrears, ARREARS_ASSIGNED), left, _payee_of_bucket)
        lines += paid
        paid, left = _pay(_of(arrears, ARREARS_UNASSIGNED), left, _payee_of_bucket)
        lines += paid

    lines = _cap_state(lines, ura_available)
    if left <= 0:
        return Distribution(_merge(lines))
    if source == STATE_TAX_OFFSET:
        # 45 CFR 303.102(g)(2): the excess of a State tax refund offset is repaid to the obligor.
        return Distribution(_merge(lines), held=left, held_reason=STATE_TAX_OFFSET_EXCESS_REASON)
    if overpayment_policy == OVERPAYMENT_FAMILY:
        lines.append(Line(EXCESS, FAMILY, left))
        return Distribution(_merge(lines), overpayment=left, overpayment_policy=overpayment_policy)
    return Distribution(
        _merge(lines),
        held=left,
        held_reason=OVERPAYMENT_REASONS[overpayment_policy],
        overpayment=left,
        overpayment_policy=overpayment_policy,
    )


def _cap_state(lines: list[Line], ura_available: Decimal | None) -> list[Line]:
    """What the state retains never exceeds the unreimbursed assistance (42 USC 657(a)(1)): a
    state line beyond it pays the same bucket, to the family."""
    if ura_available is None:
        return lines
    room = max(ura_available, ZERO)
    capped: list[Line] = []
    for line in lines:
        if line.payee != STATE:
            capped.append(line)
            continue
        kept = min(line.amount, room)
        room -= kept
        if kept > 0:
            capped.append(Line(line.bucket, STATE, kept, line.obligation_kind))
        if line.amount - kept > 0:
            capped.append(Line(line.bucket, FAMILY, line.amount - kept, line.obligation_kind))
    return capped


# The fields of ``CaseParticipant`` that say which months a child counts in, in the order
# ``children_in_month`` reads them: ``values_list("case_id", *CHILD_MONTH_FIELDS)``.
CHILD_MONTH_FIELDS = ("added_on", "end_recorded_on")


def child_counts_in_month(added_on: date | None, ended: date | None, month: date) -> bool:
    """Whether a child counts in ``month`` (any day of it): added on or before the month's end (a
    party of the opening, ``added_on`` None, from the start) and not ended before its start (a
    child whose participation ended on the 15th still counts in that month, not in the next). The
    one rule of every count of a case's children by month.

    ``ended`` is the day the end was *recorded* (``CaseParticipant.end_recorded_on``; never before
    the day it ended, ``ended_on``), as ``added_on`` is the day the child was added: a month already
    distributed keeps the count it was distributed with, and nothing is redistributed. An end
    recorded in the month it happened (the usual case) counts the child through that month."""
    key = (month.year, month.month)
    return (added_on is None or (added_on.year, added_on.month) <= key) and (
        ended is None or (ended.year, ended.month) >= key
    )


def children_in_month(spans: Iterable[tuple[date | None, date | None]], month: date) -> int:
    """How many of a case's children the pass-through counts in ``month``, given each child's
    ``(added_on, end_recorded_on)`` (``CHILD_MONTH_FIELDS``, ``child_counts_in_month``): a child added
    later from the month added, a child whose participation ended (emancipated, died, went to live
    with the other parent, adopted) through the month its end was recorded (Fam. Code 17504 and 18
    NYCRR 352.15(b) count the children of the family in the month of collection)."""
    return sum(1 for added_on, ended in spans if child_counts_in_month(added_on, ended, month))
