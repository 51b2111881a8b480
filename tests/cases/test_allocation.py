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
    Line,
    PassThroughRule,
    Slice,
    distribute,
    pass_through_limit,
)
from core.legal import LegalParameterMissing

D = Decimal
UNASSIGNED = Slice(ARREARS_UNASSIGNED, D("300.00"))
ASSIGNED = Slice(ARREARS_ASSIGNED, D("400.00"))


def run(
    status, amount, *, source="income_withholding", current="500.00", arrears=(UNASSIGNED, ASSIGNED), pass_through="0"
):
    return distribute(
        assistance_status=status,
        source=source,
        amount=D(amount),
        current_due=[Slice(CURRENT, D(current), "current_support")] if current else [],
        arrears=arrears,
        pass_through_available=D(pass_through),
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


def test_former_assistance_current_then_unassigned_then_assigned_then_remainder():
    result = run("former", "1300.00")
    assert result.lines == (
        Line(CURRENT, FAMILY, D("500.00"), "current_support"),
        Line(ARREARS_UNASSIGNED, FAMILY, D("300.00")),
        Line(ARREARS_ASSIGNED, STATE, D("400.00")),
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


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(status=statuses, source=sources, amount=positive, current=cents, arrears=arrears_slices, pass_through=cents)
def test_distribution_invariants(status, source, amount, current, arrears, pass_through):
    result = distribute(
        assistance_status=status,
        source=source,
        amount=amount,
        current_due=[Slice(CURRENT, current, "current_support")],
        arrears=arrears,
        pass_through_available=pass_through,
    )
    # allocations + held always equal the collection
    assert result.total == amount
    assert all(line.amount > 0 for line in result.lines)
    assert result.held >= 0
    # no bucket is over-paid; only the family remainder is unbounded
    assert result.paid(bucket=CURRENT) <= current
    for bucket in (ARREARS_UNASSIGNED, ARREARS_ASSIGNED):
        assert result.paid(bucket=bucket) <= sum((s.amount for s in arrears if s.bucket == bucket), D(0))
    assert {line.payee for line in result.lines if line.bucket == EXCESS} <= {FAMILY}
    # assigned arrears always go to the state, unassigned to the family
    assert all(line.payee == STATE for line in result.lines if line.bucket == ARREARS_ASSIGNED)
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
@given(status=statuses, source=sources, amount=positive, current=cents, arrears=arrears_slices)
def test_excess_only_when_every_bucket_is_paid(status, source, amount, current, arrears):
    result = distribute(
        assistance_status=status, source=source, amount=amount, current_due=[Slice(CURRENT, current)], arrears=arrears
    )
    if result.paid(bucket=EXCESS) > 0 or result.held > 0:
        assert result.paid(bucket=ARREARS_UNASSIGNED) + result.paid(bucket=ARREARS_ASSIGNED) == sum(
            (s.amount for s in arrears), D(0)
        )
        if source != "federal_tax_offset":
            assert result.paid(bucket=CURRENT) == current
