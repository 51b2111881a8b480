"""Distribution of collections (42 USC 657) — the pure allocation rules."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.allocation import (
    ARREARS_ASSIGNED,
    ARREARS_UNASSIGNED,
    CURRENT,
    EXCESS,
    FAMILY,
    STATE,
    STATE_TAX_OFFSET_EXCESS_REASON,
    TAX_OFFSET_EXCESS_REASON,
    FormerAssignedRule,
    Line,
    PassThroughRule,
    Slice,
    distribute,
    former_assigned_passed_through,
    pass_through_limit,
)
from core.legal import LegalParameterMissing

D = Decimal
UNASSIGNED = Slice(ARREARS_UNASSIGNED, D("300.00"))
ASSIGNED = Slice(ARREARS_ASSIGNED, D("400.00"))


def run(
    status,
    amount,
    *,
    source="income_withholding",
    current="500.00",
    arrears=(UNASSIGNED, ASSIGNED),
    pass_through="0",
    **extra,
):
    return distribute(
        assistance_status=status,
        source=source,
        amount=D(amount),
        current_due=[Slice(CURRENT, D(current), "current_support")] if current else [],
        arrears=arrears,
        pass_through_available=D(pass_through),
        **extra,
    )


# --- never assistance -----------------------------------------------------------------------


def test_never_assistance_pays_current_first_all_to_family():
    result = run("never", "200.00")
    assert result.lines == (Line(CURRENT, FAMILY, D("200.00"), "current_support"),)
    assert result.held == 0


def test_never_assistance_then_arrears_oldest_first():
    older = Slice(ARREARS_UNASSIGNED, D("100.00"), "medical_support")
    newer = Slice(ARREARS_UNASSIGNED, D("100.00"), "current_support")
    result = run("never", "650.00", arrears=(older, newer))
    assert result.lines == (
        Line(CURRENT, FAMILY, D("500.00"), "current_support"),
        Line(ARREARS_UNASSIGNED, FAMILY, D("100.00"), "medical_support"),
        Line(ARREARS_UNASSIGNED, FAMILY, D("50.00"), "current_support"),
    )


def test_never_assistance_overpayment_remainder_to_family():
    result = run("never", "1000.00", arrears=(UNASSIGNED,))
    assert result.paid(bucket=EXCESS, payee=FAMILY) == D("200.00")
    assert result.paid(payee=STATE) == 0


# --- former assistance ----------------------------------------------------------------------


# Assigned arrears to the state, or to the family where the state passes them through to a former
# recipient: Fam. Code 17504.2(a)(1) (AB 207), "Any amount of support collected in a month in payment
# of an assigned support obligation shall be passed through to a former recipient of aid".
@pytest.mark.parametrize(("passed_through", "assigned_to"), [(False, STATE), (True, FAMILY)])
def test_former_assistance_current_then_unassigned_then_assigned_then_remainder(passed_through, assigned_to):
    result = run("former", "1300.00", former_assigned_to_family=passed_through)
    assert result.lines == (
        Line(CURRENT, FAMILY, D("500.00"), "current_support"),
        Line(ARREARS_UNASSIGNED, FAMILY, D("300.00")),
        Line(ARREARS_ASSIGNED, assigned_to, D("400.00")),
        Line(EXCESS, FAMILY, D("100.00")),
    )


def test_former_assistance_family_first_even_when_assigned_is_older():
    result = run("former", "600.00", arrears=(ASSIGNED, UNASSIGNED))
    assert result.paid(bucket=ARREARS_UNASSIGNED) == D("100.00")
    assert result.paid(bucket=ARREARS_ASSIGNED) == 0


def test_former_assistance_partial_stops_inside_unassigned():
    result = run("former", "799.99")
    assert result.paid(bucket=ARREARS_UNASSIGNED, payee=FAMILY) == D("299.99")
    assert result.paid(payee=STATE) == 0


def test_former_assistance_pass_through_repays_no_assistance():
    # what goes to the family is not retained: the URA cap has nothing to cap, no state line
    result = run("former", "1000.00", former_assigned_to_family=True, ura_available=D("150.00"))
    assert result.paid(payee=STATE) == 0
    assert result.paid(bucket=ARREARS_ASSIGNED, payee=FAMILY) == D("200.00")


@pytest.mark.parametrize("status", ["never", "current"])
def test_the_former_pass_through_changes_nothing_for_another_status(status):
    # 17504.2 is about former recipients; a family on assistance is governed by 17504 (current support)
    for source in ("income_withholding", "federal_tax_offset"):
        assert run(status, "1300.00", source=source, pass_through="100", former_assigned_to_family=True) == run(
            status, "1300.00", source=source, pass_through="100"
        )


# --- current assistance ---------------------------------------------------------------------


def test_current_assistance_state_retains_current_support_without_pass_through():
    result = run("current", "500.00")
    assert result.lines == (Line(CURRENT, STATE, D("500.00"), "current_support"),)


def test_current_assistance_passes_through_to_family():
    result = run("current", "500.00", pass_through="100.00")
    assert result.paid(bucket=CURRENT, payee=FAMILY) == D("100.00")
    assert result.paid(bucket=CURRENT, payee=STATE) == D("400.00")


def test_current_assistance_pass_through_never_exceeds_collected_current():
    result = run("current", "60.00", pass_through="100.00")
    assert result.lines == (Line(CURRENT, FAMILY, D("60.00"), "current_support"),)


def test_current_assistance_pass_through_applies_to_current_support_only():
    result = run("current", "700.00", current="0", pass_through="100.00")
    assert result.paid(payee=FAMILY) == D("300.00")  # unassigned arrears, no pass-through
    assert result.paid(bucket=ARREARS_ASSIGNED, payee=STATE) == D("400.00")


def test_current_assistance_assigned_arrears_before_unassigned_then_excess_to_family():
    result = run("current", "1250.00")
    assert result.lines == (
        Line(CURRENT, STATE, D("500.00"), "current_support"),
        Line(ARREARS_ASSIGNED, STATE, D("400.00")),
        Line(ARREARS_UNASSIGNED, FAMILY, D("300.00")),
        Line(EXCESS, FAMILY, D("50.00")),
    )


# --- federal tax refund offset --------------------------------------------------------------


@pytest.mark.parametrize("status", ["never", "former", "current"])
def test_tax_offset_never_pays_current_support(status):
    result = run(status, "200.00", source="federal_tax_offset")
    assert result.paid(bucket=CURRENT) == 0


@pytest.mark.parametrize("status", ["never", "former", "current"])
def test_tax_offset_pays_assigned_arrears_first(status):
    result = run(status, "500.00", source="federal_tax_offset", arrears=(UNASSIGNED, ASSIGNED))
    assert result.lines == (
        Line(ARREARS_ASSIGNED, STATE, D("400.00")),
        Line(ARREARS_UNASSIGNED, FAMILY, D("100.00")),
    )


def test_tax_offset_on_a_former_case_pays_assigned_arrears_to_the_family_when_passed_through():
    # DCSS (AB 207): collections on government-assigned debt of a former CalWORKs family, tax
    # offsets included, are passed through; still past-due support only, assigned first, excess held.
    result = run("former", "900.00", source="federal_tax_offset", former_assigned_to_family=True)
    assert result.lines == (
        Line(ARREARS_ASSIGNED, FAMILY, D("400.00")),
        Line(ARREARS_UNASSIGNED, FAMILY, D("300.00")),
    )
    assert (result.held, result.held_reason) == (D("200.00"), TAX_OFFSET_EXCESS_REASON)


def test_tax_offset_excess_is_held_with_reason_not_paid_to_current():
    result = run("former", "900.00", source="federal_tax_offset")
    assert result.paid() == D("700.00")
    assert result.held == D("200.00")
    assert result.held_reason == TAX_OFFSET_EXCESS_REASON


def test_tax_offset_with_no_arrears_is_held_entirely():
    result = run("never", "150.00", source="federal_tax_offset", arrears=())
    assert result.lines == ()
    assert result.held == D("150.00")


def test_state_tax_offset_follows_the_ordinary_order():
    result = run("former", "600.00", source="state_tax_offset")
    assert result.paid(bucket=CURRENT) == D("500.00")


@pytest.mark.parametrize("policy", ["family", "hold", "refund"])
@pytest.mark.parametrize("status", ["never", "former", "current"])
def test_state_tax_offset_excess_is_refunded_to_the_obligor_whatever_the_office_policy(status, policy):
    """45 CFR 303.102(g)(1)-(2): a State income tax refund offset is distributed under section 457
    and 302.51 (current support of the month first), and "If the amount collected is in excess of
    the amounts required to be distributed under paragraph (g)(1) of this section, the IV-D agency
    must repay the excess to the noncustodial parent whose State income tax refund was offset";
    303.102(c)(2): an offset that exceeds the overdue support is refunded to the noncustodial
    parent. Not the office's overpayment policy. By hand: 1,300.00 against 500.00 current, 300.00
    unassigned and 400.00 assigned arrears: 1,200.00 distributed, 100.00 held for the obligor."""
    result = distribute(
        assistance_status=status,
        source="state_tax_offset",
        amount=D("1300.00"),
        current_due=[Slice(CURRENT, D("500.00"), "current_support")],
        arrears=(UNASSIGNED, ASSIGNED),
        overpayment_policy=policy,
    )
    assert result.paid() == D("1200.00")
    assert result.paid(bucket=CURRENT) == D("500.00")
    assert result.paid(bucket=EXCESS) == 0
    assert result.held == D("100.00")
    assert result.held_reason == STATE_TAX_OFFSET_EXCESS_REASON
    assert result.overpayment_policy == ""


# --- edges and bad input --------------------------------------------------------------------


def test_exact_amount_due_leaves_no_excess():
    result = run("former", "1200.00")
    assert result.paid(bucket=EXCESS) == 0 and result.held == 0


def test_one_cent_over_goes_to_family_remainder():
    result = run("former", "1200.01")
    assert result.paid(bucket=EXCESS, payee=FAMILY) == D("0.01")


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_non_positive_amount_is_refused(amount):
    with pytest.raises(ValueError):
        run("never", amount)


def test_unknown_status_is_refused():
    with pytest.raises(ValueError):
        run("sometimes", "10.00")


def test_negative_due_is_refused():
    with pytest.raises(ValueError):
        run("never", "10.00", current="-5.00")


def test_pass_through_table_is_dated_and_counts_children():
    table = (
        PassThroughRule("NY", date(2020, 1, 1), D("50.00"), D("80.00"), "test"),
        PassThroughRule("NY", date(2025, 1, 1), D("100.00"), D("200.00"), "test"),
    )
    assert pass_through_limit(jurisdiction="NY", children=1, on=date(2024, 12, 31), table=table) == D("50.00")
    assert pass_through_limit(jurisdiction="NY", children=1, on=date(2025, 1, 1), table=table) == D("100.00")
    assert pass_through_limit(jurisdiction="NY", children=2, on=date(2025, 1, 1), table=table) == D("200.00")
    # before the first row (or no row at all) is an error, never a silent 0
    with pytest.raises(LegalParameterMissing, match="starts on 2020-01-01"):
        pass_through_limit(jurisdiction="NY", children=1, on=date(2019, 12, 31), table=table)
    with pytest.raises(LegalParameterMissing, match="is configured"):
        pass_through_limit(jurisdiction="CA", children=1, on=date(2025, 1, 1), table=table)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("jurisdiction", "on", "children", "amount"),
    [
        # 18 NYCRR 352.15(b): $50 whatever the number of children, $100 / $200 from 2010-01-01.
        ("NY", date(1999, 10, 1), 2, D("50")),
        ("NY", date(2009, 12, 31), 2, D("50")),
        ("NY", date(2010, 1, 1), 1, D("100")),
        ("NY", date(2010, 1, 1), 2, D("200")),
        ("NY", date(2010, 1, 2), 3, D("200")),
        # Fam. Code 17504: $50 (former text), $100 / $200 operative from 2022-01-01 (confirm).
        ("CA", date(1999, 1, 1), 1, D("50")),
        ("CA", date(2021, 12, 31), 2, D("50")),
        ("CA", date(2022, 1, 1), 1, D("100")),
        ("CA", date(2026, 11, 1), 2, D("200")),
    ],
)
def test_pass_through_is_read_from_the_legal_parameters(jurisdiction, on, children, amount):
    assert pass_through_limit(jurisdiction=jurisdiction, children=children, on=on) == amount


@pytest.mark.django_db
def test_pass_through_before_the_first_legal_row_is_an_error():
    with pytest.raises(LegalParameterMissing):
        pass_through_limit(jurisdiction="CA", children=1, on=date(1998, 12, 31))
    with pytest.raises(LegalParameterMissing):
        pass_through_limit(jurisdiction="NY", children=1, on=date(1999, 9, 30))


def test_former_pass_through_table_is_dated_and_no_row_means_retained():
    table = (
        FormerAssignedRule("CA", date(2024, 5, 5), True, "test"),
        FormerAssignedRule("CA", date(2030, 1, 1), False, "test"),
    )
    assert former_assigned_passed_through(jurisdiction="CA", on=date(2024, 5, 4), table=table) is False
    assert former_assigned_passed_through(jurisdiction="CA", on=date(2024, 5, 5), table=table) is True
    assert former_assigned_passed_through(jurisdiction="CA", on=date(2029, 12, 31), table=table) is True
    assert former_assigned_passed_through(jurisdiction="CA", on=date(2030, 1, 1), table=table) is False
    # no row for the jurisdiction: the state retains (42 USC 657(a)(2)), not an error
    assert former_assigned_passed_through(jurisdiction="NY", on=date(2025, 1, 1), table=table) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("jurisdiction", "on", "to_family"),
    [
        # Fam. Code 17504.2 (AB 207): implemented from 2024-05-05 (DCSS; confirm). NY: no such rule.
        ("CA", date(2024, 5, 4), False),
        ("CA", date(2024, 5, 5), True),
        ("CA", date(2026, 11, 1), True),
        ("NY", date(2026, 11, 1), False),
    ],
)
def test_former_pass_through_is_read_from_the_legal_parameters(jurisdiction, on, to_family):
    assert former_assigned_passed_through(jurisdiction=jurisdiction, on=on) is to_family


@pytest.mark.django_db
def test_a_new_pass_through_row_is_data_not_code():
    from core.models import LegalParameter

    LegalParameter.objects.create(
        key="ca.pass_through.one_child",
        jurisdiction="CA",
        effective_on=date(2027, 1, 1),
        value=D("150"),
        citation="test",
    )
    assert pass_through_limit(jurisdiction="CA", children=1, on=date(2027, 1, 1)) == D("150")
    assert pass_through_limit(jurisdiction="CA", children=2, on=date(2027, 1, 1)) == D("200")  # the older row stays
    assert pass_through_limit(jurisdiction="CA", children=1, on=date(2026, 12, 31)) == D("100")


# --- properties -----------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=500_000).map(lambda c: D(c) / 100)
positive = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)
arrears_slices = st.lists(
    st.builds(
        Slice,
        st.sampled_from([ARREARS_UNASSIGNED, ARREARS_ASSIGNED]),
        cents,
        st.sampled_from(["current_support", "medical_support", ""]),
    ),
    max_size=6,
)
sources = st.sampled_from(
    ["income_withholding", "direct_payment", "federal_tax_offset", "state_tax_offset", "bank_levy", "other"]
)
statuses = st.sampled_from(["never", "former", "current"])


# One question of the properties: a status, a source, an amount, the current support and arrears
# due, the month's pass-through left, and whether assigned support goes to a former recipient.
QUESTION = {
    "status": statuses,
    "source": sources,
    "amount": positive,
    "current": cents,
    "arrears": arrears_slices,
    "pass_through": cents,
    "former_to_family": st.booleans(),
}


def distributed(status, source, amount, current, arrears, pass_through, former_to_family):
    """``distribute`` of one current-support slice and the given arrears (the properties' question)."""
    return distribute(
        assistance_status=status,
        source=source,
        amount=amount,
        current_due=[Slice(CURRENT, current, "current_support")],
        arrears=arrears,
        pass_through_available=pass_through,
        former_assigned_to_family=former_to_family,
    )


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(**QUESTION)
def test_distribution_invariants(status, source, amount, current, arrears, pass_through, former_to_family):
    result = distributed(status, source, amount, current, arrears, pass_through, former_to_family)
    # allocations + held always equal the collection
    assert result.total == amount
    assert all(line.amount > 0 for line in result.lines)
    assert result.held >= 0
    # no bucket is over-paid; only the family remainder is unbounded
    assert result.paid(bucket=CURRENT) <= current
    for bucket in (ARREARS_UNASSIGNED, ARREARS_ASSIGNED):
        assert result.paid(bucket=bucket) <= sum((s.amount for s in arrears if s.bucket == bucket), D(0))
    assert {line.payee for line in result.lines if line.bucket == EXCESS} <= {FAMILY}
    # assigned arrears go to the state — to the family for a former recipient whose state passes
    # them through (Fam. Code 17504.2) — unassigned to the family
    assigned_to = FAMILY if former_to_family and status == "former" else STATE
    assert all(line.payee == assigned_to for line in result.lines if line.bucket == ARREARS_ASSIGNED)
    assert all(line.payee == FAMILY for line in result.lines if line.bucket == ARREARS_UNASSIGNED)
    if source == "federal_tax_offset":
        assert result.paid(bucket=CURRENT) == 0 and result.paid(bucket=EXCESS) == 0
    elif source == "state_tax_offset":  # 45 CFR 303.102(g)(2): the excess is repaid to the obligor
        assert result.paid(bucket=EXCESS) == 0
    else:
        assert result.held == 0
    if status != "current" or source == "federal_tax_offset":
        assert result.paid(bucket=CURRENT, payee=STATE) == 0
    else:
        assert result.paid(bucket=CURRENT, payee=FAMILY) <= pass_through


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(**QUESTION)
def test_excess_only_when_every_bucket_is_paid(
    status, source, amount, current, arrears, pass_through, former_to_family
):
    result = distributed(status, source, amount, current, arrears, pass_through, former_to_family)
    if result.paid(bucket=EXCESS) > 0 or result.held > 0:
        assert result.paid(bucket=ARREARS_UNASSIGNED) + result.paid(bucket=ARREARS_ASSIGNED) == sum(
            (s.amount for s in arrears), D(0)
        )
        if source != "federal_tax_offset":
            assert result.paid(bucket=CURRENT) == current


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(**{name: strategy for name, strategy in QUESTION.items() if name != "former_to_family"})
def test_the_former_pass_through_changes_payees_only(status, source, amount, current, arrears, pass_through):
    """Fam. Code 17504.2 says who receives what pays assigned support, not what is paid: the same
    buckets are paid the same amounts, the same is held, with or without it."""

    def run_with(flag):
        result = distributed(status, source, amount, current, arrears, pass_through, flag)
        by_bucket = {b: result.paid(bucket=b) for b in (CURRENT, ARREARS_UNASSIGNED, ARREARS_ASSIGNED, EXCESS)}
        return by_bucket, result.held, result.held_reason, result.paid(payee=STATE)

    (with_buckets, with_held, with_reason, with_state) = run_with(True)
    (buckets, held, reason, state) = run_with(False)
    assert (with_buckets, with_held, with_reason) == (buckets, held, reason)
    if status == "former":
        assert with_state == state - buckets[ARREARS_ASSIGNED] == 0
    else:
        assert with_state == state
