"""A desk receipt replays any sender's receipt of its reference whose content matches (rv1 review,
cases/services/ledger.py _existing_collections); a conflict only when none matches."""

from datetime import UTC, datetime

import pytest
import time_machine

from accounts.models import PartnerAgency
from cases.exceptions import CollectionConflict
from cases.models import Collection
from tests.cases.factories import case_with_order
from tests.cases.test_collection_reference_identity import _post

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 11, 23, 15, tzinfo=UTC), tick=False)
def test_desk_keying_the_second_partners_receipt_is_a_replay_not_a_conflict():
    """Two employers sent "R-1" (their own receipts, $100 and $250). A clerk keys the $250 one from
    the remittance advice: the desk compares with every sender's, so it is the same payment (a
    replay of Birch's). Today it is compared with the OLDEST sender's only (Acme's $100) and refused
    as a conflict (409 wording) — the clerk cannot tell why; with a third sender the answer
    depends on pk order. cases/services/ledger.py _existing_collections: `next(...)` picks one."""
    case = case_with_order()
    acme, birch = PartnerAgency.objects.bulk_create([PartnerAgency(name="Acme"), PartnerAgency(name="Birch")])
    _post(case, "R-1", agency=acme, amount="100.00")
    birchs = _post(case, "R-1", agency=birch, amount="250.00").collection
    result = _post(case, "r-1", via="form", amount="250.00")
    assert result.created is False and result.collection.pk == birchs.pk
    assert Collection.objects.filter(case=case).count() == 2


@time_machine.travel(datetime(2026, 11, 23, 15, tzinfo=UTC), tick=False)
def test_desk_keying_a_reference_no_senders_receipt_matches_is_a_conflict():
    case = case_with_order()
    acme, birch = PartnerAgency.objects.bulk_create([PartnerAgency(name="Acme"), PartnerAgency(name="Birch")])
    _post(case, "R-1", agency=acme, amount="100.00")
    _post(case, "R-1", agency=birch, amount="250.00")
    with pytest.raises(CollectionConflict):
        _post(case, "R-1", via="form", amount="300.00")
    assert Collection.objects.filter(case=case).count() == 2
