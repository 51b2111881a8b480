import base64
import logging
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cases.choices import CaseStatus, EntryType, ParticipantRole
from cases.models import Case, CaseParticipant, LedgerEntry, Person
from cases.services import work_item_create
from core.fields import blind_index
from tests.cases.factories import CaseFactory, PersonFactory, case_with_order

pytestmark = pytest.mark.django_db


def test_case_factory_has_cp_ncp_and_a_child():
    case = CaseFactory()
    assert case.cp is not None and case.ncp is not None
    assert len(case.children) == 1
    assert case.is_open


def test_ssn_is_encrypted_at_rest_and_searchable_by_last4_and_blind_index():
    person = PersonFactory(ssn="123456789")
    stored = Person.objects.filter(pk=person.pk).extra(select={"raw": "ssn"}).values_list("raw", flat=True)[0]
    assert "123456789" not in stored
    assert Person.objects.get(pk=person.pk).ssn == "123456789"
    assert person.ssn_last4 == "6789"
    assert Person.objects.filter(ssn_index=blind_index("123456789")).get() == person
    assert person.ssn_masked == "***-**-6789"


def test_an_ssn_written_under_another_key_reads_blank_and_is_logged(settings, caplog):
    person = PersonFactory(ssn="123456789")  # under the SECRET_KEY-derived key
    settings.CASEWORKS_FIELD_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(b"k" * 32).decode()]
    settings.SECRET_KEY = "another secret key, so the derived key that wrote the SSN is gone 0123"

    with caplog.at_level(logging.ERROR, logger="core.fields"):
        assert Person.objects.get(pk=person.pk).ssn == ""

    assert "An encrypted ssn could not be decrypted" in caplog.text


def test_closed_case_needs_a_reason_and_date():
    case = CaseFactory(participants=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)


def test_participant_role_is_unique_per_case_and_person():
    case = CaseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseParticipant.objects.create(case=case, person=case.cp, role=ParticipantRole.CP)


def test_one_charge_per_obligation_and_due_date():
    case = case_with_order()
    obligation = case.orders.get().obligations.get()
    fields = {
        "case": case,
        "entry_type": EntryType.CHARGE,
        "obligation": obligation,
        "amount": Decimal("500.00"),
        "due_on": date(2024, 3, 1),
        "posted_on": date(2024, 3, 1),
    }
    LedgerEntry.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(**fields)


def test_work_item_create_is_idempotent_by_dedupe_key():
    case = CaseFactory()
    first = work_item_create(case=case, title="Locate", kind="locate", due_on=date(2026, 12, 1), dedupe_key="k1")
    again = work_item_create(case=case, title="Locate", kind="locate", due_on=date(2026, 12, 1), dedupe_key="k1")
    assert first.pk == again.pk
    assert case.work_items.count() == 1


def test_case_scope_limits_county_users_without_view_all(make_user):
    from django.contrib.auth.models import Group

    CaseFactory(county="Albany", participants=False)
    CaseFactory(county="Kings", participants=False)
    worker = make_user("caseworker", username="albany_worker", county="Albany")
    assert list(Case.objects.restrict(worker).values_list("county", flat=True)) == ["Albany"]
    worker.groups.add(Group.objects.get(name="quality_analyst"))
    worker = type(worker).objects.get(pk=worker.pk)
    assert Case.objects.restrict(worker).count() == 2
