"""Partner API: a case's ledger and posting collections (replay 200, conflict 409, bad input 400)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from cases.models import Allocation, Collection, Disbursement, LedgerEntry
from cases.services import charges_accrue, collection_post
from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db
URL = "/api/v1/collections/"


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel(datetime(2024, 4, 15, 17, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def case():
    case = case_with_order(monthly=Decimal("500.00"), assistance_status="former")
    charges_accrue(through=date(2024, 4, 15))
    return case


def body(case, **overrides):
    return {
        "case_number": case.case_number,
        "amount": "700.00",
        "received_on": "2024-04-12",
        "source": "income_withholding",
        "source_reference": "EMP-1",
        **overrides,
    }


def test_first_receipt_201_with_allocations_then_replay_200_same_body(api_client_with, case):
    api = api_client_with("collections:write")
    first = api.post(URL, body(case), format="json")
    assert first.status_code == 201, first.content
    assert first.json()["allocations"] == [
        {"bucket": "current", "payee": "family", "obligation_kind": "", "amount": "500.00"},
        {"bucket": "arrears_unassigned", "payee": "family", "obligation_kind": "", "amount": "200.00"},
    ]
    assert first.json()["held_amount"] == "0.00" and first.json()["status"] == "posted"
    replay = api.post(URL, body(case), format="json")
    assert replay.status_code == 200 and replay.json() == first.json()
    assert Collection.objects.count() == 1 and Allocation.objects.count() == 2 and Disbursement.objects.count() == 1


def test_same_reference_with_other_content_is_409_and_writes_nothing(api_client_with, case):
    api = api_client_with("collections:write")
    api.post(URL, body(case), format="json")
    conflict = api.post(URL, body(case, amount="701.00"), format="json")
    assert conflict.status_code == 409 and "different content" in conflict.json()["detail"]
    assert Collection.objects.count() == 1 and LedgerEntry.objects.filter(entry_type="collection").count() == 1


@pytest.mark.parametrize(
    "field,value",
    [
        ("amount", "0"),
        ("amount", "-5.00"),
        ("amount", "1.001"),
        ("amount", "abc"),
        ("amount", "99999999999.00"),
        ("source", "lottery"),
        ("received_on", "2024-04-16"),
        ("received_on", "yesterday"),
        ("case_number", "NY-404404"),
        ("case_number", "x" * 21),
        ("source_reference", ""),
        ("source_reference", "r" * 65),
        ("source_reference", "a\x00b"),
        ("case_number", "NY\x00"),
    ],
)
def test_bad_input_is_a_400_field_error_and_nothing_is_written(api_client_with, case, field, value):
    response = api_client_with("collections:write").post(URL, body(case, **{field: value}), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Collection.objects.exists()


def test_closed_case_is_accepted_and_held(api_client_with):
    closed = case_with_order(status="closed", closure_reason="other", closed_on=date(2024, 3, 1), stage="closed")
    response = api_client_with("collections:write").post(URL, body(closed), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "held" and response.json()["held_amount"] == "700.00"


def test_posting_needs_collections_write(api_client_with, case):
    assert api_client_with("collections:read", "cases:write").post(URL, body(case), format="json").status_code == 403
    assert not Collection.objects.exists()


def test_ledger_newest_first_with_source_reference_and_fti_masked(api_client_with, case):
    collection_post(
        case_number=case.case_number,
        amount=Decimal("300.00"),
        received_on=date(2024, 4, 1),
        source="federal_tax_offset",
        source_reference="TOP-1",
        received_via="file",
    )
    collection_post(
        case_number=case.case_number,
        amount=Decimal("50.00"),
        received_on=date(2024, 4, 2),
        source="direct_payment",
        source_reference="DP-1",
        received_via="api",
    )
    response = api_client_with("cases:read").get(f"/api/v1/cases/{case.case_number}/ledger/")
    assert response.status_code == 200
    results = response.json()["results"]
    ids = [r["id"] for r in results]
    assert ids == sorted(ids, reverse=True) and response.json()["count"] is None
    collections = [r for r in results if r["entry_type"] == "collection"]
    assert [(c["source_reference"], c["source"]) for c in collections] == [("DP-1", "direct_payment"), ("TOP-1", None)]
    assert "federal_tax_offset" not in response.content.decode()


def test_ledger_cursor_pages_and_unknown_case_404_and_scope(api_client_with, case):
    api = api_client_with("cases:read")
    first = api.get(f"/api/v1/cases/{case.case_number}/ledger/?page_size=2").json()
    second = api.get(first["next"]).json()
    assert len(first["results"]) == 2 and second["results"][0]["id"] < first["results"][-1]["id"]
    assert api.get("/api/v1/cases/NY-404404/ledger/").status_code == 404
    assert api_client_with("collections:write").get(f"/api/v1/cases/{case.case_number}/ledger/").status_code == 403


@pytest.mark.parametrize("posts", [1, 30])
def test_ledger_query_count_does_not_grow_with_rows(api_client_with, case, posts, django_assert_max_num_queries):
    for n in range(posts):
        collection_post(
            case_number=case.case_number,
            amount=Decimal("5.00"),
            received_on=date(2024, 4, 1),
            source="direct_payment",
            source_reference=f"Q-{n}",
            received_via="api",
        )
    api = api_client_with("cases:read")
    with django_assert_max_num_queries(8):
        response = api.get(f"/api/v1/cases/{case.case_number}/ledger/")
    assert response.status_code == 200 and len(response.json()["results"]) >= min(posts, 3)


def test_post_query_count_is_bounded(api_client_with, case, django_assert_max_num_queries):
    api = api_client_with("collections:write")
    with django_assert_max_num_queries(40):
        assert api.post(URL, body(case), format="json").status_code == 201


def test_schema_declares_409_and_both_success_codes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    responses = schema["paths"]["/api/v1/collections/"]["post"]["responses"]
    assert {"200", "201", "400", "409"} <= set(responses)
    assert "/api/v1/cases/{case_number}/ledger/" in schema["paths"]


# --- batch ---------------------------------------------------------------------------------------

BATCH_URL = "/api/v1/collections/batch/"


def test_a_batch_posts_in_order_and_marks_replays(api_client_with, case):
    api = api_client_with("collections:write")
    api.post(URL, body(case, source_reference="EMP-0", amount="100.00"), format="json")
    items = [
        body(case, source_reference="EMP-0", amount="100.00"),
        body(case, source_reference="EMP-1", amount="450.00"),
    ]

    response = api.post(BATCH_URL, {"items": items}, format="json")

    assert response.status_code == 201, response.content
    first, second = response.json()["results"]
    assert (first["created"], second["created"]) == (False, True)
    assert second["allocations"] == [  # 100 of April's 500 was paid by EMP-0
        {"bucket": "current", "payee": "family", "obligation_kind": "", "amount": "400.00"},
        {"bucket": "arrears_unassigned", "payee": "family", "obligation_kind": "", "amount": "50.00"},
    ]
    replay = api.post(BATCH_URL, {"items": items}, format="json")
    assert replay.status_code == 200 and [r["created"] for r in replay.json()["results"]] == [False, False]
    assert Collection.objects.count() == 2


def test_a_batch_with_one_bad_item_is_a_400_naming_it_and_writes_nothing(api_client_with, case):
    items = [
        body(case, source_reference="B-1"),
        body(case, source_reference="B-2", case_number="NY-404404"),
        body(case, source_reference="B-3", amount="-1"),
    ]

    response = api_client_with("collections:write").post(BATCH_URL, {"items": items}, format="json")

    assert response.status_code == 400
    errors = response.json()["items"]  # field checks first: the unknown case number is checked after
    assert errors == {"2": {"amount": ["Ensure this value is greater than or equal to 0.01."]}}
    assert Collection.objects.count() == 0


def test_unknown_case_numbers_in_a_batch_are_named_by_index(api_client_with, case):
    items = [body(case, source_reference="B-1"), body(case, source_reference="B-2", case_number="NY-404404")]

    response = api_client_with("collections:write").post(BATCH_URL, {"items": items}, format="json")

    assert response.status_code == 400
    assert response.json() == {"items": {"1": {"case_number": ["Unknown case number."]}}}


@pytest.mark.parametrize("payload", [{"items": []}, {"items": "x"}, {}, {"items": [{}] * 1001}])
def test_a_batch_must_hold_1_to_1000_items(api_client_with, payload):
    response = api_client_with("collections:write").post(BATCH_URL, payload, format="json")
    assert response.status_code == 400 and "items" in response.json()


def test_a_conflicting_item_is_a_409_for_the_whole_batch(api_client_with, case):
    api = api_client_with("collections:write")
    api.post(URL, body(case), format="json")
    items = [body(case, source_reference="NEW-1"), body(case, amount="1.00")]

    response = api.post(BATCH_URL, {"items": items}, format="json")

    assert response.status_code == 409
    assert not Collection.objects.filter(source_reference="NEW-1").exists()


def test_a_batch_needs_the_write_scope(api_client_with, case):
    response = api_client_with("collections:read").post(BATCH_URL, {"items": [body(case)]}, format="json")
    assert response.status_code == 403 and Collection.objects.count() == 0


@pytest.mark.parametrize("size", [2, 50])
def test_batch_queries_do_not_grow_with_items(api_client_with, case, size, django_assert_max_num_queries):
    api = api_client_with("collections:write")
    items = [body(case, source_reference=f"Q-{n}", amount="10.00") for n in range(size)]
    with django_assert_max_num_queries(26):
        assert api.post(BATCH_URL, {"items": items}, format="json").status_code == 201


def test_collected_on_is_taken_and_returned_and_pays_its_month(api_client_with, case):
    # Case from 2024-02 at $500: February and March closed out → 1,000 arrears; April current 500.
    # Withheld March 29, received April 12: pays March's current support out of its arrears.
    api = api_client_with("collections:write")
    response = api.post(URL, body(case, amount="500.00", collected_on="2024-03-29"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["collected_on"], data["overpayment_policy"]) == ("2024-03-29", "")
    assert data["allocations"] == [{"bucket": "current", "payee": "family", "obligation_kind": "", "amount": "500.00"}]
    balance = case.balance
    balance.refresh_from_db()
    assert (balance.current_paid_month, balance.unassigned_arrears) == (Decimal("0.00"), Decimal("500.00"))
    # default: the received date
    other = api.post(URL, body(case, amount="10.00", source_reference="EMP-2"), format="json").json()
    assert other["collected_on"] == "2024-04-12"


def test_collected_after_received_is_a_400_on_the_field(api_client_with, case):
    response = api_client_with("collections:write").post(URL, body(case, collected_on="2024-04-13"), format="json")
    assert response.status_code == 400 and "collected_on" in response.json()
    assert not Collection.objects.exists()


def test_the_receipt_names_the_overpayment_policy(api_client_with, case, settings):
    settings.CASEWORKS_OVERPAYMENT_POLICY = "refund"
    # Owed: April 500 + unassigned arrears 1,000 (former assistance) = 1,500; 1,600 → 100 over.
    data = api_client_with("collections:write").post(URL, body(case, amount="1600.00"), format="json").json()
    assert (data["overpayment_policy"], data["held_amount"]) == ("refund", "100.00")
    assert "refunded to the payor" in data["hold_reason"]
