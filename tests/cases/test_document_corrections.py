"""Correcting a case document: mark whose whereabouts it shows (anyone who works the case: it only
restricts), change or clear that mark (a coordinator, with a reason: it releases the document, logged),
and withdraw a document attached to the wrong case (a coordinator, with a reason: no longer listed or
sent, the row and the file kept)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.choices import ParticipantRole
from cases.models import CaseDocument
from cases.services.documents import (
    document_restore,
    document_whereabouts_mark,
    document_whereabouts_shown,
    document_withdraw,
)
from core.models import AccessLog, DomainEvent
from core.stale import SHOWN, Shown, shown_token
from tests.cases.factories import CaseFactory
from tests.cases.test_documents import attach, pdf_bytes
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(role_user):
    return CaseFactory(county="Albany", caseworker=role_user("caseworker"))


@pytest.fixture
def document(case, role_user):
    return attach(case, role_user("caseworker"), title="Pay stub")


def cp(case):
    return case.participants.get(role=ParticipantRole.CP).person


def ncp(case):
    return case.participants.get(role=ParticipantRole.NCP).person


def fvi(person):
    person.family_violence = True
    person.save()
    return person


def mark_url(document):
    return reverse("cases:document_whereabouts", args=[document.pk])


def withdraw_url(document):
    return reverse("cases:document_withdraw", args=[document.pk])


def download_url(document):
    return reverse("cases:document_download", args=[document.pk])


def case_page(client, case) -> str:
    return client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode()


def shown_for(document) -> str:
    return shown_token(document_whereabouts_shown(document))


def post_mark(client, document, person, reason="", shown=None):
    data = {"shows_whereabouts_of": person.pk if person is not None else "", SHOWN: shown or shown_for(document)}
    if reason:
        data["reason"] = reason
    return client.post(mark_url(document), data)


# -- marking: anyone who works the case ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("caseworker", 302),  # the case is on their caseload
        ("enforcement_specialist", 302),
        ("coordinator", 302),
        ("administrator", 302),
        ("ombudsperson", 403),
        ("hearing_officer", 403),
        ("quality_analyst", 403),
        ("trainer", 403),
    ],
)
def test_who_may_mark_whose_whereabouts_a_document_shows(client, case, document, role_user, role, code):
    client.force_login(role_user(role))
    response = post_mark(client, document, cp(case))
    assert response.status_code == code
    document.refresh_from_db()
    assert document.shows_whereabouts_of == (cp(case) if code == 302 else None)
    assert DomainEvent.objects.filter(verb="document.whereabouts_marked").count() == (1 if code == 302 else 0)


def test_caseworker_of_another_caseload_gets_a_logged_403(client, case, document, make_user):
    colleague = make_user("caseworker", username="colleague", county="Albany")
    client.force_login(colleague)
    assert client.get(mark_url(document)).status_code == 403
    assert post_mark(client, document, cp(case)).status_code == 403
    document.refresh_from_db()
    assert document.shows_whereabouts_of is None
    assert AccessLog.objects.filter(kind=AccessLog.Kind.ACCESS_DENIED, user=colleague).count() == 2


@pytest.mark.parametrize("county", ["Schenectady", ""])
def test_other_county_or_no_county_gets_a_logged_404(client, case, document, make_user, county):
    elsewhere = make_user("caseworker", username=f"elsewhere{county}", county=county)
    client.force_login(elsewhere)
    assert client.get(mark_url(document)).status_code == 404
    assert client.get(withdraw_url(document)).status_code == 403  # a caseworker may not withdraw at all
    assert post_mark(client, document, cp(case)).status_code == 404
    document.refresh_from_db()
    assert document.shows_whereabouts_of is None
    denied = AccessLog.objects.filter(kind=AccessLog.Kind.ACCESS_DENIED, user=elsewhere, detail__reason="out_of_scope")
    assert denied.exists()


def test_marking_an_fvi_persons_document_withholds_it_at_once(client, case, document, role_user):
    fvi(cp(case))
    client.force_login(role_user("caseworker"))
    assert client.get(download_url(document)).status_code == 200  # not marked yet: sent
    response = post_mark(client, document, cp(case))
    assert response.status_code == 302
    assert client.get(download_url(document)).status_code == 403
    page = case_page(client, case)
    assert download_url(document) not in page and "Withheld (family violence indicator" in page
    # and for everyone, the administrator included
    client.force_login(role_user("administrator"))
    assert client.get(download_url(document)).status_code == 403


def test_the_person_must_be_on_the_case(client, case, document, role_user):
    stranger = ncp(CaseFactory(county="Albany"))
    client.force_login(role_user("caseworker"))
    response = post_mark(client, document, stranger)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError):
        document_whereabouts_mark(document=document, person=stranger, by=role_user("caseworker"))
    document.refresh_from_db()
    assert document.shows_whereabouts_of is None and not DomainEvent.objects.filter(verb__startswith="document.")


def test_an_unmarked_document_needs_a_person_chosen(client, document, role_user):
    client.force_login(role_user("caseworker"))
    response = post_mark(client, document, None)
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not DomainEvent.objects.filter(verb__startswith="document.")


def test_marking_twice_is_recorded_once(client, case, document, role_user):
    client.force_login(role_user("caseworker"))
    shown = shown_for(document)  # both submissions from the same page
    assert post_mark(client, document, cp(case), shown=shown).status_code == 302
    assert post_mark(client, document, cp(case), shown=shown).status_code == 302
    assert DomainEvent.objects.filter(verb="document.whereabouts_marked").count() == 1


# -- releasing: a coordinator, with a reason, logged ------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "enforcement_specialist"])
def test_only_a_coordinator_may_change_or_clear_a_mark(client, case, role_user, role):
    document = attach(case, role_user("caseworker"), shows_whereabouts_of=fvi(cp(case)))
    client.force_login(role_user(role))
    assert client.get(mark_url(document)).status_code == 403
    assert post_mark(client, document, None, reason="wrong person").status_code == 403
    assert post_mark(client, document, ncp(case), reason="wrong person").status_code == 403
    with pytest.raises(PermissionDenied):
        document_whereabouts_mark(document=document, person=None, reason="wrong", by=role_user(role))
    document.refresh_from_db()
    assert document.shows_whereabouts_of == cp(case)
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.OVERRIDE).exists()
    assert not DomainEvent.objects.filter(verb="document.whereabouts_released").exists()


def test_coordinator_releases_with_a_reason_and_it_is_logged(client, case, role_user):
    document = attach(case, role_user("caseworker"), shows_whereabouts_of=fvi(cp(case)))
    client.force_login(role_user("coordinator"))
    page = client.get(mark_url(document))
    assert page.status_code == 200 and "releases" in page.content.decode()
    response = post_mark(client, document, ncp(case), reason="The pay stub is the father's")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.shows_whereabouts_of == ncp(case)
    log = AccessLog.objects.get(kind=AccessLog.Kind.OVERRIDE)
    assert log.user == role_user("coordinator") and log.object_id == str(document.pk)
    assert log.detail["person_id"] == cp(case).pk and log.detail["family_violence"] is True
    assert log.detail["reason"] == "The pay stub is the father's"
    event = DomainEvent.objects.get(verb="document.whereabouts_released")
    assert event.case_id == case.pk and event.data["to_person_id"] == ncp(case).pk
    assert client.get(download_url(document)).status_code == 200  # the father has no FVI


def test_clearing_a_mark_releases_the_document(client, case, role_user):
    document = attach(case, role_user("caseworker"), shows_whereabouts_of=fvi(cp(case)))
    client.force_login(role_user("coordinator"))
    assert post_mark(client, document, None, reason="It is a court order, no address on it").status_code == 302
    document.refresh_from_db()
    assert document.shows_whereabouts_of is None
    assert AccessLog.objects.filter(kind=AccessLog.Kind.OVERRIDE, detail__to_person_id=None).count() == 1


def test_release_without_a_reason_changes_nothing(client, case, role_user):
    document = attach(case, role_user("caseworker"), shows_whereabouts_of=fvi(cp(case)))
    client.force_login(role_user("coordinator"))
    response = post_mark(client, document, None)
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        document_whereabouts_mark(document=document, person=None, reason="  ", by=role_user("coordinator"))
    assert "reason" in refused.value.message_dict
    document.refresh_from_db()
    assert document.shows_whereabouts_of == cp(case)
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.OVERRIDE).exists()


def test_a_mark_made_since_the_page_was_opened_is_not_undone(client, case, document, role_user):
    # given a coordinator opened the page while the document was unmarked
    client.force_login(role_user("coordinator"))
    stale = shown_for(document)
    # and a caseworker then marked it for the mother
    document_whereabouts_mark(document=document, person=fvi(cp(case)), by=role_user("caseworker"))
    # when the coordinator's page marks it for the father (which would release the mother)
    response = post_mark(client, document, ncp(case), reason="father's stub", shown=stale)
    # then nothing is changed and the page says why
    assert response.status_code == 200 and "reload the page" in response.content.decode()
    document.refresh_from_db()
    assert document.shows_whereabouts_of == cp(case)
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.OVERRIDE).exists()


def test_a_form_without_what_the_page_showed_is_refused(client, case, document, role_user):
    client.force_login(role_user("caseworker"))
    response = client.post(mark_url(document), {"shows_whereabouts_of": cp(case).pk})
    assert response.status_code == 200 and "out of date" in response.content.decode()
    document.refresh_from_db()
    assert document.shows_whereabouts_of is None


# -- withdrawal: a coordinator, with a reason; kept, not listed, not sent -------------------------------


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("caseworker", 403),
        ("enforcement_specialist", 403),
        ("coordinator", 302),
        ("administrator", 302),
        ("ombudsperson", 403),
        ("hearing_officer", 403),
        ("quality_analyst", 403),
    ],
)
def test_who_may_withdraw(client, document, role_user, role, code):
    client.force_login(role_user(role))
    assert client.get(withdraw_url(document)).status_code == (200 if code == 302 else 403)
    assert client.post(withdraw_url(document), {"reason": "Wrong case"}).status_code == code
    document.refresh_from_db()
    assert document.is_withdrawn is (code == 302)


def test_withdrawn_document_is_gone_from_the_case_and_not_sent_but_kept(client, case, document, role_user):
    other = attach(case, role_user("caseworker"), title="Order of support")
    client.force_login(role_user("coordinator"))
    response = client.post(withdraw_url(document), {"reason": "Belongs to another case"})
    assert response.status_code == 302 and response["Location"].endswith("#documents-heading")
    # kept: the row and the file
    document.refresh_from_db()
    assert document.withdrawn_by == role_user("coordinator") and document.withdrawn_reason == "Belongs to another case"
    with document.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()
    assert CaseDocument.objects.filter(pk=document.pk).exists()
    event = DomainEvent.objects.get(verb="document.withdrawn")
    assert event.case_id == case.pk and "Pay stub" not in event.summary
    # gone from the case page for everyone, its title out of the case history too
    for role in ("caseworker", "coordinator", "ombudsperson"):
        client.force_login(role_user(role))
        page = case_page(client, case)
        assert download_url(document) not in page and "Pay stub" not in page
        assert download_url(other) in page and "One document was withdrawn" in page
        # the download is refused with the reason, and logged
        refused = client.get(download_url(document))
        assert refused.status_code == 410
        text = refused.content.decode()
        assert "withdrawn" in text and "Belongs to another case" in text and "Pay stub" not in text
    denials = AccessLog.objects.filter(kind=AccessLog.Kind.ACCESS_DENIED, detail__reason="document_withdrawn")
    assert denials.count() == 3
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ, object_id=str(document.pk)).exists()


def test_withdrawn_document_cannot_be_marked(client, case, document, role_user):
    document_withdraw(document=document, reason="Wrong case", by=role_user("coordinator"))
    client.force_login(role_user("caseworker"))
    assert client.get(mark_url(document)).status_code == 404
    with pytest.raises(ValidationError):
        document_whereabouts_mark(document=document, person=cp(case), by=role_user("caseworker"))


def test_withdrawal_needs_a_reason(client, document, role_user):
    client.force_login(role_user("coordinator"))
    response = client.post(withdraw_url(document), {"reason": "   "})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    with pytest.raises(ValidationError):
        document_withdraw(document=document, reason="", by=role_user("coordinator"))
    document.refresh_from_db()
    assert not document.is_withdrawn and not DomainEvent.objects.filter(verb="document.withdrawn")


def test_withdrawing_twice_is_recorded_once(client, document, role_user):
    client.force_login(role_user("coordinator"))
    assert client.post(withdraw_url(document), {"reason": "Wrong case"}).status_code == 302
    assert client.post(withdraw_url(document), {"reason": "Wrong case again"}).status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_reason == "Wrong case"
    assert DomainEvent.objects.filter(verb="document.withdrawn").count() == 1


def test_service_refuses_a_withdrawal_by_a_caseworker(document, role_user):
    with pytest.raises(PermissionDenied):
        document_withdraw(document=document, reason="Wrong case", by=role_user("caseworker"))
    document.refresh_from_db()
    assert not document.is_withdrawn


def test_an_administrator_restores_a_withdrawn_document(client, case, document, role_user):
    document_withdraw(document=document, reason="Wrong case", by=role_user("coordinator"))
    with pytest.raises(PermissionDenied):
        document_restore(document=document, reason="mistake", by=role_user("coordinator"))
    client.force_login(role_user("administrator"))
    response = client.post(
        reverse("admin:cases_casedocument_changelist"),
        {"action": "restore", "_selected_action": [document.pk]},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert not document.is_withdrawn and document.withdrawn_reason == ""
    assert DomainEvent.objects.filter(verb="document.restored").count() == 1
    assert client.get(download_url(document)).status_code == 200


# -- the case page's documents panel --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "mark", "withdraw"),
    [
        ("caseworker", True, False),
        ("enforcement_specialist", True, False),
        ("coordinator", True, True),
        ("ombudsperson", False, False),
    ],
)
def test_the_panel_offers_each_user_what_they_may_do(client, case, document, role_user, role, mark, withdraw):
    marked = attach(case, role_user("caseworker"), title="Lease", shows_whereabouts_of=cp(case))
    client.force_login(role_user(role))
    page = case_page(client, case)
    assert (mark_url(document) in page) is mark
    assert (mark_url(marked) in page) is (role == "coordinator")  # changing a mark releases it
    assert (withdraw_url(document) in page) is withdraw


def test_shown_token_reads_what_the_page_showed(document):
    shown = Shown.parse(shown_for(document))
    assert shown is not None and set(shown.prints) == {"shows_whereabouts_of"}
    assert shown.showed("shows_whereabouts_of", document.shows_whereabouts_of_id)
    assert not shown.showed("shows_whereabouts_of", cp(document.case).pk)


# -- two people at once (PostgreSQL: row locks) ---------------------------------------------------------


def _lock_waiters() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_mark_made_while_a_coordinator_changes_it_is_not_released_silently(role_user):
    """A caseworker marks the mother while a coordinator, on a page that showed the document unmarked,
    marks the father: the coordinator's write waits for the caseworker's, then is refused as out of
    date, instead of replacing the mother's mark unlogged."""
    import threading

    from django.db import connection, transaction

    case = CaseFactory(county="Albany", caseworker=role_user("caseworker"))
    document = attach(case, role_user("caseworker"))
    mother, father = fvi(cp(case)), ncp(case)
    shown = Shown.parse(shown_for(document))
    first_in, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def caseworker():
        try:
            with transaction.atomic():
                document_whereabouts_mark(document=document, person=mother, by=role_user("caseworker"))
                first_in.set()
                release.wait(30)
            outcome["caseworker"] = "marked"
        finally:
            connection.close()

    def coordinator():
        try:
            document_whereabouts_mark(
                document=document, person=father, reason="father's", by=role_user("coordinator"), shown=shown
            )
            outcome["coordinator"] = "marked"
        except ValidationError as exc:
            outcome["coordinator"] = " ".join(exc.messages)
        finally:
            connection.close()

    one = threading.Thread(target=caseworker)
    one.start()
    assert first_in.wait(30)
    two = threading.Thread(target=coordinator)
    two.start()
    for _ in range(3000):  # until the coordinator's read waits on the caseworker's lock
        if _lock_waiters():
            break
        threading.Event().wait(0.01)
    release.set()
    one.join(30)
    two.join(30)
    document.refresh_from_db()
    assert document.shows_whereabouts_of == mother
    assert "reload the page" in str(outcome["coordinator"])
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.OVERRIDE).exists()
