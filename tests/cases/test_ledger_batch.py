"""Batch posting: the rules of collection_post item by item, in a fixed number of statements."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from cases.choices import CollectionStatus, EntryType
from cases.exceptions import CollectionConflict
from cases.ledger_verify import ledger_differences
from cases.models import Allocation, CaseBalance, Collection, Disbursement, LedgerEntry
from cases.services import CollectionItem, charges_accrue, collection_post, collections_post_batch
from core.models import DomainEvent
from tests.cases.factories import case_with_order
from tests.cases.test_ledger_services import at

pytestmark = pytest.mark.django_db
D = Decimal
APRIL = date(2024, 4, 15)


def item(case, amount, ref, *, case_number=None, source="income_withholding", **extra) -> CollectionItem:
    return CollectionItem(
        case_number=case_number if case_number is not None else case.case_number,
        amount=D(amount),
        received_on=date(2024, 4, 10),
        source=source,
        source_reference=ref,
        received_via="file",
        **extra,
    )


@pytest.fixture
def april():
    with time_machine.travel(at(APRIL), tick=False):
        yield


def test_two_payments_to_one_case_in_a_batch_see_each_other(april):
    case = case_with_order(monthly=D("100.00"))  # two months of arrears and 100 current due in April
    charges_accrue(through=APRIL)

    first, second = collections_post_batch([item(case, "60.00", "B-1"), item(case, "60.00", "B-2")])

    assert [(a.bucket, a.amount) for a in first.allocations] == [("current", D("60.00"))]
    assert [(a.bucket, a.amount) for a in second.allocations] == [
        ("current", D("40.00")),
        ("arrears_unassigned", D("20.00")),
    ]
    balance = CaseBalance.objects.get(case=case)
    assert (balance.current_paid_month, balance.unassigned_arrears) == (D("100.00"), D("180.00"))
    assert balance.last_payment_amount == D("60.00")
    assert DomainEvent.objects.filter(verb="collection.posted").count() == 2
    assert Disbursement.objects.count() == 2  # never assistance: the family's share goes out
    assert ledger_differences() == []


def test_a_batch_holds_unknown_and_closed_cases_and_posts_the_rest(april):
    case = case_with_order(monthly=D("100.00"))
    closed = case_with_order(
        monthly=D("100.00"), status="closed", closure_reason="other", closed_on=date(2024, 3, 1), stage="closed"
    )
    charges_accrue(through=APRIL)

    results = collections_post_batch(
        [item(case, "10.00", "H-1"), item(None, "10.00", "H-2", case_number="NY-NOPE"), item(closed, "10.00", "H-3")]
    )

    assert [r.collection.status for r in results] == [
        CollectionStatus.POSTED,
        CollectionStatus.HELD,
        CollectionStatus.HELD,
    ]
    assert [r.collection.hold_reason for r in results][1:] == ["No case with this case number", "The case is closed"]


def test_replays_in_the_database_and_within_the_batch_write_nothing_new(april):
    case = case_with_order(monthly=D("100.00"))
    charges_accrue(through=APRIL)
    collection_post(
        case_number=case.case_number,
        amount=D("25.00"),
        received_on=date(2024, 4, 10),
        source="income_withholding",
        source_reference="R-1",
        received_via="file",
    )

    results = collections_post_batch(
        [item(case, "25.00", "R-1"), item(case, "30.00", "R-2"), item(case, "30.00", "R-2")]
    )

    assert [r.created for r in results] == [False, True, False]
    assert results[2].collection == results[1].collection
    assert [a.amount for a in results[0].allocations] == [D("25.00")]
    assert Collection.objects.count() == 2
    assert collections_post_batch([item(case, "25.00", "R-1"), item(case, "30.00", "R-2")])[1].created is False
    assert Collection.objects.count() == 2


def test_a_conflicting_reference_rejects_the_whole_batch(april):
    case = case_with_order(monthly=D("100.00"))
    charges_accrue(through=APRIL)
    entries = LedgerEntry.objects.count()

    with pytest.raises(CollectionConflict):
        collections_post_batch([item(case, "10.00", "C-1"), item(case, "11.00", "C-1")])

    assert Collection.objects.count() == 0 and LedgerEntry.objects.count() == entries


def test_an_invalid_item_names_its_index_and_nothing_is_written(april):
    case = case_with_order(monthly=D("100.00"))

    with pytest.raises(ValidationError) as error:
        collections_post_batch(
            [item(case, "10.00", "V-1"), item(case, "10.001", "V-2"), item(case, "10.00", "V-3", source="bitcoin")]
        )

    assert set(error.value.message_dict) == {"items[1].amount", "items[2].source"}
    assert Collection.objects.count() == 0 and Allocation.objects.count() == 0


@pytest.mark.parametrize("size", [5, 40])
def test_statements_per_batch_do_not_grow_with_its_size(april, size, django_assert_max_num_queries):
    cases = [case_with_order(monthly=D("100.00"), assistance_status="current") for _ in range(4)]
    charges_accrue(through=APRIL)
    items = [item(cases[n % 4], "30.00", f"Q-{n}") for n in range(size)]

    with django_assert_max_num_queries(20):
        collections_post_batch(items)

    assert Collection.objects.count() == size
    assert ledger_differences() == []


class TestBatchEqualsOneByOne(HypothesisTestCase):
    """Posting a sequence in one batch leaves the same ledger as posting it item by item."""

    @settings(max_examples=15)
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 2),
                st.integers(1, 40000),
                st.sampled_from(["income_withholding", "direct_payment", "federal_tax_offset"]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_same_ledger(self, payments):
        with time_machine.travel(at(APRIL), tick=False):
            figures = []
            for mode in ("one_by_one", "batch"):
                cases = [
                    case_with_order(monthly=D("150.00"), assistance_status=status)
                    for status in ("never", "former", "current")
                ]
                charges_accrue(through=APRIL)
                items = [
                    item(cases[n], D(cents) / 100, f"{mode}-{i}", source=source)
                    for i, (n, cents, source) in enumerate(payments)
                ]
                if mode == "batch":
                    collections_post_batch(items)
                else:
                    for one in items:
                        collection_post(
                            case_number=one.case_number,
                            amount=one.amount,
                            received_on=one.received_on,
                            source=one.source,
                            source_reference=one.source_reference,
                            received_via=one.received_via,
                        )
                figures.append(
                    [
                        list(
                            CaseBalance.objects.filter(case=c).values_list(
                                "current_paid_month", "unassigned_arrears", "assigned_arrears", "last_payment_amount"
                            )
                        )
                        + sorted(Allocation.objects.filter(case=c).values_list("bucket", "payee", "amount"))
                        + sorted(Disbursement.objects.filter(case=c).values_list("amount", flat=True))
                        for c in cases
                    ]
                )
            assert figures[0] == figures[1]
            assert ledger_differences() == []
            assert LedgerEntry.objects.filter(entry_type=EntryType.COLLECTION).count() == 2 * len(payments)
