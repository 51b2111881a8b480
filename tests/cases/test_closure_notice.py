"""The notice of intent to close (45 CFR 303.11(d), as revised by 81 FR 93492): a reason of (b)(1)-(10),
(15) or (16) does not close the case; it sends the recipient of services a written notice and records
the intent, and the case may be closed for that reason 60 calendar days later. The recipient's answer
keeps it open ((d)(3)). Reasons without a notice close at once, as before."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cases import services
from cases.choices import CLOSURE_NOTICE_REASONS, CaseStatus, ClosureReason, InterstateRole, WorkItemKind
from cases.closure import closure_notice_letter, notice_required
from cases.models import Case, SentLetter, WorkItem
from core.letters import letter_pdf
from core.models import DomainEvent
from tests.cases.factories import AddressFactory, CaseFactory
from tests.conftest import needs_postgres
from tests.enforcement.test_withholding import pdf_text
from tests.pages import shown_on

pytestmark = pytest.mark.django_db

NOTICED = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
DUE = date(2027, 2, 5)  # 60 calendar days after December 7, 2026
STREET = "41 Quail Street"

EXPECTED = {
    ClosureReason.NO_ORDER_LOW_ARREARS: True,  # (b)(1)
    ClosureReason.NO_ORDER_ASSIGNED_ARREARS: True,  # (b)(2)
    ClosureReason.NCP_DECEASED: True,  # (b)(4)
    ClosureReason.PATERNITY_NOT_ESTABLISHABLE: True,  # (b)(6)
    ClosureReason.LOCATION_UNKNOWN: True,  # (b)(7)
    ClosureReason.NCP_CANNOT_PAY: True,  # (b)(8)
    ClosureReason.RECIPIENT_REQUEST: False,  # (b)(12): not in (d)(1)
    ClosureReason.GOOD_CAUSE: False,  # (b)(14)
    ClosureReason.RECIPIENT_UNREACHABLE: True,  # (b)(15)
    ClosureReason.INITIATING_STATE_CLOSED: False,  # (b)(18)-(19)
    ClosureReason.OTHER: True,  # no criterion of its own: the notice, the safe side
}


@pytest.mark.parametrize("reason", list(ClosureReason))
def test_each_closure_reason_needs_the_notice_or_not_as_303_11_d_1_says(reason):
    assert notice_required(reason) is EXPECTED[reason]


def test_the_reason_labels_cite_the_2016_paragraph_numbers():
    assert "(b)(12)" in ClosureReason.RECIPIENT_REQUEST.label
    assert "(b)(14)" in ClosureReason.GOOD_CAUSE.label
    assert "(b)(15)" in ClosureReason.RECIPIENT_UNREACHABLE.label
    assert "(b)(18)-(19)" in ClosureReason.INITIATING_STATE_CLOSED.label
    assert set(EXPECTED) == set(ClosureReason) and set(ClosureReason) >= CLOSURE_NOTICE_REASONS


def _case(worker, **cp_fields) -> Case:
    case = CaseFactory(caseworker=worker)
    cp = case.cp
    for name, value in cp_fields.items():
        setattr(cp, name, value)
    cp.save()
    AddressFactory(person=cp, line1=STREET, city="Albany", postal_code="12210")
    return case


def _notice(case, worker, reason=ClosureReason.LOCATION_UNKNOWN) -> Case:
    with time_machine.travel(NOTICED, tick=False):
        outcome, case = services.case_close_request(case=case, reason=reason, by=worker)
    assert outcome == "noticed"
    return case


def test_a_notice_reason_sends_the_notice_logs_the_letter_and_keeps_the_case_open(worker):
    case = _notice(_case(worker), worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not case.closure_reason
    assert (case.closure_noticed_on, case.closure_due_on) == (date(2026, 12, 7), DUE)
    assert case.closure_notice_reason == ClosureReason.LOCATION_UNKNOWN
    sent = SentLetter.objects.get(case=case, kind="closure_notice")
    assert sent.person == case.cp and sent.language == "en" and STREET in sent.address_text
    assert DomainEvent.objects.filter(case_id=case.pk, verb="case.closure_noticed").count() == 1
    # the letter as the parent reads it
    letter, _address = closure_notice_letter(case)
    text = pdf_text(letter_pdf(letter))
    assert "Notice of intent to close your child support case" in text
    assert "We will not close it before February 5, 2027" in text
    assert "give it to us by February 5, 2027" in text
    assert "We have not been able to find the other parent" in text
    assert "fair hearing" in text and "new application" in text and STREET in text


def test_a_spanish_speaker_gets_the_notice_in_spanish(worker):
    case = _notice(_case(worker, preferred_language="es"), worker)
    assert SentLetter.objects.get(case=case).language == "es"
    text = pdf_text(letter_pdf(closure_notice_letter(case)[0]))
    assert "Aviso de intención de cerrar su caso" in text
    assert "5 de febrero de 2027" in text and "Cómo mantener abierto su caso" in text
    assert "We intend" not in text and "keep your case open" not in text


def test_an_fvi_recipient_s_notice_goes_through_the_confidential_arrangement_without_an_address(worker):
    case = _notice(_case(worker, family_violence=True), worker)
    sent = SentLetter.objects.get(case=case)
    assert sent.confidential and sent.address is None and STREET not in sent.address_text
    text = pdf_text(letter_pdf(closure_notice_letter(case)[0]))
    assert STREET not in text and "12210" not in text


def test_closing_before_the_due_date_is_refused_with_the_date_and_allowed_from_it(worker):
    case = _notice(_case(worker), worker)
    with time_machine.travel(datetime(2027, 2, 4, 15, 0, tzinfo=UTC), tick=False):
        with pytest.raises(ValidationError, match="may be closed from Feb 5, 2027"):
            services.case_close_request(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
        with pytest.raises(ValidationError, match="was for"):  # another noticed reason needs its own notice
            services.case_close(case=case, reason=ClosureReason.NCP_CANNOT_PAY, by=worker)
    case.refresh_from_db()
    assert case.is_open
    with time_machine.travel(datetime(2027, 2, 5, 15, 0, tzinfo=UTC), tick=False):
        outcome, closed = services.case_close_request(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
    assert outcome == "closed" and closed.status == CaseStatus.CLOSED and closed.closed_on == DUE
    assert closed.closure_noticed_on == date(2026, 12, 7)  # kept: the quality review reads it
    assert SentLetter.objects.filter(case=case).count() == 1


def test_a_notice_reason_never_closes_without_a_notice(worker):
    case = _case(worker)
    with pytest.raises(ValidationError, match="needs a written notice"):
        services.case_close(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)


def test_a_reason_without_notice_closes_at_once(worker):
    case = _case(worker)
    outcome, closed = services.case_close_request(case=case, reason=ClosureReason.RECIPIENT_REQUEST, by=worker)
    assert outcome == "closed" and closed.status == CaseStatus.CLOSED
    assert not SentLetter.objects.filter(case=case).exists()


def test_the_daily_sweep_makes_one_close_or_keep_open_item_on_the_due_date(worker):
    case = _notice(_case(worker), worker)
    assert services.closure_notice_due_sweep(today=date(2027, 2, 4)) == 0
    assert services.closure_notice_due_sweep(today=DUE) == 1
    assert services.closure_notice_due_sweep(today=DUE) == 0  # run twice: one item
    assert services.closure_notice_due_sweep(today=date(2027, 2, 9)) == 0  # a late run: still one
    item = WorkItem.objects.get(case=case, kind=WorkItemKind.CLOSURE_NOTICE_DUE)
    assert item.assigned_to == worker and item.due_on == DUE and "close or keep open" in item.title
    case.refresh_from_db()
    assert case.is_open  # nothing closes by itself


def test_the_recipient_s_answer_cancels_the_intent_and_keeps_the_history(worker):
    case = _notice(_case(worker), worker)
    services.closure_notice_due_sweep(today=DUE)
    with time_machine.travel(datetime(2027, 2, 6, 15, 0, tzinfo=UTC), tick=False):
        with pytest.raises(ValidationError):  # an answer needs what it said
            services.closure_notice_answer(case=case, answered_on=date(2027, 2, 6), note="ok", by=worker)
        services.closure_notice_answer(
            case=case, answered_on=date(2027, 2, 6), note="The CP gave the NCP's new employer in Troy.", by=worker
        )
    case.refresh_from_db()
    assert case.is_open and case.closure_noticed_on is None and case.closure_due_on is None
    assert not case.closure_notice_reason
    event = DomainEvent.objects.get(case_id=case.pk, verb="case.closure_notice_answered")
    assert event.data["noticed_on"] == "2026-12-07" and event.data["reason"] == ClosureReason.LOCATION_UNKNOWN
    assert "new employer" in event.data["answer"]
    assert not WorkItem.objects.filter(case=case, kind=WorkItemKind.CLOSURE_NOTICE_DUE, status="open").exists()
    # closing for that reason again starts a new notice, never closes at once
    with time_machine.travel(datetime(2027, 3, 1, 15, 0, tzinfo=UTC), tick=False):
        outcome, case = services.case_close_request(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
    assert outcome == "noticed" and case.is_open and SentLetter.objects.filter(case=case).count() == 2


def test_a_responding_case_asks_for_the_notice_to_the_initiating_agency(worker):
    case = _case(worker)
    Case.objects.filter(pk=case.pk).update(
        interstate_role=InterstateRole.RESPONDING, other_state="PA", other_state_case_id="PA-77"
    )
    case = _notice(Case.objects.get(pk=case.pk), worker)
    item = WorkItem.objects.get(case=case, kind="closure_notice_agency")
    assert "initiating agency (PA, case PA-77)" in item.title and "303.11(d)(3)" in item.notes


# The pages ------------------------------------------------------------------------------------


def _shown(client, url) -> str:
    return shown_on(client.get(url))["shown"]


@pytest.fixture
def county_cases(role_user, make_user):
    worker = role_user("caseworker")
    colleague = make_user("caseworker", username="colleague")
    return {
        "mine": _case(worker),
        "colleague": CaseFactory(caseworker=colleague),
        "unassigned": _case(None),
        "other_county": CaseFactory(county="Schenectady", caseworker=None),
    }


def _post_close(client, case, reason="location_unknown"):
    url = reverse("cases:case_close", args=[case.case_number])
    shown = _shown(client, url) if client.get(url).status_code == 200 else "at=0"
    return client.post(url, {"reason": reason, "confirm": "on", "shown": shown})


def test_close_page_sends_the_notice_for_each_role_allowed_and_refuses_the_others(
    client, client_as, make_user, county_cases
):
    # signed in on the day, and every request that day: real time is past the idle timeout later
    with time_machine.travel(NOTICED, tick=False):
        caseworker = client_as("caseworker")
        response = _post_close(caseworker, county_cases["mine"])
        assert response.status_code == 302
        mine = Case.objects.get(pk=county_cases["mine"].pk)
        assert mine.closure_due_on == DUE and mine.is_open
        assert (
            caseworker.post(reverse("cases:case_close", args=[county_cases["colleague"].case_number])).status_code
            == 403
        )
        assert (
            caseworker.get(reverse("cases:case_close", args=[county_cases["other_county"].case_number])).status_code
            == 404
        )
        client.force_login(make_user("caseworker", username="no_county", county=""))
        assert client.get(reverse("cases:case_close", args=[mine.case_number])).status_code == 404
        client.force_login(make_user("ombudsperson"))
        assert client.get(reverse("cases:case_close", args=[mine.case_number])).status_code == 403
        coordinator = client_as("coordinator")
        assert _post_close(coordinator, county_cases["unassigned"]).status_code == 302
        assert Case.objects.get(pk=county_cases["unassigned"].pk).closure_noticed_on is not None
        assert not Case.objects.filter(closure_noticed_on__isnull=False, county="Schenectady").exists()
        assert Case.objects.get(pk=county_cases["colleague"].pk).closure_noticed_on is None


def test_case_page_shows_the_pending_notice_and_the_answer_form_keeps_the_case_open(client_as, county_cases, worker):
    case = _notice(county_cases["mine"], worker)
    client = client_as("caseworker")
    page = client.get(reverse("cases:case_detail", args=[case.case_number])).content.decode()
    assert "Notice of intent to close sent" in page and "The recipient answered" in page
    url = reverse("cases:closure_answer", args=[case.case_number])
    assert client_as("ombudsperson").get(url).status_code == 403
    client = client_as("caseworker")
    response = client.post(
        url,
        {
            "answered_by": "recipient",
            "answered_on": "2026-12-07",
            "note": "She gave the NCP's new address in Troy.",
            "shown": _shown(client, url),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_open and case.closure_noticed_on is None


def test_a_close_page_opened_before_a_colleague_recorded_the_answer_is_refused(client_as, county_cases, worker):
    case = _notice(county_cases["mine"], worker)
    url = reverse("cases:case_close", args=[case.case_number])
    with time_machine.travel(datetime(2027, 2, 6, 15, 0, tzinfo=UTC), tick=False):
        client = client_as("caseworker")
        shown = _shown(client, url)  # the page shows the notice, due: "close"
        services.closure_notice_answer(
            case=case, answered_on=date(2027, 2, 6), note="The CP called with the NCP's employer.", by=worker
        )
        response = client.post(url, {"reason": "location_unknown", "confirm": "on", "shown": shown})
    assert response.status_code == 200 and "reload the page" in response.content.decode()
    case.refresh_from_db()
    assert case.is_open and case.closure_noticed_on is None  # neither closed nor noticed again
    assert SentLetter.objects.filter(case=case).count() == 1


# The quality review's "The pre-closure notice was sent when required" ------------------------


def _scored_page(client_as, case):
    from quality.models import ReviewSample
    from tests.quality.factories import ReviewFactory

    sample = ReviewSample.objects.create(review=ReviewFactory(), criterion="case_closure", case=case)
    return client_as("quality_analyst").get(reverse("quality:sample_score", kwargs={"pk": sample.pk}))


def test_the_review_reads_the_notice_from_the_record_and_ticks_the_question(client_as, worker):
    from cases.selectors import closure_notice_evidence

    case = _notice(_case(worker), worker)
    with time_machine.travel(datetime(2027, 2, 5, 15, 0, tzinfo=UTC), tick=False):
        case = services.case_close(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
        evidence = closure_notice_evidence(case=case)
        assert evidence.required and evidence.met and "closed on Feb 5, 2027" in evidence.text
        page = _scored_page(client_as, case)
    assert page.status_code == 200
    form = page.context["form"]
    question = next(name for name, f in form.fields.items() if "pre-closure notice" in str(f.label).lower())
    assert form[question].value() is True and "letter logged" in page.content.decode()


def test_the_review_finds_no_notice_on_a_case_closed_without_one(client_as, worker):
    from cases.selectors import closure_notice_evidence

    case = _case(worker)
    # a case closed for a noticed reason before this change (no notice on record)
    Case.objects.filter(pk=case.pk).update(
        status="closed", stage="closed", closure_reason=ClosureReason.LOCATION_UNKNOWN, closed_on=date(2026, 6, 1)
    )
    case = Case.objects.get(pk=case.pk)
    evidence = closure_notice_evidence(case=case)
    assert evidence.required and not evidence.met
    page = _scored_page(client_as, case)
    form = page.context["form"]
    question = next(name for name, f in form.fields.items() if "pre-closure notice" in str(f.label).lower())
    assert not form[question].value() and "none is on record" in page.content.decode()
    recipient_request = closure_notice_evidence(
        case=services.case_close(case=_case(worker), reason=ClosureReason.RECIPIENT_REQUEST, by=worker)
    )
    assert not recipient_request.required and recipient_request.met


def test_closing_an_initiating_case_asks_to_tell_the_responding_agency_within_10_working_days(worker):
    case = _case(worker)
    Case.objects.filter(pk=case.pk).update(interstate_role=InterstateRole.INITIATING, other_state="NJ")
    with time_machine.travel(NOTICED, tick=False):
        services.case_close(case=Case.objects.get(pk=case.pk), reason=ClosureReason.RECIPIENT_REQUEST, by=worker)
    item = WorkItem.objects.get(case=case, kind="closure_agency_notice")
    assert item.is_open and "responding agency (NJ)" in item.title and "303.7(c)(11)" in item.notes
    assert item.due_on == date(2026, 12, 21)  # 10 working days after Monday, December 7, 2026


def test_no_notice_is_recorded_when_no_address_was_ever_on_file(worker):
    case = CaseFactory(caseworker=worker)  # the CP has no address
    with pytest.raises(ValidationError, match="No mailing address has ever been on file"):
        services.case_close_request(case=case, reason=ClosureReason.LOCATION_UNKNOWN, by=worker)
    case.refresh_from_db()
    assert case.closure_noticed_on is None and not SentLetter.objects.filter(case=case).exists()


@time_machine.travel(NOTICED, tick=False)
def test_a_recipient_whose_mail_came_back_is_sent_the_notice_at_the_last_address_known(worker):
    # (b)(15): the recipient cannot be reached, the usual reason being returned mail. The notice is
    # owed in writing (303.11(d)(1)): it goes to the last address known, else the case could never
    # be closed for any noticed reason.
    case = CaseFactory(caseworker=worker)
    AddressFactory(person=case.cp, line1=STREET, undeliverable_on=date(2026, 10, 1))
    outcome, case = services.case_close_request(
        case=case, reason=ClosureReason.RECIPIENT_UNREACHABLE, by=worker, note="Phone and mail tried."
    )
    assert outcome == "noticed" and case.closure_due_on == DUE
    sent = SentLetter.objects.get(case=case, kind="closure_notice")
    assert sent.channel == "mail" and STREET in sent.address_text


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_send_one_notice_and_one_letter(role_user):
    """Both read "no notice pending" before either writes; the case row's lock makes the second wait
    for the first to commit, and then it is refused: one intent, one letter."""
    worker = role_user("caseworker")
    case = _case(worker)
    barrier, results = threading.Barrier(2), []

    def click() -> None:
        try:
            barrier.wait()
            services.case_close_request(
                case=Case.objects.get(pk=case.pk), reason=ClosureReason.LOCATION_UNKNOWN, by=worker
            )
            results.append("noticed")
        except ValidationError as error:
            results.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("noticed") == 1 and any("already sent" in r for r in results), results
    assert SentLetter.objects.filter(case=case, kind="closure_notice").count() == 1
    assert DomainEvent.objects.filter(case_id=case.pk, verb="case.closure_noticed").count() == 1
