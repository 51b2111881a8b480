"""A merge committed while a case opening is between matching and its insert
(PostgreSQL: two connections)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases import services
from cases.models import Case, Person
from cases.services import cases as case_services
from tests.cases.factories import CaseFactory, PersonFactory
from tests.conftest import needs_postgres

BORN = date(1985, 1, 30)


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_case_opened_while_its_ncp_is_merged_away_is_not_left_on_the_merged_record(role_user):
    """A clerk opens a case for an NCP whose SSN is on file (record B, found by the SSN typed). While
    the opening is between matching and its insert, a coordinator merges B into A (A has no SSN and
    takes B's). The merge does not take the SSN's advisory lock that case opening holds
    (cases.services.cases._parties_lock) and case opening never re-reads the record it matched, so
    the new case's NCP is B, a merged-away record: it is not in searches, matches or the duplicates
    report, and the SSN it was opened under now belongs to A, so the new-hire, FIDM and tax offset
    files (which match live records by SSN only) never reach this case. Who is hurt: the family of
    the new case (no income withholding, no levy); the caseworker, who sees a party page that
    redirects elsewhere. The rule: one person, one record (docs/cases.md "Two clerks at once",
    "Merging"). Cause: cases/services/people.py person_merge (no ssn_lock_name advisory lock; rows
    inserted after it are not moved) and cases/services/cases.py party_person/_person_entered_again
    (the matched record is used without checking it is still live)."""
    worker = role_user("caseworker")
    coordinator = role_user("coordinator")
    b = PersonFactory(first_name="Hugo", last_name="Reyes", date_of_birth=BORN, ssn="123456781")
    CaseFactory(county="Albany", participants=False).participants.create(person=b, role="ncp")
    a = PersonFactory(first_name="Hugo", last_name="Reyes", date_of_birth=BORN, ssn="")
    CaseFactory(county="Albany", participants=False).participants.create(person=a, role="ncp")

    original = case_services._parties_resolve
    merged = {}

    def coordinator_merges():
        try:
            services.person_merge(survivor=a, duplicate=b, by=coordinator, reason="Same NCP")
            merged["ok"] = True
        except Exception as exc:  # noqa: BLE001
            merged["ok"] = exc
        finally:
            connection.close()

    def resolve(parties, *, by):
        result = original(parties, by=by)
        t = threading.Thread(target=coordinator_merges)
        t.start()
        t.join(10)
        return result

    case_services._parties_resolve = resolve
    cases_before = Case.objects.count()
    try:
        case = services.case_create(
            county="Albany",
            jurisdiction="NY",
            assistance_status="never",
            application_received_on=date(2026, 11, 2),
            opened_on=date(2026, 11, 3),
            cp=services.PartyData("Maria", "Nunez", date(1988, 4, 12), "123456780"),
            ncp=services.PartyData("Hugo", "Reyes", BORN, "123456781"),
            children=[services.PartyData("Lola", "Reyes", date(2019, 6, 1), "123456782")],
            by=worker,
            caseworker=worker,
        )
    except ValidationError as refused:
        # refusing the opening (the clerk submits again) is acceptable: for this reason, with nothing saved
        assert case_services.MATCHED_MERGED in str(refused)
        assert merged.get("ok") is True, merged
        assert Case.objects.count() == cases_before
        return
    finally:
        case_services._parties_resolve = original
    assert merged.get("ok") is True, merged
    ncp = Case.objects.get(pk=case.pk).participants.get(role="ncp").person
    assert ncp.merged_into_id is None, (
        f"the new case's NCP is person {ncp.pk}, merged into {ncp.merged_into_id}: no SSN match reaches the case"
    )
    assert Person.objects.get(pk=a.pk).ssn_last4 == "6781"
