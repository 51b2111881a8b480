"""Case processing timeframe compliance, read from the apps that own the data.

Each timeframe is a queryset of rows (cases, disbursements, actions, complaints) with a start
date, a done date (annotated) and a limit (45 CFR 303; 42 USC 654b(c); Fam. Code 17800). The
counting is set-based; only rows finished within a few days after the raw limit are checked in
Python, because a limit falling on a weekend or holiday moves to the next business day
(DOMAIN.md; core.business_days). Sources that are not on main yet are skipped and listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, DateField, ExpressionWrapper, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce

from core.business_days import roll_forward
from core.legal import legal_parameter

from .choices import Timeframe

ROLL_SLACK_DAYS = 5  # the longest run of non-business days a limit can roll over (holiday weekends)


@dataclass(frozen=True)
class TimeframeSpec:
    code: str
    label: str
    citation: str
    rows: QuerySet  # annotated with _start, _done
    days: int  # calendar-day limit (0 when the row carries its own deadline in _deadline)
    case_prefix: str  # path from a row to its case ("" when rows are cases)
    own_deadline: bool = False


@dataclass
class TimeframeResult:
    code: str
    label: str
    citation: str
    total: int
    met: int
    available: bool = True
    note: str = ""

    @property
    def rate(self):
        from decimal import Decimal

        return (Decimal(self.met) * 100 / self.total).quantize(Decimal("0.01")) if self.total else None


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_fields(model, *names: str) -> bool:
    try:
        for name in names:
            model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _as_date(expr):
    """date + interval is a timestamp on PostgreSQL: cast back to a date."""
    return Cast(ExpressionWrapper(expr, output_field=DateField()), DateField())


def _days(key: str, on: date) -> int:
    """A federal timeframe in calendar days, from the dated legal parameters (``core.legal``)."""
    return int(legal_parameter(key, jurisdiction="US", on=on))


def _cases_specs(on: date) -> list[TimeframeSpec]:
    Case = _model("cases.Case")
    if Case is None:
        return []
    specs = [
        TimeframeSpec(
            Timeframe.CASE_OPENING,
            Timeframe.CASE_OPENING.label,
            "45 CFR 303.2(b)",
            Case.objects.annotate(_start=F("application_received_on"), _done=F("opened_on")),
            _days("us.timeframe.case_opening_days", on),
            "",
        )
    ]
    attempt_model = _model("cases.LocateAttempt")
    first_attempt = None
    if attempt_model is not None:
        first_attempt = Subquery(
            attempt_model.objects.filter(case=OuterRef("pk"), attempted_on__gte=OuterRef("locate_needed_on"))
            .order_by()
            .values("case")
            .annotate(d=Min("attempted_on"))
            .values("d"),
            output_field=DateField(),
        )
    done = Coalesce(first_attempt, F("ncp_located_on")) if first_attempt is not None else F("ncp_located_on")
    specs.append(
        TimeframeSpec(
            Timeframe.LOCATE,
            Timeframe.LOCATE.label,
            "45 CFR 303.3(b)(3)",
            Case.objects.annotate(_start=F("locate_needed_on"), _done=done),
            _days("us.timeframe.locate_days", on),
            "",
        )
    )
    Order = _model("cases.SupportOrder")
    if Order is not None:
        first_order = Subquery(
            Order.objects.filter(case=OuterRef("pk"))
            .order_by()
            .values("case")
            .annotate(d=Min("issued_on"))
            .values("d"),
            output_field=DateField(),
        )
        # An order before location needs no establishment. Written as a filter that keeps the cases
        # with no order at all: ``exclude(_done__lt=…)`` compiled to NOT (done < located), which is
        # NULL without an order, so a located case that never got one was never counted as missed.
        rows = Case.objects.annotate(_start=F("ncp_located_on"), _done=first_order).filter(
            Q(_done__isnull=True) | Q(_done__gte=F("ncp_located_on"))
        )
        specs.append(
            TimeframeSpec(
                Timeframe.ESTABLISHMENT,
                Timeframe.ESTABLISHMENT.label,
                "45 CFR 303.4(d)",
                rows,
                _days("us.timeframe.establishment_days", on),
                "",
            )
        )
    Disbursement = _model("cases.Disbursement")
    if Disbursement is not None:
        specs.append(
            TimeframeSpec(
                Timeframe.DISBURSEMENT,
                Timeframe.DISBURSEMENT.label,
                "42 USC 654b(c); 45 CFR 302.32(b)",
                Disbursement.objects.filter(payee="family").annotate(
                    _start=F("received_on"), _done=F("disbursed_on"), _deadline=F("due_by")
                ),
                0,
                "case__",
                own_deadline=True,
            )
        )
    return specs


def _enforcement_spec() -> TimeframeSpec | None | str:
    """Enforcement action within 30 days of the delinquency or location, whichever is later (60
    when service of process is needed): 45 CFR 303.6(c)(2). The enforcement app stores each
    action's start and due date; an action counts as taken on ``taken_on`` (notice issued)."""
    model = _model("enforcement.EnforcementAction")
    if model is None or not _has_fields(model, "case", "timeframe_start_on", "timeframe_due_on", "taken_on"):
        return "enforcement actions (timeframe_start_on / timeframe_due_on / taken_on) are not on main yet"
    # The same population as the enforcement dashboard's figure (EnforcementActionQuerySet.timeframe_judged).
    rows = model.objects.timeframe_judged().annotate(
        _start=F("timeframe_start_on"), _done=F("taken_on"), _deadline=F("timeframe_due_on")
    )
    return TimeframeSpec(
        Timeframe.ENFORCEMENT, Timeframe.ENFORCEMENT.label, "45 CFR 303.6(c)(2)", rows, 0, "case__", own_deadline=True
    )


def _complaint_spec() -> TimeframeSpec | None | str:
    """Written resolution within 30 days of receipt (Fam. Code 17800; 22 CCR 120100)."""
    model = _model("complaints.Complaint")
    if model is None:
        return "complaints are not on main yet"
    if _has_fields(model, "case", "received_on", "resolved_on", "due_on"):
        # due_on is kept by the complaints app: 30 days, rolled, plus any extension the director granted.
        rows = model.objects.annotate(_start=F("received_on"), _done=F("resolved_on"), _deadline=F("due_on"))
        return TimeframeSpec(
            Timeframe.COMPLAINT,
            Timeframe.COMPLAINT.label,
            "Fam. Code 17800; 22 CCR 120100",
            rows,
            0,
            "case__",
            own_deadline=True,
        )
    for start, done in (
        ("received_on", "resolved_on"),
        ("received_on", "resolution_sent_on"),
        ("received_on", "closed_on"),
    ):
        if _has_fields(model, start, done):
            prefix = "case__" if _has_fields(model, "case") else None
            rows = model.objects.annotate(_start=F(start), _done=F(done))
            if prefix is None:
                return TimeframeSpec(
                    Timeframe.COMPLAINT, Timeframe.COMPLAINT.label, "Fam. Code 17800; 22 CCR 120100", rows, 30, "-"
                )
            return TimeframeSpec(
                Timeframe.COMPLAINT, Timeframe.COMPLAINT.label, "Fam. Code 17800; 22 CCR 120100", rows, 30, prefix
            )
    return "the complaint model has no received/resolved dates this report understands"


def timeframe_specs(*, on: date) -> tuple[list[TimeframeSpec], dict[str, str]]:
    """The timeframes with the day limits in force on ``on`` (a report's last day)."""
    specs = _cases_specs(on)
    skipped: dict[str, str] = {}
    if not specs:
        skipped[Timeframe.CASE_OPENING] = "cases are not on main yet"
    for getter in (_enforcement_spec, _complaint_spec):
        spec = getter()
        if isinstance(spec, TimeframeSpec):
            specs.append(spec)
        elif isinstance(spec, str):
            code = Timeframe.ENFORCEMENT if getter is _enforcement_spec else Timeframe.COMPLAINT
            skipped[code] = spec
    return specs, skipped


def _deadline_expr(spec: TimeframeSpec):
    return F("_deadline") if spec.own_deadline else _as_date(F("_start") + timedelta(days=spec.days))


def _window(spec: TimeframeSpec, start: date, end: date, today: date) -> QuerySet:
    """Rows that started in [start, end] and are due for judging: done, or past their deadline."""
    rows = spec.rows.filter(_start__range=(start, end)).annotate(_limit=_deadline_expr(spec))
    return rows.filter(Q(_done__isnull=False) | Q(_limit__lt=today))


def _met_q() -> Q:
    return Q(_done__isnull=False, _done__lte=F("_limit"))


def _borderline(rows: QuerySet, spec: TimeframeSpec) -> QuerySet:
    """Done after the raw limit but within the days it could have rolled to."""
    if spec.own_deadline:  # the deadline is already in business days
        return rows.none()
    return rows.filter(_done__gt=F("_limit"), _done__lte=_as_date(F("_limit") + timedelta(days=ROLL_SLACK_DAYS)))


def _rolled_met(rows: QuerySet, extra: tuple[str, ...] = ()) -> list[dict]:
    """Borderline rows that met the limit once it is moved to the next business day."""
    found = []
    for row in rows.values("pk", "_done", "_limit", *extra):
        if row["_done"] <= roll_forward(row["_limit"]):
            found.append(row)
    return found


def compliance(
    *, start: date, end: date, today: date, case_filter: Q | None = None, group: str | None = None
) -> tuple[list[TimeframeResult], dict[str, str], dict]:
    """Rates per timeframe for rows starting in [start, end]; with ``group`` (a case field) also
    the counts per group value: {code: {group value: (total, met)}}."""
    results, skipped, by = compliance_by(
        start=start, end=end, today=today, case_filter=case_filter, groups=(group,) if group else ()
    )
    return results, skipped, by[group] if group else {}


def compliance_by(
    *, start: date, end: date, today: date, case_filter: Q | None = None, groups: tuple[str, ...] = ()
) -> tuple[list[TimeframeResult], dict[str, str], dict]:
    """``compliance`` for several case fields at once: the rates, the skipped sources and
    {field: {code: {field value: [total, met]}}}.

    Each timeframe is counted by one query grouped by every field together, and its borderline
    rows are read once: each row belongs to one case, so the office's counts and each field's are
    sums over the same groups (the nightly snapshot asked the database for them three times over,
    and the borderline rows, whose done date is a subquery per case, six times)."""
    specs, skipped = timeframe_specs(on=end)
    results = []
    by: dict[str, dict] = {g: {} for g in groups}
    for spec in specs:
        rows = _window(spec, start, end, today)
        if case_filter is not None:
            rows = rows.filter(_prefixed(case_filter, spec.case_prefix)) if spec.case_prefix != "-" else rows.none()
        fields = tuple(f"{spec.case_prefix}{g}" for g in groups) if spec.case_prefix != "-" else ()
        met = Count("pk", filter=_met_q())
        if fields:
            counted = list(rows.order_by().values(*fields).annotate(total=Count("pk"), met=met))
        else:
            counted = [rows.aggregate(total=Count("pk"), met=met)]
        rolled = _rolled_met(_borderline(rows, spec), fields)
        results.append(
            TimeframeResult(
                spec.code,
                spec.label,
                spec.citation,
                sum(r["total"] for r in counted),
                sum(r["met"] for r in counted) + len(rolled),
            )
        )
        for group, field in zip(groups, fields, strict=False):
            per: dict = {}
            for r in counted:
                cell = per.setdefault(r[field], [0, 0])
                cell[0] += r["total"]
                cell[1] += r["met"]
            for r in rolled:
                per[r[field]][1] += 1
            by[group][spec.code] = per
    for code, why in skipped.items():
        results.append(TimeframeResult(code, Timeframe(code).label, "", 0, 0, available=False, note=why))
    return results, skipped, by


def _prefixed(q: Q, prefix: str) -> Q:
    if not prefix:
        return q
    children: list[Q | tuple[str, Any]] = []
    for child in q.children:  # a Q's children: Q objects and (lookup, value) pairs
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        elif isinstance(child, tuple):
            key, value = child
            children.append((f"{prefix}{key}", value))
        else:
            raise TypeError(f"Not a Q child: {child!r}")
    return Q(*children, _connector=q.connector, _negated=q.negated)


def failing_case_ids(*, code: str, start: date, end: date, today: date) -> QuerySet | None:
    """The case ids of rows that missed the timeframe (None when the source is not available)."""
    specs, _ = timeframe_specs(on=end)
    spec = next((s for s in specs if s.code == code), None)
    if spec is None or spec.case_prefix == "-":
        return None
    rows = _window(spec, start, end, today)
    rolled = [r["pk"] for r in _rolled_met(_borderline(rows, spec))]
    failing = rows.exclude(_met_q()).exclude(pk__in=rolled)
    return failing.values_list(f"{spec.case_prefix}pk" if spec.case_prefix else "pk", flat=True)
