"""Issuing income withholding orders (the federal IWO form, OMB 0970-0154) to employers.

The rule (42 USC 666(b); DOMAIN.md "Partner interchange"): an income withholding order goes to the
employer of an NCP whose income withholding action is active, and again on every change of the
order (amended), when withholding ends (termination) and for a one-time lump sum. The employer
withholds within the Consumer Credit Protection Act limits (15 USC 1673(b)(2)) and remits to the
State Disbursement Unit within 7 business days of the pay date (42 USC 666(b)(6)(A)(i)).

``iwo_reconcile_action`` is the one place deciding what an action needs; it is idempotent (the
database allows one original per action and employment, one successor per order), so the life-cycle
steps, the nightly task and the e-IWO export may all call it. Employers enrolled in e-IWO get the
order as a DTL record of the next e-IWO batch (``enforcement.services.eiwo``), others the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.choices import Bucket, Frequency, ObligationKind, OrderStatus
from cases.ledger.selectors import support_unpaid_since
from cases.models import Case, CaseBalance, Employment, Obligation, SupportOrder
from cases.models.orders import MONTHLY_FACTOR
from cases.services.work import work_item_create
from core.legal import legal_parameter
from core.services import event_about, repeat_refuse

from ..choices import EIWO_KINDS, IN_FORCE_KINDS, ActionStatus, IwoDelivery, IwoKind, Remedy
from ..models import EnforcementAction, IncomeWithholdingOrder

CENT = Decimal("0.01")
# Pay periods per month of each frequency, to restate the order's total for another pay cycle
# (the form's "If the employer's pay cycle does not match the ordered payment cycle" amounts).
PERIODS_PER_MONTH = dict(MONTHLY_FACTOR)
# The amounts ordered, one line each on the form and the e-IWO record, each per the order's frequency.
ORDERED_AMOUNTS = (
    "current_support",
    "past_due_support",
    "current_medical",
    "past_due_medical",
    "current_spousal",
    "past_due_spousal",
    "other_amount",
)
# The past-due lines: nothing to withhold toward once the case owes no arrears.
PAST_DUE_AMOUNTS = ("past_due_support", "past_due_medical", "past_due_spousal")
# The work item raised when the reconcile leaves a job to a person (``_ask_a_person``), and its due days.
IWO_DECIDE_WORK_KIND = "iwo_decide"
IWO_DECIDE_DAYS = 5
# The amounts the form compares (an amendment is issued when one of them changes).
AMOUNT_FIELDS = (*ORDERED_AMOUNTS, "total_per_frequency", "order_frequency")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def sdu_for(jurisdiction: str) -> dict:
    """The State Disbursement Unit (42 USC 654b) of a jurisdiction profile: state name, FIPS code,
    payee and address (setting ``CASEWORKS_SDU``)."""
    try:
        return settings.CASEWORKS_SDU[jurisdiction]
    except KeyError as exc:
        raise ValidationError(f"No State Disbursement Unit is configured for {jurisdiction} (CASEWORKS_SDU).") from exc


@dataclass
class IwoFigures:
    """What the form's "Order Information" and "Amounts to Withhold" state for a case on a date."""

    order: SupportOrder | None
    order_frequency: str = Frequency.MONTHLY
    amounts: dict[str, Decimal] = field(default_factory=dict)
    total_per_frequency: Decimal = Decimal("0.00")
    per: dict[str, Decimal] = field(default_factory=dict)
    arrears_total: Decimal = Decimal("0.00")
    arrears_over_12_weeks: bool = False
    health_coverage_required: bool = False
    withholding_limit_percent: int = 50
    remit_business_days: int = 7
    begin_withholding_days: int = 14


def order_in_force(case: Case, on: date) -> SupportOrder | None:
    """The order whose terms apply on ``on``: the last to take effect by then. A superseded version
    stays in force until its successor takes effect, which is from the order's next due date on or
    after the date a change was asked for (``cases.services.order_versions``). An ended order
    (terminated, ``cases.services.order_end``) stays in force for withholding while a line of it
    runs: its current lines up to the end date, and the arrears-repayment line it kept (the arrears
    stay owed and the accrual charges it, docs/ledger.md "Ending an order"). Ended with no line
    running, the case has no order in force (then an active order of the case, if any). The rule is
    ``order_in_force_q``, which the set-based new-hire match reads as well."""
    return (
        SupportOrder.objects.filter(order_in_force_q(on=on), case=case)
        .order_by("-effective_on", "-version", "-id")
        .first()
    )


def order_in_force_q(*, on: date) -> Q:
    """``SupportOrder`` rows that ``order_in_force`` may return on ``on``, for one case or for many
    at once: an active order that has taken effect; or the last version to take effect by ``on``
    (latest ``effective_on``, then ``version``, then id, as ``order_in_force`` orders them) when it
    is superseded (its successor takes effect later) or ended with a line of it running
    (``lines_in_force``). A case has an order in force for withholding exactly when one of its
    orders matches; the latest match is the one in force."""
    statuses = [OrderStatus.ACTIVE, OrderStatus.SUPERSEDED, OrderStatus.TERMINATED]
    later = SupportOrder.objects.filter(case_id=OuterRef("case_id"), status__in=statuses, effective_on__lte=on).filter(
        Q(effective_on__gt=OuterRef("effective_on"))
        | Q(effective_on=OuterRef("effective_on"), version__gt=OuterRef("version"))
        | Q(effective_on=OuterRef("effective_on"), version=OuterRef("version"), id__gt=OuterRef("id"))
    )
    running = Obligation.objects.filter(
        _line_runs_q(on), order__case_id=OuterRef("case_id"), order__order_number=OuterRef("order_number")
    )
    return Q(status=OrderStatus.ACTIVE, effective_on__lte=on) | (
        Q(effective_on__lte=on)
        & ~Exists(later)
        & (Q(status=OrderStatus.SUPERSEDED) | (Q(status=OrderStatus.TERMINATED) & Exists(running)))
    )


def _line_runs_q(on: date) -> Q:
    """``Obligation`` rows that run on ``on``, as the accrual charges them (``lines_in_force``)."""
    return Q(start_on__lte=on) & (
        Q(end_on__gte=on)
        | Q(end_on__isnull=True, order__status=OrderStatus.ACTIVE)
        | Q(end_on__isnull=True, order__status=OrderStatus.TERMINATED, kind=ObligationKind.ARREARS_REPAYMENT)
    )


def lines_in_force(order: SupportOrder, on: date) -> list[Obligation]:
    """The obligation lines of ``order``'s versions that run on ``on``, as the accrual charges them
    (an active version's lines, a superseded or ended one's until their end date, and the
    arrears-repayment line an ended order kept, ``ledger_accrual``): on the days between a change
    and its next due date, a line that changes later still runs at its old terms."""
    return list(
        Obligation.objects.filter(
            _line_runs_q(on), order__case_id=order.case_id, order__order_number=order.order_number
        ).order_by("order__version", "id")
    )


def iwo_figures(*, case: Case, on: date, arrears_owed: Decimal | None = None) -> IwoFigures:
    """The amounts of the order in force on ``on``, per its own frequency and restated per pay cycle.

    Obligation kinds map to the form's lines: current child support, past-due child support (the
    order's arrears repayment), current cash medical support, current spousal support. The order's
    frequency is the current support obligation's (monthly when it has none); other obligations are
    restated in it through their monthly amount. Arrears are "greater than 12 weeks" when some of
    the support owed is for a period before the 12 weeks ending on ``on`` (15 USC 1673(b)(2): "with
    respect to a period which is prior to the twelve-week period"): when the case's arrears exceed
    what could have fallen due in those weeks and stayed unpaid, bucket by bucket (within a bucket
    arrears are paid oldest first, so what it owes is its newest; ``support_unpaid_since``),
    whatever the amount. It also raises the
    CCPA limit the form states by 5 points. The past-due lines are 0 once the case's arrears are paid in
    full (none owed: the employer must not withhold toward them), whatever the repayment line says;
    ``arrears_owed`` gives the arrears that decides it when not today's (a notice's, on its date).
    The total in the order's frequency is the sum of its lines, each rounded to the cent, and is the
    amount for a pay period of that frequency too (one figure for one cycle on one form); another
    pay cycle's amount restates the monthly total, rounded once. The time to begin withholding is
    the issuing state's (``<state>.iwo.start_days``)."""
    order = order_in_force(case, on)
    figures = IwoFigures(order=order)
    monthly = {
        "current_support": Decimal(0),
        "past_due_support": Decimal(0),
        "current_medical": Decimal(0),
        "past_due_medical": Decimal(0),
        "current_spousal": Decimal(0),
        "past_due_spousal": Decimal(0),
        "other_amount": Decimal(0),
    }
    if order is not None:
        lines = lines_in_force(order, on)
        current = [o for o in lines if o.kind == ObligationKind.CURRENT_SUPPORT]
        figures.order_frequency = current[0].frequency if current else Frequency.MONTHLY
        target: dict[str, str] = {
            ObligationKind.CURRENT_SUPPORT: "current_support",
            ObligationKind.ARREARS_REPAYMENT: "past_due_support",
            ObligationKind.MEDICAL_SUPPORT: "current_medical",
            ObligationKind.SPOUSAL_SUPPORT: "current_spousal",
        }
        for line in lines:
            monthly[target.get(line.kind, "other_amount")] += line.amount * MONTHLY_FACTOR[line.frequency]
        # An ended order's kept repayment line is past-due support only: no coverage to enrol in.
        figures.health_coverage_required = order.health_coverage_required and (
            order.status != OrderStatus.TERMINATED or any(o.kind != ObligationKind.ARREARS_REPAYMENT for o in lines)
        )
    balance = (
        CaseBalance.objects.filter(case=case)
        .values("total_arrears", "current_month", "unassigned_arrears", "assigned_arrears")
        .first()
    )
    owed = arrears_owed if arrears_owed is not None else balance["total_arrears"] if balance else None
    if owed is not None and owed <= 0:
        for key in PAST_DUE_AMOUNTS:
            monthly[key] = Decimal(0)
    factor = PERIODS_PER_MONTH[figures.order_frequency]
    figures.amounts = {key: _money(value / factor) for key, value in monthly.items()}
    total_monthly = sum(monthly.values(), Decimal(0))
    figures.total_per_frequency = sum(figures.amounts.values(), Decimal(0))
    # The order's own pay cycle is the total of its lines, each rounded (the figure "Order
    # Information" states); another cycle restates the monthly total, rounded once.
    figures.per = {
        freq: figures.total_per_frequency
        if freq == figures.order_frequency
        else _money(total_monthly / PERIODS_PER_MONTH[freq])
        for freq in Frequency.values
    }
    if balance:
        figures.arrears_total = max(balance["total_arrears"], Decimal(0))
        # 15 USC 1673(b)(2): the higher limit applies to support "with respect to a period which
        # is prior to the twelve-week period": the age of what is owed decides, not its amount.
        weeks = legal_parameter("us.iwo.arrears_weeks", jurisdiction="US", on=on)
        since = on - timedelta(weeks=int(weeks))
        # Each bucket against its own figure: a payment may clear newer assigned arrears first
        # (42 USC 657(a)(1)) and leave older family arrears owed.
        recent = support_unpaid_since(case=case, since=since, on=on, open_month=balance["current_month"])
        figures.arrears_over_12_weeks = figures.arrears_total > 0 and (
            balance["unassigned_arrears"] > recent[Bucket.ARREARS_UNASSIGNED]
            or balance["assigned_arrears"] > recent[Bucket.ARREARS_ASSIGNED]
        )
    limit = legal_parameter("us.ccpa.limit_supporting_other_family_pct", jurisdiction="US", on=on)
    if figures.arrears_over_12_weeks:
        limit += legal_parameter("us.ccpa.arrears_12_weeks_addition_pct", jurisdiction="US", on=on)
    figures.withholding_limit_percent = int(limit)
    figures.remit_business_days = int(legal_parameter("us.iwo.remit_business_days", jurisdiction="US", on=on))
    # The issuing state's time to begin withholding: its own law (CPLR 5241(g)(1), 14 days; Fam.
    # Code 5233, 10 days), not one number for every state.
    state = case.jurisdiction.upper()
    figures.begin_withholding_days = int(legal_parameter(f"{state.lower()}.iwo.start_days", jurisdiction=state, on=on))
    return figures


def notice_withholding_record(action: EnforcementAction, *, on: date) -> None:
    """Set on ``action`` (the caller saves it) the withholding its notice of ``on`` states (42 USC
    666(b)(4)(B): the notice to the obligor includes what the employer is told): the amount per pay
    period and the CCPA limit, ``iwo_figures`` on that date, or all 0 when there is nothing to
    withhold. The letter shown or reprinted later prints these, not what the case owes by then. The
    past-due lines follow the arrears the notice states (``notice_total_arrears``, set first), as for
    a notice issued before the figures were kept (``notices``): one rule for both."""
    terms = iwo_figures(case=action.case, on=on, arrears_owed=action.notice_total_arrears)
    nothing = nothing_to_withhold(terms)
    for frequency, name in EnforcementAction.NOTICE_WITHHOLD_PER.items():
        setattr(action, name, Decimal("0.00") if nothing else terms.per[frequency])
    action.notice_withhold_limit_percent = terms.withholding_limit_percent


def name_last_first(first: str, middle: str, last: str) -> str:
    """A name as the IWO's and the e-IWO's fields ask for it: "Last, First Middle"."""
    given = " ".join(p for p in (first, middle) if p)
    return ", ".join(p for p in (last, given) if p)


def control_number_for(iwo: IncomeWithholdingOrder) -> str:
    """The IWO's document control number: the state FIPS code and the row id (never reused)."""
    fips = sdu_for(iwo.case.jurisdiction)["fips"]
    return f"{fips}IWO{iwo.pk:012d}"


def _issue(
    *,
    action: EnforcementAction,
    employment: Employment,
    kind: str,
    on: date,
    by=None,
    supersedes: IncomeWithholdingOrder | None = None,
    lump_sum: Decimal | None = None,
    figures: IwoFigures | None = None,
) -> IncomeWithholdingOrder:
    case = action.case
    figures = figures or iwo_figures(case=case, on=on)
    sdu = sdu_for(case.jurisdiction)
    ncp, cp = case.ncp, case.cp
    if ncp is None:
        raise ValidationError("The case has no noncustodial parent to withhold from.")
    employer = employment.employer
    # A termination names the support order it stops withholding for, even one no longer in force.
    order = figures.order if figures.order is not None or supersedes is None else supersedes.order
    iwo = IncomeWithholdingOrder(
        action=action,
        case=case,
        employer=employer,
        employment=employment,
        order=order,
        supersedes=supersedes,
        kind=kind,
        issued_on=on,
        issued_by=by,
        # The e-IWO carries the IWO's kinds only: an NMSN-only document goes on paper.
        delivery=IwoDelivery.EIWO if employer.eiwo_enrolled and kind in EIWO_KINDS else IwoDelivery.PAPER,
        issuing_state=sdu["state"],
        issuing_jurisdiction=(case.county or "")[:35],
        remittance_id=case.case_number,
        order_identifier=order.order_number if order else "",
        employer_name=employer.name,
        employer_line1=employer.line1,
        employer_line2=employer.line2,
        employer_city=employer.city,
        employer_state=employer.state,
        employer_postal_code=employer.postal_code,
        employer_fein=employer.fein,
        obligor_first_name=ncp.first_name,
        obligor_middle_name=ncp.middle_name,
        obligor_last_name=ncp.last_name,
        obligor_birth_date=ncp.date_of_birth,
        # "Last, First, Middle", as the form's labels and the e-IWO record's name fields ask.
        custodial_party_name=name_last_first(cp.first_name, cp.middle_name, cp.last_name) if cp else "",
        children=[
            {
                "name": name_last_first(child.first_name, child.middle_name, child.last_name),
                "birth_date": child.date_of_birth.isoformat() if child.date_of_birth else "",
            }
            for child in case.children
        ],
        order_frequency=figures.order_frequency,
        total_per_frequency=figures.total_per_frequency,
        per_weekly=figures.per[Frequency.WEEKLY],
        per_biweekly=figures.per[Frequency.BIWEEKLY],
        per_semimonthly=figures.per[Frequency.SEMIMONTHLY],
        per_monthly=figures.per[Frequency.MONTHLY],
        lump_sum_amount=lump_sum,
        arrears_total=figures.arrears_total,
        arrears_over_12_weeks=figures.arrears_over_12_weeks,
        health_coverage_required=figures.health_coverage_required
        and kind not in (IwoKind.TERMINATION, IwoKind.NMSN_TERMINATION),
        withholding_limit_percent=figures.withholding_limit_percent,
        remit_business_days=figures.remit_business_days,
        begin_withholding_days=figures.begin_withholding_days,
        **figures.amounts,
    )
    iwo.full_clean(exclude=["control_number"])
    iwo.save()
    iwo.control_number = control_number_for(iwo)
    IncomeWithholdingOrder.objects.filter(pk=iwo.pk).update(control_number=iwo.control_number)
    if supersedes is not None:
        IncomeWithholdingOrder.objects.filter(pk=supersedes.pk).update(ended_on=on)
    if iwo.is_nmsn_only:
        _nmsn_event(iwo=iwo, action=action, by=by)
        return iwo
    label = IwoKind(kind).label.lower()
    amount = (
        f"lump sum ${lump_sum:,.2f}"
        if lump_sum
        else f"${iwo.total_per_frequency:,.2f} {iwo.get_order_frequency_display().lower()}"
    )
    event_about(
        action,
        verb="withholding.order_issued",
        by=by,
        actor_label="" if by else "income withholding",
        summary=f"{label.capitalize()} income withholding order {iwo.control_number}: {amount}, "
        f"{iwo.get_delivery_display()}",
        data={
            "iwo_id": iwo.pk,
            "control_number": iwo.control_number,
            "kind": kind,
            "nmsn": iwo.health_coverage_required,
        },
    )
    return iwo


def _nmsn_event(*, iwo: IncomeWithholdingOrder, action: EnforcementAction, by) -> None:
    """The event of an NMSN-only document (names no employer: FVI)."""
    issued = iwo.kind == IwoKind.NMSN
    before = iwo.supersedes.control_number if iwo.supersedes else ""
    summary = (
        f"{iwo.control_number}, on paper: health care coverage required, nothing to withhold in cash"
        if issued
        else f"{iwo.control_number} ends National Medical Support Notice {before}"
    )
    event_about(
        action,
        verb="withholding.nmsn_issued" if issued else "withholding.nmsn_terminated",
        by=by,
        actor_label="" if by else "income withholding",
        summary=summary,
        data={
            "iwo_id": iwo.pk,
            "control_number": iwo.control_number,
            "kind": iwo.kind,
            "supersedes": before,
        },
    )


def current_employments(*, case: Case, on: date) -> list[Employment]:
    """The NCP's jobs current on ``on`` that drive withholding: not one awaiting confirmation
    (``Employment.objects.withholding()``: typed at the desk for an FVI person, 42 USC 654(26))."""
    ncp = case.ncp
    if ncp is None:
        return []
    return list(
        Employment.objects.withholding()
        .filter(person=ncp, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("employer")
        .order_by("id")
    )


def _in_force(action: EnforcementAction) -> list[IncomeWithholdingOrder]:
    """What is in force at the action's employers: orders to withhold (ORG, AMD, which carry the
    NMSN when the order requires coverage) and NMSN-only notices (NMS), not ended."""
    return list(
        IncomeWithholdingOrder.objects.filter(action=action, ended_on__isnull=True, kind__in=IN_FORCE_KINDS).order_by(
            "id"
        )
    )


def _changed(iwo: IncomeWithholdingOrder, figures: IwoFigures) -> bool:
    if iwo.kind == IwoKind.NMSN:
        # The NMSN names the support order: another order (a new one, a new version) is a new notice.
        return (figures.order.pk if figures.order else None) != iwo.order_id
    now = {
        **figures.amounts,
        "total_per_frequency": figures.total_per_frequency,
        "order_frequency": figures.order_frequency,
    }
    if (figures.order.pk if figures.order else None) != iwo.order_id:
        return True
    if figures.health_coverage_required != iwo.health_coverage_required:
        return True
    # The age of what is owed changes with time alone (15 USC 1673(b)(2)): the employer is told when
    # arrears become (or stop being) older than 12 weeks and the limit moves (red team rt2). Both
    # are a pure function of the ledger and the day, so they change only on a real change: runs on
    # one day agree, and an amendment records the new figure, so the next run sends nothing.
    if figures.arrears_over_12_weeks != iwo.arrears_over_12_weeks:
        return True
    if figures.withholding_limit_percent != iwo.withholding_limit_percent:
        return True
    return any(getattr(iwo, key) != now[key] for key in AMOUNT_FIELDS)


@transaction.atomic
def iwo_reconcile_action(*, action: EnforcementAction, by=None, on: date | None = None) -> list[IncomeWithholdingOrder]:
    """Issue what an income withholding action needs on ``on`` and return the documents issued:

    - active, NCP employed, cash to withhold, nothing in force at that employer → original (ORG),
      with the National Medical Support Notice when the order requires health care coverage;
    - active, an order in force whose order, amounts, "arrears greater than 12 weeks" or CCPA limit
      changed → amended (AMD);
    - active, nothing left to withhold in cash (``nothing_to_withhold``) → termination (TRM) of each
      order to withhold; and, where the order in force still requires health care coverage, the NMSN
      alone (NMS) to each current employer (45 CFR 303.32(c)(1), (2): the NMSN enforces the coverage
      whether or not there is cash to withhold), so a medical-only order reaches the employer too;
    - coverage no longer required (or no order in force) and an NMS in force → its termination
      (NMT): "no longer a current order for medical support" (303.32(c));
    - ended (released or closed) with documents in force → TRM of each order, NMT of each NMS.
    One chain per job and one document in force per employer at a time (``IN_FORCE_KINDS``),
    whatever the number of the NCP's open jobs there (a job recorded twice:
    ``cases.services.employment.employments_confirm`` folds those it confirms). A document at an
    employer the NCP left is ended by the employer's answer (the employee no longer works there),
    not terminated: there is no one left to stop withholding."""
    if action.remedy != Remedy.INCOME_WITHHOLDING:
        return []
    action = EnforcementAction.objects.select_for_update(of=("self",)).select_related("case").get(pk=action.pk)
    today = on or timezone.localdate()
    issued: list[IncomeWithholdingOrder] = []
    in_force = _in_force(action)
    if action.status in (ActionStatus.RELEASED, ActionStatus.CLOSED):
        return [_terminate(action=action, iwo=iwo, on=today, by=by) for iwo in in_force]
    if action.status != ActionStatus.ACTIVE:
        return issued
    employments = current_employments(case=action.case, on=today)
    if not employments:
        return issued
    figures = iwo_figures(case=action.case, on=today)
    medical = figures.order is not None and figures.health_coverage_required
    cash = not nothing_to_withhold(figures)
    if not cash and not medical:
        # The support order ended and no line of it runs, or what runs has nothing left to collect
        # (only a repayment line, the arrears paid) and no coverage is ordered: each employer is
        # told to stop (TRM; NMT for an NMSN-only notice), never sent an order to withhold $0.
        return [_terminate(action=action, iwo=iwo, on=today, by=by, figures=figures) for iwo in in_force]
    if not cash:
        # Nothing to withhold in cash, coverage still required: each order to withhold is
        # terminated (its text says the coverage goes on), and the NMSN goes alone below.
        for iwo in in_force:
            if iwo.kind != IwoKind.NMSN:
                issued.append(_terminate(action=action, iwo=iwo, on=today, by=by, figures=figures))
        in_force = [iwo for iwo in in_force if iwo.kind == IwoKind.NMSN]
    # One document per action and employer at a time (the NCP's pay withheld once; one successor
    # per document, ``iwo_one_successor``), however many of the NCP's jobs are open there: the job
    # the document in force is for, else the oldest; each employer is visited once below.
    by_employer = {iwo.employer_id: iwo for iwo in in_force}
    chosen: dict[int, Employment] = {}
    for employment in employments:
        current = by_employer.get(employment.employer_id)
        if employment.employer_id not in chosen or (current is not None and current.employment_id == employment.pk):
            chosen[employment.employer_id] = employment
    wanted = IwoKind.ORIGINAL if cash else IwoKind.NMSN
    for employment in chosen.values():
        current = by_employer.get(employment.employer_id)
        if current is None:
            last = _chain_end(action=action, employment=employment)
            if last is not None and last.kind not in (IwoKind.TERMINATION, IwoKind.NMSN_TERMINATION):
                _ask_a_person(action=action, employment=employment, last=last, on=today, by=by)
                continue
            # A job the NCP took again at a former employer (a rehire is a new employment) gets
            # a first document of its own (42 USC 666(b)); so does a job whose withholding this
            # reconcile terminated when nothing was left to withhold, once there is again (a new
            # support order), or whose coverage is still ordered: the new document resumes that
            # termination (``supersedes`` it).
            kind, supersedes = wanted, last
        elif current.kind == IwoKind.NMSN and cash:
            if not medical:
                # Cash again but no coverage: the employer is told the NMSN ended, then gets the order.
                supersedes = _terminate(action=action, iwo=current, on=today, by=by, figures=figures)
                issued.append(supersedes)
            else:
                supersedes = current  # the original carries the NMSN from now on
            kind = IwoKind.ORIGINAL
        elif _changed(current, figures):
            kind, supersedes = (IwoKind.AMENDED if cash else IwoKind.NMSN), current
        else:
            continue
        issued.append(
            _issue(
                action=action, employment=employment, kind=kind, on=today, by=by, supersedes=supersedes, figures=figures
            )
        )
    return issued


def nothing_to_withhold(figures: IwoFigures) -> bool:
    """No order in force (the support order ended and none of its lines runs), or an order in force
    whose amounts all come to $0 — ended or active alike: its only line the arrears repayment, and
    the arrears paid (``iwo_figures`` takes the past-due lines to 0). The employer is told to stop
    (TRM); an order to withhold $0 is never sent. Health care coverage the order still requires
    goes on by the NMSN alone (``iwo_reconcile_action``)."""
    return figures.order is None or figures.total_per_frequency <= 0


def _terminate(
    *, action: EnforcementAction, iwo: IncomeWithholdingOrder, on: date, by, figures: IwoFigures | None = None
) -> IncomeWithholdingOrder:
    """The termination of the document ``iwo``: of an order to withhold (TRM), the employer stops
    withholding; of an NMSN-only notice (NMT), there is no longer a current order for medical
    support (45 CFR 303.32(c))."""
    return _issue(
        action=action,
        employment=iwo.employment or _employment_of(iwo),
        kind=IwoKind.NMSN_TERMINATION if iwo.kind == IwoKind.NMSN else IwoKind.TERMINATION,
        on=on,
        by=by,
        supersedes=iwo,
        figures=figures,
    )


def _employment_of(iwo: IncomeWithholdingOrder) -> Employment:
    found = (
        Employment.objects.withholding()
        .filter(person__participations__case=iwo.case, person__participations__role="ncp", employer=iwo.employer)
        .order_by("-started_on")
        .first()
    )
    if found is None:
        raise ValidationError(f"No employment of the NCP at the employer of IWO {iwo.control_number} to terminate.")
    return found


def _chain_end(*, action: EnforcementAction, employment: Employment) -> IncomeWithholdingOrder | None:
    """The last withholding order (original, amendment, termination) of ``action`` for the job, or
    None when the job never had one. Called when none is in force there: it is then a termination
    this reconcile sent because nothing was left to withhold (an active action's only terminations:
    releasing or closing an action terminates its orders and the action never becomes active again),
    or an order the employer ended (the employee left, an e-IWO acknowledgment)."""
    return (
        IncomeWithholdingOrder.objects.filter(
            Q(employment=employment) | Q(employment__isnull=True, employer=employment.employer),
            action=action,
            kind__in=[*IN_FORCE_KINDS, IwoKind.TERMINATION, IwoKind.NMSN_TERMINATION],
        )
        .order_by("-id")
        .first()
    )


def _ask_a_person(
    *, action: EnforcementAction, employment: Employment, last: IncomeWithholdingOrder, on: date, by
) -> None:
    """The job's order ended other than by a termination (the employer said the employee left) while
    the job still shows current: sending it an order again is a person's call. One work item for the
    case's caseworker per ended order (the nightly run raises it once). Names no employer (FVI)."""
    work_item_create(
        case=action.case,
        kind=IWO_DECIDE_WORK_KIND,
        due_on=on + timedelta(days=IWO_DECIDE_DAYS),
        title=f"Income withholding order {last.control_number} ended but the job still shows current: "
        "update the employment or issue a new order",
        dedupe_key=f"iwo-decide:{action.pk}:{employment.pk}:{last.pk}",
        notes=f"{last.get_kind_display()} {last.control_number} ended on "
        f"{last.ended_on.isoformat() if last.ended_on else 'an unrecorded date'}"
        f"{f' ({last.get_ack_status_display().lower()})' if last.ack_status else ''}. The nightly "
        "reconcile sends this job no order by itself.",
        by=by,
    )


def iwo_reconcile(*, on: date | None = None, by=None) -> dict[str, int]:
    """Every income withholding action that may need a document: active ones, and ended ones with
    an order still in force. Each action in its own transaction (one failing never stops the rest).
    Returns counts by kind (and ``errors``)."""
    today = on or timezone.localdate()
    in_force = IncomeWithholdingOrder.objects.filter(ended_on__isnull=True, kind__in=IN_FORCE_KINDS).values("action_id")
    actions = (
        EnforcementAction.objects.filter(remedy=Remedy.INCOME_WITHHOLDING)
        .filter(Q(status=ActionStatus.ACTIVE) | Q(pk__in=in_force))
        .order_by("pk")
    )
    counts = dict.fromkeys(IwoKind.values, 0) | {"errors": 0}
    for action in actions.iterator(chunk_size=500):
        try:
            for iwo in iwo_reconcile_action(action=action, by=by, on=today):
                counts[iwo.kind] += 1
        except ValidationError:
            counts["errors"] += 1
    return counts


@transaction.atomic
def iwo_lump_sum_request(
    *, action: EnforcementAction, amount: Decimal, by, on: date | None = None, employment: Employment | None = None
) -> IncomeWithholdingOrder:
    """A one-time order to withhold from a lump sum payment (IWO box 1c; e-IWO "LUM"), sent to the
    NCP's current employer (or the one named). Does not stop the order in force."""
    today = on or timezone.localdate()
    action = EnforcementAction.objects.select_for_update(of=("self",)).select_related("case").get(pk=action.pk)
    if action.remedy != Remedy.INCOME_WITHHOLDING or action.status != ActionStatus.ACTIVE:
        raise ValidationError("A lump sum order needs an active income withholding action.")
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter the amount to withhold from the lump sum."})
    employments = current_employments(case=action.case, on=today)
    if employment is None:
        if not employments:
            raise ValidationError("The NCP has no current employer to send the lump sum order to.")
        employment = employments[0]
    elif employment.pk not in {e.pk for e in employments}:
        raise ValidationError("That employment is not current.")
    lump_sum = _money(Decimal(amount))
    # The same order again the same day is a double click or a retried form, not a second lump sum:
    # the employer would withhold twice. Checked under the action's lock (taken above).
    repeat_refuse(
        parent=action,
        locked=True,
        same=IncomeWithholdingOrder.objects.filter(
            action=action, employment=employment, kind=IwoKind.LUMP_SUM, lump_sum_amount=lump_sum, issued_on=today
        ),
        window=None,
        message=lambda sent: (
            f"A lump sum order for ${lump_sum:,.2f} to this employer was already issued today "
            f"({sent.control_number}): nothing was sent again."
        ),
    )
    return _issue(action=action, employment=employment, kind=IwoKind.LUMP_SUM, on=today, by=by, lump_sum=lump_sum)
