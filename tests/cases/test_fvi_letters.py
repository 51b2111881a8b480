"""A sent letter keeps the mailing block it printed (``SentLetter.address_text``, a copy taken when it
was sent). The family violence indicator can be set at any time: once the letter's person has it,
no page shows that copy — the case page, the returned-mail form, admin's list, change and history
pages — while a person without it still sees the address printed (42 USC 654(26)). A court's
override releases the addresses on its own logged response only, never the letter log."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import redaction
from cases.letters import recipient_block
from cases.models import Address, FviOverride, SentLetter
from cases.redaction import WITHHELD, withheld_fields
from cases.services import letter_record
from core.letters import Letter
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

ADDRESS = "7 Zqxfvi Old Road"


def _letter_to(person, case) -> SentLetter:
    """A letter mailed to ``person`` as the application sends one: the block from
    ``cases.letters.recipient_block`` (their current address), logged by ``letter_record``."""
    block, address = recipient_block(person)
    letter = Letter(kind="sample", subject="Sample letter", recipient=block, date=timezone.localdate())
    return letter_record(letter=letter, case=case, person=person, address=address)


@pytest.fixture
def sent():
    """A letter to the CP, printed with their address while they had no indicator."""
    case = CaseFactory(county="Albany")
    Address.objects.create(
        person=case.cp, line1=ADDRESS, city="Troy", state="NY", postal_code="12180", valid_from=date(2025, 1, 1)
    )
    letter = _letter_to(case.cp, case)
    assert ADDRESS in letter.address_text  # the copy holds the address
    return letter


def _protect(person) -> None:
    person.family_violence = True
    person.save()


def _pages(sent) -> dict[str, str]:
    number = sent.case.case_number
    return {
        "case page": reverse("cases:case_detail", args=[number]),
        "returned-mail form": reverse("cases:letter_returned", args=[number, sent.pk]),
    }


def _admin_pages(sent) -> dict[str, str]:
    version = sent.history.order_by("history_id").values_list("history_id", flat=True).first()
    return {
        "admin list": reverse("admin:cases_sentletter_changelist"),
        "admin change": reverse("admin:cases_sentletter_change", args=[sent.pk]),
        "admin history": reverse("admin:cases_sentletter_history", args=[sent.pk]),
        "admin version": reverse("admin:cases_sentletter_simple_history", args=[sent.pk, version]),
    }


def test_a_letter_to_a_person_without_the_indicator_shows_the_address_printed(sent, client_as, role_user, client):
    caseworker = client_as("caseworker")
    for name, url in _pages(sent).items():
        page = caseworker.get(url)
        assert page.status_code == 200, name
        assert ADDRESS in page.content.decode(), name
    client.force_login(role_user("administrator"))
    page = client.get(_admin_pages(sent)["admin change"])
    assert page.status_code == 200 and ADDRESS in page.content.decode()
    assert redaction.letter_address_text(sent) == sent.address_text and withheld_fields(sent) == ()


def test_a_letter_sent_before_the_indicator_was_set_no_longer_shows_the_address(sent, client_as, role_user, client):
    # given a letter printed with the CP's address; when the CP is given the indicator afterwards
    _protect(sent.person)
    sent.refresh_from_db()
    # then no page shows the copy, and the pages say it is withheld
    caseworker = client_as("caseworker")
    for name, url in _pages(sent).items():
        page = caseworker.get(url)
        assert page.status_code == 200, name
        body = page.content.decode()
        assert "Zqxfvi" not in body and "12180" not in body, name
        assert "Withheld (family violence indicator" in body, name
    client.force_login(role_user("administrator"))
    for name, url in _admin_pages(sent).items():
        page = client.get(url)
        assert page.status_code in (200, 403), name
        assert "Zqxfvi" not in page.content.decode(), name
    assert client.get(_admin_pages(sent)["admin history"]).status_code == 403  # its diffs carry the copy
    assert set(withheld_fields(sent)) == {"address", "address_text"}
    assert redaction.letter_address_text(sent) == WITHHELD


def test_a_letter_to_the_other_parent_still_shows_their_address(sent, client_as):
    # the indicator of one person withholds their copies only: the NCP's letter on the same case shows
    case = sent.case
    Address.objects.create(
        person=case.ncp,
        line1="3 Open Street",
        city="Albany",
        state="NY",
        postal_code="12203",
        valid_from=date(2025, 1, 1),
    )
    _letter_to(case.ncp, case)
    _protect(sent.person)
    body = client_as("caseworker").get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    assert "3 Open Street" in body and ADDRESS not in body


def test_a_letter_through_the_confidential_arrangement_shows_the_arrangement(client_as):
    case = CaseFactory(county="Albany")
    _protect(case.cp)
    letter = _letter_to(case.cp, case)
    assert letter.confidential and letter.address_id is None
    assert redaction.letter_address_text(letter) == letter.address_text != ""  # the office's arrangement, no address


def test_a_court_override_releases_the_addresses_once_but_not_the_letter_log(sent, client_as, role_user):
    _protect(sent.person)
    override = FviOverride.objects.create(
        person=sent.person,
        case=sent.case,
        court_name="Family Court",
        court_order_reference="O-1",
        ordered_on=timezone.localdate(),
    )
    client = client_as("administrator")
    # the override's one logged response shows the addresses (cases.services.fvi_override_use) ...
    used = client.post(reverse("cases:fvi_override_use", args=[override.pk]))
    assert used.status_code == 200 and ADDRESS in used.content.decode()
    # ... and nothing else: the letter log still withholds the copy
    for name, url in _pages(sent).items():
        assert ADDRESS not in client.get(url).content.decode(), name


def test_the_case_page_reads_the_indicator_without_a_query_per_letter(client_as):
    case = CaseFactory(county="Albany")
    for person in (case.cp, case.ncp):
        Address.objects.create(
            person=person, line1="1 Any Road", city="Troy", state="NY", postal_code="12180", valid_from=date(2025, 1, 1)
        )
    _letter_to(case.cp, case)
    _protect(case.cp)
    client = client_as("caseworker")
    url = reverse("cases:case_detail", args=[case.case_number])
    client.get(url)  # the session and the caches warm

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for i in range(11):
        _letter_to(case.ncp if i % 2 else case.cp, case)
    assert queries() == one
