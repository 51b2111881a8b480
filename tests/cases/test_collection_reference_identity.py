"""A receipt's identity is its sender and its reference without regard to letter case
(cases.models.Collection.reference_key / agency; docs/ledger.md "Posting"). The first two tests
are the red team's (rtdouble): two employers' payments with one reference, the second swallowed as
a "replay"; one payment posted three times under "ded-1", "DED-1" and "Ded-1"."""

import importlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import PartnerAgency
from cases.exceptions import CollectionConflict
from cases.models import Collection
from cases.services import collection_post
from core.models import DomainEvent
from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db

NOV_20 = date(2026, 11, 20)
at_nov_23 = time_machine.travel(datetime(2026, 11, 23, 15, tzinfo=UTC), tick=False)


def _posted(case) -> Decimal:
    return sum((c.amount for c in Collection.objects.filter(case=case).exclude(status="reversed")), Decimal("0"))


def _post(case, reference: str, *, agency=None, amount="250.00", via="api"):
    return collection_post(
        case_number=case.case_number,
        amount=Decimal(amount),
        received_on=NOV_20,
        source="income_withholding",
        source_reference=reference,
        received_via=via,
        agency=agency,
        actor_label=f"API: {agency}" if agency else "",
    )


@at_nov_23
def test_another_employers_payment_with_the_same_reference_is_not_swallowed_as_a_replay(api_client_with):
    """The NCP has two jobs; each employer withholds $250 for the same case on the same pay day and
    posts it with its own key and the same reference (built from the case number and pay date).
    Before: the second was answered 200 "an exact replay" and never posted ($250 withheld, never
    credited)."""
    case = case_with_order()
    body = {
        "case_number": case.case_number,
        "amount": "250.00",
        "received_on": "2026-11-20",
        "collected_on": "2026-11-20",
        "source": "income_withholding",
        "source_reference": f"{case.case_number}-20261120",
    }
    first_employer = api_client_with("collections:write", agency="Acme Payroll", kind="employer")
    second_employer = api_client_with("collections:write", agency="Birch Logistics", kind="employer")
    assert first_employer.post("/api/v1/collections/", body, format="json").status_code == 201
    second = second_employer.post("/api/v1/collections/", body, format="json")
    assert second.status_code == 201
    assert _posted(case) == Decimal("500.00")
    # each employer's retry is its own replay
    assert second_employer.post("/api/v1/collections/", body, format="json").status_code == 200
    assert first_employer.post("/api/v1/collections/", body, format="json").status_code == 200
    assert _posted(case) == Decimal("500.00")


@at_nov_23
def test_the_same_receipt_typed_in_other_letter_case_is_not_posted_twice(client, role_user, api_client_with):
    """The employer's API posts "ded-2026-11-000417"; its retry tool sends "DED-…" (a replay, 200);
    a clerk keys the paper remittance as "Ded-…" at the desk (refused: already recorded). Before:
    three postings, $750 credited for one $250 payment."""
    case = case_with_order()
    api = api_client_with("collections:write", agency="Acme Payroll", kind="employer")
    body = {
        "case_number": case.case_number,
        "amount": "250.00",
        "received_on": "2026-11-20",
        "source": "income_withholding",
        "source_reference": "ded-2026-11-000417",
    }
    assert api.post("/api/v1/collections/", body, format="json").status_code == 201
    retry = api.post("/api/v1/collections/", {**body, "source_reference": "DED-2026-11-000417"}, format="json")
    client.force_login(role_user("caseworker"))
    desk = client.post(
        reverse("cases:payment_create", kwargs={"case_number": case.case_number}),
        {
            "amount": "250.00",
            "received_on": "2026-11-20",
            "source": "income_withholding",
            "source_reference": "Ded-2026-11-000417",
        },
    )
    posted = Collection.objects.filter(case=case, source_reference__iexact="ded-2026-11-000417")
    assert (posted.count(), sum(c.amount for c in posted)) == (1, Decimal("250.00")), "the same payment credited again"
    assert retry.status_code == 200
    assert retry.json()["source_reference"] == "ded-2026-11-000417"  # the first receipt, as it was typed
    assert "already recorded" in desk.content.decode()


@at_nov_23
def test_the_batch_endpoint_keeps_each_agencys_references_its_own(api_client_with):
    case = case_with_order()
    item = {
        "case_number": case.case_number,
        "amount": "100.00",
        "received_on": "2026-11-20",
        "source": "income_withholding",
        "source_reference": "PAY-1120",
    }
    acme = api_client_with("collections:write", agency="Acme Payroll", kind="employer")
    birch = api_client_with("collections:write", agency="Birch Logistics", kind="employer")
    first = acme.post("/api/v1/collections/batch/", {"items": [item]}, format="json")
    # the same reference twice in one batch, in another case: one receipt
    second = birch.post(
        "/api/v1/collections/batch/", {"items": [item, {**item, "source_reference": "pay-1120"}]}, format="json"
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert [r["created"] for r in second.json()["results"]] == [True, False]
    assert _posted(case) == Decimal("200.00")
    again = acme.post(
        "/api/v1/collections/batch/", {"items": [{**item, "source_reference": "Pay-1120"}]}, format="json"
    )
    assert (again.status_code, again.json()["results"][0]["created"]) == (200, False)


@at_nov_23
def test_the_same_agencys_reference_with_other_content_in_other_case_is_a_conflict():
    case = case_with_order()
    acme = PartnerAgency.objects.create(name="Acme Payroll")
    _post(case, "ded-1", agency=acme)
    with pytest.raises(CollectionConflict):
        _post(case, "DED-1", agency=acme, amount="249.00")
    assert _posted(case) == Decimal("250.00")


@at_nov_23
def test_a_partner_reference_the_desk_keyed_first_is_the_partners_own_receipt():
    """The desk compares its reference with every sender's; a partner's reference is its own (told
    "replay", a partner would never send that money again)."""
    case = case_with_order()
    acme = PartnerAgency.objects.create(name="Acme Payroll")
    assert _post(case, "R-9", via="form").created is True
    assert _post(case, "r-9", agency=acme).created is True
    assert _post(case, "R-9", via="form").created is False  # the desk's own again: refused as recorded


def test_the_database_refuses_one_senders_reference_twice_in_any_case():
    case = case_with_order()
    acme, birch = PartnerAgency.objects.bulk_create([PartnerAgency(name="Acme"), PartnerAgency(name="Birch")])
    row = {"case": case, "amount": Decimal("1.00"), "received_on": NOV_20, "source": "direct_payment"}
    Collection.objects.create(source_reference="X-1", agency=acme, **row)
    Collection.objects.create(source_reference="x-1", agency=birch, **row)
    Collection.objects.create(source_reference="X-1", **row)  # the office's
    for agency in (acme, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            Collection.objects.create(source_reference="x-1", agency=agency, **row)


migration = importlib.import_module("cases.migrations.0034_collection_sender_reference")
UNIQUE = "collection_sender_reference_unique"


def _as_before_the_migration(*collections: Collection) -> None:
    Collection.objects.filter(pk__in=[c.pk for c in collections]).update(agency=None, reference_key=None)


@at_nov_23
def test_the_migration_gives_old_receipts_their_sender_and_key_and_unkeys_a_repeat_in_other_case():
    case = case_with_order()
    acme = PartnerAgency.objects.create(name="Acme Payroll")
    first = _post(case, "ded-1", agency=acme).collection
    _as_before_the_migration(first)
    repeat = _post(case, "DED-1", agency=acme).collection  # what the old letter-for-letter check let through
    _as_before_the_migration(repeat)
    desk = _post(case, "Ded-1", via="form").collection
    street = _post(case, "STRAẞE-7", via="form").collection  # casefold, not SQL's LOWER: "strasse-7"
    renamed = _post(case, "ded-2", agency=acme).collection
    _as_before_the_migration(desk, street, renamed)
    # posted under the agency's former name: its sender cannot be told, the receipt stays the office's
    DomainEvent.objects.filter(subject_id=renamed.pk, verb="collection.posted").update(actor_label="API: Acme Inc")
    constraint = next(c for c in Collection._meta.constraints if c.name == UNIQUE)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{UNIQUE}"')  # the old rows as they were: unique letter for letter only

    migration.forwards(apps, None)

    with connection.cursor() as cursor:  # the constraint 0034 adds holds on what it filled
        cursor.execute(str(constraint.create_sql(Collection, connection.schema_editor())))
    got = {c.pk: (c.agency_id, c.reference_key) for c in Collection.objects.all()}
    assert got == {
        first.pk: (acme.pk, "ded-1"),
        repeat.pk: (acme.pk, None),
        desk.pk: (None, "ded-1"),
        street.pk: (None, "strasse-7"),
        renamed.pk: (None, "ded-2"),
    }
    replay = _post(case, "Ded-1", agency=acme)
    assert (replay.created, replay.collection.pk) == (False, first.pk)
