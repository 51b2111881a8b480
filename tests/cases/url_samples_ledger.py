from datetime import date
from decimal import Decimal

from cases.services import collection_post


def url_samples(*, users) -> dict[str, dict]:
    held = collection_post(
        case_number="NY-UNKNOWN",
        amount=Decimal("25.00"),
        received_on=date(2024, 1, 5),
        source="direct_payment",
        source_reference="SAMPLE-HELD",
        received_via="file",
    ).collection
    from tests.cases.factories import case_with_order

    case = case_with_order(county="Albany")
    posted = collection_post(
        case_number=case.case_number,
        amount=Decimal("40.00"),
        received_on=date(2024, 1, 5),
        source="direct_payment",
        source_reference="SAMPLE-POSTED",
        received_via="file",
    ).collection
    return {
        "ledger:held_release": {"pk": held.pk},
        "ledger:held_reverse": {"pk": held.pk},
        "cases:order_end": {"case_number": case.case_number, "pk": case.orders.get().pk},
        "cases:collection_reverse": {"case_number": case.case_number, "pk": posted.pk},
    }
