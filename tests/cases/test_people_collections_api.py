"""17.3: the partner lists of people (``GET /api/v1/people/``) and collections
(``GET /api/v1/collections/``): scopes, the key's counties, FVI and FTI, cursor pages that neither
repeat nor skip, and a query count flat in the page size and depth."""

import base64
from datetime import date
from decimal import Decimal
from itertools import count
from urllib.parse import urlencode

import pytest

from cases.choices import CollectionSource, CollectionStatus, ParticipantRole
from cases.models import Case, CaseParticipant, Collection, Person
from cases.redaction import WITHHELD
from core.models import AccessLog
from tests.cases.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
COLLECTIONS = "/api/v1/collections/"
_references = count(1)


def collection(
    case: Case | None,
    *,
    source=CollectionSource.INCOME_WITHHOLDING,
    status=CollectionStatus.POSTED,
    received_on=date(2026, 3, 2),
    hold_reason="",
    amount="100.00",
) -> Collection:
    return Collection.objects.create(
        source_reference=f"REF-{next(_references):06d}",
        case=case,
        case_number_received=case.case_number if case else "NY-UNKNOWN",
        amount=Decimal(amount),
        received_on=received_on,
        collected_on=received_on,
        source=source,
        status=status,
        hold_reason=hold_reason,
    )


def walk(api, url, params):
    """Every row of a cursor walk, following ``next``."""
    seen, response = [], api.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen += body["results"]
        if not body["next"]:
            return seen
        response = api.get(body["next"])


# --- scopes and counties ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "scope"), [(PEOPLE, "cases:read"), (COLLECTIONS, "collections:read")])
def test_a_key_without_the_read_scope_is_refused(api_client_with, url, scope):
    CaseFactory()
    wrong = "collections:read" if scope == "cases:read" else "cases:read"
    assert api_client_with(wrong).get(url).status_code == 403
    assert api_client_with("collections:write").get(url).status_code == 403
    assert api_client_with(scope).get(url).status_code == 200


def test_posting_a_collection_still_needs_the_write_scope(api_client_with):
    case = CaseFactory()
    body = {
        "case_number": case.case_number,
        "amount": "10.00",
        "received_on": "2026-01-05",
        "source": "direct_payment",
        "source_reference": "R-1",
    }
    assert api_client_with("collections:read").post(COLLECTIONS, body, format="json").status_code == 403


def test_another_countys_key_sees_nothing_of_this_county(api_client_with):
    albany = CaseFactory(county="Albany")
    collection(albany)
    kings = api_client_with("cases:read", "collections:read", counties=["Kings"])
    for url in (PEOPLE, COLLECTIONS):
        for params in ({}, {"pagination": "cursor"}, {"case_number": albany.case_number}):
            body = kings.get(url, params).json()
            assert body["results"] == [] and body["next"] is None, (url, params)
    assert AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ).count() == 0


def test_a_person_on_cases_of_two_counties_shows_only_the_keys_cases(api_client_with):
    albany, kings = CaseFactory(county="Albany", participants=False), CaseFactory(county="Kings", participants=False)
    shared = PersonFactory()
    CaseParticipant.objects.create(case=albany, person=shared, role=ParticipantRole.NCP)
    CaseParticipant.objects.create(case=kings, person=shared, role=ParticipantRole.NCP)
    api = api_client_with("cases:read")  # Albany

    [row] = api.get(PEOPLE).json()["results"]
    assert row["id"] == shared.pk and row["cases"] == [{"case_number": albany.case_number, "role": "ncp"}]
    # the Kings case's number finds nobody with an Albany key, even a person it shares
    assert api.get(PEOPLE, {"case_number": kings.case_number}).json()["results"] == []
    assert [r["id"] for r in api.get(PEOPLE, {"case_number": albany.case_number.lower()}).json()["results"]] == [
        shared.pk
    ]


def test_collections_are_scoped_and_unidentified_ones_need_a_state_wide_key(api_client_with):
    albany, kings = CaseFactory(county="Albany"), CaseFactory(county="Kings")
    mine, theirs, unknown = collection(albany), collection(kings), collection(None, status=CollectionStatus.HELD)
    refs = {r["source_reference"] for r in api_client_with("collections:read").get(COLLECTIONS).json()["results"]}
    assert refs == {mine.source_reference}
    state = api_client_with("collections:read", all_counties=True).get(COLLECTIONS).json()["results"]
    assert {r["source_reference"] for r in state} == {
        mine.source_reference,
        theirs.source_reference,
        unknown.source_reference,
    }
    assert next(r for r in state if r["source_reference"] == unknown.source_reference)["case_number"] is None


# --- what is shown ------------------------------------------------------------------------------------------------


def test_people_rows_never_carry_an_ssn_or_address_and_fvi_whereabouts_are_withheld(api_client_with):
    case = CaseFactory(participants=False)
    fvi = PersonFactory(family_violence=True, phone="518-555-0101", email="hidden@example.org")
    plain = PersonFactory(phone="518-555-0199", email="")
    CaseParticipant.objects.create(case=case, person=fvi, role=ParticipantRole.CP)
    CaseParticipant.objects.create(case=case, person=plain, role=ParticipantRole.NCP)
    api = api_client_with("cases:read")

    for params in ({}, {"pagination": "cursor"}):
        response = api.get(PEOPLE, params)
        text = response.content.decode()
        rows = {r["id"]: r for r in response.json()["results"]}
        assert "518-555-0101" not in text and "hidden@example.org" not in text
        assert fvi.ssn not in text and plain.ssn not in text and "ssn" not in text
        assert rows[fvi.pk]["phone"] == WITHHELD and rows[fvi.pk]["email"] == WITHHELD
        assert rows[fvi.pk]["family_violence"] is True
        assert rows[plain.pk]["phone"] == "518-555-0199" and rows[plain.pk]["email"] == ""
        assert set(rows[plain.pk]) == {
            "id",
            "first_name",
            "middle_name",
            "last_name",
            "date_of_birth",
            "sex",
            "deceased_on",
            "family_violence",
            "preferred_language",
            "needs_interpreter",
            "paternity_status",
            "phone",
            "email",
            "updated_at",
            "cases",
        }


def test_each_person_shown_is_a_sensitive_read_naming_what_was_revealed(api_client_with):
    case = CaseFactory(participants=False)
    fvi = PersonFactory(family_violence=True, phone="518-555-0101")
    plain = PersonFactory(phone="518-555-0199")
    CaseParticipant.objects.create(case=case, person=fvi, role=ParticipantRole.CP)
    CaseParticipant.objects.create(case=case, person=plain, role=ParticipantRole.NCP)

    api_client_with("cases:read", agency="County DSS").get(PEOPLE)

    reads = {r.object_id: r for r in AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ)}
    assert set(reads) == {str(fvi.pk), str(plain.pk)}
    assert reads[str(plain.pk)].fields == ["date_of_birth", "phone"]
    assert reads[str(fvi.pk)].fields == ["date_of_birth"]  # the withheld phone was not read
    assert reads[str(fvi.pk)].object_type == "cases.Person" and reads[str(fvi.pk)].username == "api:County DSS"
    assert reads[str(fvi.pk)].detail["person_id"] == fvi.pk and reads[str(fvi.pk)].path == PEOPLE


def test_merged_duplicates_are_not_listed(api_client_with):
    case = CaseFactory()
    ncp = case.participants.get(role=ParticipantRole.NCP).person
    duplicate = PersonFactory()
    CaseParticipant.objects.create(case=case, person=duplicate, role=ParticipantRole.CHILD)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=ncp)
    ids = [r["id"] for r in api_client_with("cases:read").get(PEOPLE).json()["results"]]
    assert duplicate.pk not in ids and ncp.pk in ids and len(ids) == 3


def test_people_filters(api_client_with):
    first, second = CaseFactory(), CaseFactory()
    api = api_client_with("cases:read")

    def ids(**params):
        return sorted(r["id"] for r in api.get(PEOPLE, params).json()["results"])

    assert ids(case_number=first.case_number) == sorted(first.participants.values_list("person_id", flat=True))
    assert len(ids(updated_since="2000-01-01T00:00:00Z")) == 6
    assert ids(updated_since="2999-01-01T00:00:00+05:00") == []
    assert ids(case_number="NY-404404") == []
    assert second.pk  # both cases listed above


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (PEOPLE, {"updated_since": "soon"}),
        (PEOPLE, {"case_number": ""}),
        (PEOPLE, {"case_number": "NY\x00"}),
        (PEOPLE, {"updated_since": "0001-01-01T00:00:00+01:00"}),
        (PEOPLE, {"ordering": "-id", "pagination": "cursor"}),
        (COLLECTIONS, {"status": "lost"}),
        (COLLECTIONS, {"source": "federal_tax_offset"}),
        (COLLECTIONS, {"received_since": "yesterday"}),
        (COLLECTIONS, {"collected_since": "2026-02-30"}),
        (COLLECTIONS, {"pagination": "keyset"}),
        (COLLECTIONS, {"page_size": "0"}),
        (COLLECTIONS, {"cursor": "abc"}),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(api_client_with, url, params):
    response = api_client_with("cases:read", "collections:read").get(url, params)
    assert response.status_code == 400, response.content
    assert response.json()


def test_collection_rows_hide_federal_tax_information(api_client_with):
    case = CaseFactory()
    offset = collection(
        case,
        source=CollectionSource.FEDERAL_TAX_OFFSET,
        status=CollectionStatus.HELD,
        hold_reason="Joint-return tax offset: held until 2026-09-01",
    )
    state = collection(case, source=CollectionSource.STATE_TAX_OFFSET)
    rows = {r["source_reference"]: r for r in api_client_with("collections:read").get(COLLECTIONS).json()["results"]}
    assert rows[offset.source_reference]["source"] is None and rows[offset.source_reference]["hold_reason"] is None
    assert rows[offset.source_reference]["amount"] == "100.00"
    assert rows[state.source_reference]["source"] == "state_tax_offset"
    assert "employer" not in rows[state.source_reference]


def test_collection_filters(api_client_with):
    case, other = CaseFactory(), CaseFactory()
    march = collection(case, received_on=date(2026, 3, 2))
    april = collection(case, received_on=date(2026, 4, 1), source=CollectionSource.DIRECT_PAYMENT)
    held = collection(other, received_on=date(2026, 4, 15), status=CollectionStatus.HELD, hold_reason="No order")
    api = api_client_with("collections:read")

    def refs(**params):
        return [r["source_reference"] for r in api.get(COLLECTIONS, params).json()["results"]]

    assert refs() == [held.source_reference, april.source_reference, march.source_reference]  # newest first
    assert refs(case_number=case.case_number.lower()) == [april.source_reference, march.source_reference]
    assert refs(received_since="2026-04-01") == [held.source_reference, april.source_reference]
    assert refs(collected_since="2026-04-10") == [held.source_reference]
    assert refs(status="held") == [held.source_reference]
    assert refs(source="direct_payment") == [april.source_reference]


# --- cursor pages -------------------------------------------------------------------------------------------------


def test_people_cursor_pages_are_stable_when_people_are_added_between_pages(api_client_with):
    for _ in range(7):
        CaseFactory()  # 21 people
    api = api_client_with("cases:read")
    before = sorted(Person.objects.values_list("id", flat=True))
    first = api.get(PEOPLE, {"pagination": "cursor", "page_size": 8}).json()
    for _ in range(3):
        CaseFactory()  # 9 new people, all after the cursor (higher ids)
    seen = [r["id"] for r in first["results"]] + [r["id"] for r in walk(api, first["next"], {})]
    assert seen == sorted(Person.objects.values_list("id", flat=True))
    assert seen[: len(before)] == before and len(seen) == len(set(seen)) == 30


def test_a_people_cursor_page_carries_its_bound_into_the_scope_subquery(api_client_with, django_assert_max_num_queries):
    """PostgreSQL does not carry ``id > n`` into the EXISTS joined on the id: without the bound
    repeated there, a merge semi-join reads the participants from the first, whatever the cursor."""
    for _ in range(4):
        CaseFactory()
    api = api_client_with("cases:read")
    following = api.get(PEOPLE, {"pagination": "cursor", "page_size": 5}).json()["next"]
    with django_assert_max_num_queries(10) as captured:
        response = api.get(following)
    assert response.status_code == 200
    person_query = next(q["sql"] for q in captured.captured_queries if 'FROM "cases_person"' in q["sql"])
    position = response.json()["results"][0]["id"] - 1
    assert f'U0."person_id" > {position}' in person_query and f'"cases_person"."id" > {position}' in person_query


@pytest.mark.parametrize(("url", "scope"), [(PEOPLE, "cases:read"), (COLLECTIONS, "collections:read")])
@pytest.mark.parametrize("position", ["abc", "", "1e5", "12\x00"])
def test_a_forged_cursor_position_is_an_invalid_cursor(api_client_with, url, scope, position):
    CaseFactory()
    api = api_client_with(scope)
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    response = api.get(url, {"pagination": "cursor", "cursor": cursor})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_collection_cursor_pages_are_stable_when_collections_arrive_between_pages(api_client_with):
    case = CaseFactory()
    existing = [collection(case) for _ in range(25)]
    api = api_client_with("collections:read")
    first = api.get(COLLECTIONS, {"pagination": "cursor", "page_size": 10}).json()
    assert "count" not in first
    arrived = [collection(case) for _ in range(5)]  # newer than every row: before the cursor
    seen = [r["source_reference"] for r in first["results"]] + [
        r["source_reference"] for r in walk(api, first["next"], {})
    ]
    assert seen == [c.source_reference for c in reversed(existing)]  # no repeat, no skip
    newest = api.get(COLLECTIONS, {"pagination": "cursor", "page_size": 10}).json()["results"]
    assert [r["source_reference"] for r in newest][:5] == [c.source_reference for c in reversed(arrived)]


# --- query budgets ------------------------------------------------------------------------------------------------


@pytest.fixture
def twenty_cases(db):
    cases = [CaseFactory() for _ in range(20)]  # 60 people
    for case in cases:
        collection(case)
        collection(case, source=CollectionSource.FEDERAL_TAX_OFFSET)
        collection(case, status=CollectionStatus.HELD, hold_reason="No order")
    return cases


@pytest.mark.parametrize("page_size", [10, 25])
@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("mode", ["page", "cursor"])
# Key, its last use (once a minute), COUNT (page mode), the rows, (people: their cases, the
# sensitive reads in one statement), the request log.
@pytest.mark.parametrize(("url", "scope", "budget"), [(PEOPLE, "cases:read", 7), (COLLECTIONS, "collections:read", 5)])
def test_list_query_budget_at_two_sizes_and_depths(
    api_client_with, django_assert_max_num_queries, twenty_cases, url, scope, budget, page_size, depth, mode
):
    """The same few queries whatever the page size, the depth and the pagination: no query per
    row, no COUNT on cursor pages, never the encrypted SSN column."""
    api = api_client_with(scope)
    params = {"page_size": page_size, **({"pagination": "cursor"} if mode == "cursor" else {})}
    if depth > 1:
        url = api.get(url, params).json()["next"]
        params = {}
    with django_assert_max_num_queries(budget if mode == "page" else budget - 1) as captured:
        response = api.get(url, params)
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == page_size
    if mode == "cursor":
        assert "count" not in body and "cursor=" in body["next"]
        assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    else:
        assert body["count"] == 60
    assert not any('"ssn"' in q["sql"] or ".ssn " in q["sql"] for q in captured.captured_queries)
