"""Random posting sequences and the backfill leave every balance equal to its entries."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from cases.choices import CollectionStatus, Frequency, ObligationKind
from cases.ledger_verify import ledger_differences
from cases.models import Allocation, Collection, LedgerEntry
from cases.services import charges_accrue, collection_post, collection_release, collection_reverse
from cases.services.ledger_backfill import ledger_backfill
from tests.cases.factories import ObligationFactory, case_with_order

pytestmark = pytest.mark.django_db
SOURCES = ["income_withholding", "direct_payment", "federal_tax_offset", "state_tax_offset", "bank_levy", "other"]


def _cases():
    cases = []
    for i, status in enumerate(["never", "former", "current", "current", "never"]):
        case = case_with_order(monthly=Decimal(150 + 100 * i), assistance_status=status)
        if i % 2:
            ObligationFactory(
                order=case.orders.get(),
                kind=ObligationKind.MEDICAL_SUPPORT,
                amount=Decimal("25.00"),
                frequency=[Frequency.WEEKLY, Frequency.BIWEEKLY, Frequency.SEMIMONTHLY][i % 3],
            )
        cases.append(case)
    return cases


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_posting_sequence_keeps_balances_equal_to_entries(seed, role_user):
    rng = random.Random(seed)
    day = date(2024, 2, 1)
    with time_machine.travel(datetime(2024, 2, 1, 17, tzinfo=UTC), tick=False) as clock:
        cases = _cases()
        posted, held, n = [], [], 0
        for _ in range(60):
            day += timedelta(days=rng.choice([0, 1, 3, 9]))
            clock.move_to(datetime(day.year, day.month, day.day, 17, tzinfo=UTC))
            op = rng.random()
            if op < 0.25:
                charges_accrue(through=day - timedelta(days=rng.choice([0, 0, 5])))
            elif op < 0.75:
                n += 1
                case = rng.choice(cases)
                ref = f"S{seed}-{n}" if rng.random() > 0.1 or n == 1 else f"S{seed}-{n - 1}"
                number = case.case_number if rng.random() > 0.1 else "NY-999999"
                try:
                    result = collection_post(
                        case_number=number,
                        amount=Decimal(rng.randint(1, 90000)) / 100,
                        received_on=day - timedelta(days=rng.randint(0, 3)),
                        source=rng.choice(SOURCES),
                        source_reference=ref,
                        received_via="api",
                    )
                except Exception as exc:  # a replay with other content is a conflict: nothing written
                    assert type(exc).__name__ == "CollectionConflict"
                    continue
                (held if result.collection.status == CollectionStatus.HELD else posted).append(result.collection)
            elif op < 0.88 and posted:
                collection = posted.pop(rng.randrange(len(posted)))
                collection_reverse(collection=collection, reason="random correction")
            elif held:
                collection_release(collection=held.pop(), case=rng.choice(cases), by=role_user("caseworker"))
            assert ledger_differences() == []
        call_command("verify_ledger")
        # allocations + held remainder always equal the collection
        for collection in Collection.objects.filter(status=CollectionStatus.POSTED):
            allocated = sum(
                a.amount for a in Allocation.objects.filter(collection=collection, reversed_on__isnull=True)
            )
            assert allocated <= collection.amount
            if allocated < collection.amount:
                assert collection.hold_reason


def test_backfill_makes_a_consistent_delinquent_history():
    with time_machine.travel(datetime(2024, 9, 20, 17, tzinfo=UTC), tick=False):
        cases = []
        for _ in range(4):
            cases.extend(_cases())
        case_range = (min(c.pk for c in cases), max(c.pk for c in cases))
        run = ledger_backfill(case_range=case_range, months=8, seed=7)
        assert run.counts["collections"] > 0 and run.counts["charges"] > 0
        assert ledger_differences() == []
        assert Allocation.objects.filter(payee="state").exists() and Allocation.objects.filter(payee="family").exists()
        assert LedgerEntry.objects.filter(entry_type="charge", due_on__gt=date(2024, 9, 20)).count() == 0
        # the daily jobs carry on from the backfilled state without gaps or duplicates
        assert charges_accrue(through=date(2024, 9, 20)).charges == 0
        result = collection_post(
            case_number=cases[0].case_number,
            amount=Decimal("10.00"),
            received_on=date(2024, 9, 20),
            source="other",
            source_reference="after",
            received_via="api",
        )
        assert result.created
        generated = Collection.objects.filter(received_via="generator").first()
        replay = collection_post(
            case_number=generated.case_number_received,
            amount=generated.amount,
            received_on=generated.received_on,
            source=generated.source,
            source_reference=generated.source_reference,
            received_via="file",
        )
        assert not replay.created
        assert ledger_differences() == []
