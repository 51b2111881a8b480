"""Pages: values, permissions allowed/denied, query counts, escaping, the flows through the web."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from training.choices import EnrolmentStatus
from training.models import CourseCompletion, Enrolment, NeedsResponse, PolicyAcknowledgement, SessionEvaluation
from training.services import enrolment_attendance_record, enrolment_create, needs_response_submit

from .factories import (
    CompletionFactory,
    CourseFactory,
    NeedsTopicFactory,
    PolicyVersionFactory,
    SessionFactory,
    UserFactory,
    basics_course,
    fti_course,
    noon,
)

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"


def test_my_training_lists_required_courses_for_every_role(client_as, role_user):
    client = client_as("caseworker")
    response = client.get(reverse("training:my_training"))
    assert response.status_code == 200
    assert basics_course().title in response.content.decode()
    assert "Never completed" in response.content.decode()


def test_my_training_warns_when_fti_training_lapsed(client_as, role_user, fti_role):
    user = role_user("enforcement_specialist")
    CompletionFactory(user=user, course=fti_course(), completed_on=date(2025, 11, 1))
    with time_machine.travel(noon(date(2026, 11, 23)), tick=False):
        page = client_as("enforcement_specialist").get(reverse("training:my_training")).content.decode()
    assert "tax offset details are hidden" in page


def test_home_card_shows_my_overdue_training(client_as):
    page = client_as("caseworker").get(reverse("core:home")).content.decode()
    assert "My required training overdue" in page


def test_self_enrol_and_waitlist_through_the_page(client_as, role_user):
    session = SessionFactory(capacity=1)
    enrolment_create(session=session, user=UserFactory(username="first"), by=None)
    client = client_as("caseworker")
    url = reverse("training:session_enrol", args=[session.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "waitlist" in response.content.decode()
    assert Enrolment.objects.get(user=role_user("caseworker")).status == EnrolmentStatus.WAITLISTED
    response = client.post(url, follow=True)
    assert "Already enrolled" in response.content.decode()


def test_only_trainers_record_attendance(client_as, role_user):
    session = SessionFactory()
    e = enrolment_create(session=session, user=UserFactory(username="p"), by=None)
    url = reverse("training:enrolment_attendance", args=[e.pk])
    assert client_as("caseworker").post(url, {"attended": "yes"}).status_code == 403
    assert client_as("coordinator").post(url, {"attended": "yes"}).status_code == 403
    assert client_as("trainer").post(url, {"attended": "yes"}).status_code == 302
    e.refresh_from_db()
    assert e.attended is True


def test_cancel_someone_elses_enrolment_is_404_logged_as_an_access_denial(client_as, role_user):
    """Cancelling someone else's place answers 404, as a place that does not exist, through the
    project's scope denial: an ``access_denied`` row naming the place. Asking about it goes back to
    the session page."""
    from core.models import AccessLog

    e = enrolment_create(session=SessionFactory(), user=UserFactory(username="other"), by=None)
    url = reverse("training:enrolment_cancel", args=[e.pk])
    client = client_as("caseworker")
    denials = AccessLog.objects.filter(kind=AccessLog.Kind.ACCESS_DENIED)
    assert client.post(url, {"confirmed": "yes"}).status_code == 404
    e.refresh_from_db()
    assert e.status == EnrolmentStatus.ENROLLED
    denial = denials.get()
    assert (denial.username, denial.object_type, denial.object_id, denial.outcome, denial.detail) == (
        role_user("caseworker").username,
        "training.Enrolment",
        str(e.pk),
        "not_found",
        {"reason": "out_of_scope", "action": "cancel"},
    )
    assert client.get(url).status_code == 302  # asking about it: back to the session, nothing shown or done
    missing = reverse("training:enrolment_cancel", args=[e.pk + 1000])
    assert client.post(missing, {"confirmed": "yes"}).status_code == 404
    assert denials.count() == 1  # a place that does not exist is no denial


def test_a_staff_member_cancels_their_own_place_and_a_trainer_anyones(client_as, role_user):
    session = SessionFactory()
    mine = enrolment_create(session=session, user=role_user("caseworker"), by=None)
    other = enrolment_create(session=session, user=UserFactory(username="other"), by=None)
    for role, e in (("caseworker", mine), ("trainer", other)):
        assert (
            client_as(role).post(reverse("training:enrolment_cancel", args=[e.pk]), {"confirmed": "yes"}).status_code
            == 302
        )
        e.refresh_from_db()
        assert e.status == EnrolmentStatus.CANCELLED


def test_completion_form_refuses_out_of_range_scores(client_as, role_user):
    course = CourseFactory(has_test=True, passing_score=70)
    e = enrolment_create(session=SessionFactory(course=course), user=UserFactory(username="p"), by=None)
    enrolment_attendance_record(enrolment=e, attended=True, by=None)
    client = client_as("trainer")
    url = reverse("training:enrolment_complete", args=[e.pk])
    response = client.post(url, {"pre_score": "-5", "post_score": "101"})
    assert response.status_code == 200 and not CourseCompletion.objects.exists()
    assert "less than or equal to 100" in response.content.decode()
    response = client.post(url, {"pre_score": "40", "post_score": "90"})
    assert response.status_code == 302
    assert CourseCompletion.objects.get().score == 90


def test_evaluation_page_escapes_comments_on_outcomes(client_as, role_user):
    user = role_user("caseworker")
    session = SessionFactory()
    e = enrolment_create(session=session, user=user, by=user)
    enrolment_attendance_record(enrolment=e, attended=True, by=None)
    response = client_as("caseworker").post(
        reverse("training:session_evaluate", args=[session.pk]),
        {"content_rating": "5", "trainer_rating": "4", "relevance_rating": "3", "comments": XSS},
    )
    assert response.status_code == 302 and SessionEvaluation.objects.count() == 1
    page = client_as("trainer").get(reverse("training:session_outcomes", args=[session.pk])).content.decode()
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_evaluation_refused_for_non_participant(client_as):
    session = SessionFactory()
    client = client_as("caseworker")
    url = reverse("training:session_evaluate", args=[session.pk])
    assert "Only participants who attended" in client.get(url).content.decode()
    client.post(url, {"content_rating": "5", "trainer_rating": "4", "relevance_rating": "3"})
    assert not SessionEvaluation.objects.exists()


def test_course_title_is_escaped(client_as):
    CourseFactory(title=XSS)
    page = client_as("caseworker").get(reverse("training:course_list")).content.decode()
    assert XSS not in page and "&lt;script&gt;" in page


def test_compliance_page_permissions_and_values(client_as, role_user, fti_role):
    role_user("caseworker")
    assert client_as("caseworker").get(reverse("training:compliance")).status_code == 403
    assert client_as("outreach").get(reverse("training:compliance")).status_code == 403
    page = client_as("coordinator").get(reverse("training:compliance"), {"status": "never"}).content.decode()
    assert basics_course().title in page and "<svg" not in page and "chart=compliance" in page  # a same-origin image
    assert client_as("trainer").get(reverse("training:compliance"), {"status": "x"}).status_code == 200


def test_compliance_rows_sort_by_status_and_due_date(client_as, make_user):
    # given: two caseworkers who never took program basics (a once-only course) and one who did
    never = make_user("caseworker", username="sort-never", last_name="Adams")
    current = make_user("caseworker", username="sort-current", last_name="Baker")
    overdue = make_user("caseworker", username="sort-never-too", last_name="Clark")
    CompletionFactory(user=current, course=basics_course(), completed_on=date.today())
    client = client_as("coordinator")
    mine = {never.pk, current.pk, overdue.pk}

    def order(sort):
        response = client.get(reverse("training:compliance"), {"sort": sort, "course": basics_course().pk})
        return response, [row.user.pk for row in response.context["rows"] if row.user.pk in mine]

    # when / then: by status, the most urgent first; reversed, the current first
    response, pks = order("status")
    assert pks == [never.pk, overdue.pk, current.pk]
    assert 'aria-sort="ascending"' in response.content.decode()
    assert order("-status")[1][0] == current.pk
    assert order("name")[1] == [never.pk, current.pk, overdue.pk]
    assert order("-name")[1] == [overdue.pk, current.pk, never.pk]
    assert order("bogus")[0].status_code == 200  # an unknown key is ignored, never passed on


def test_certificate_page_and_pdf(client_as, role_user):
    user = role_user("caseworker")
    completion = CompletionFactory(user=user, course=basics_course(), score=88)
    client = client_as("outreach")  # anyone signed in can verify a certificate by its number
    page = client.get(reverse("training:certificate", args=[completion.certificate_number])).content.decode()
    assert basics_course().title in page and str(completion.certificate_number) in page
    pdf = client.get(reverse("training:certificate_pdf", args=[completion.certificate_number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_certificate_pdf_survives_non_latin_names(client_as):
    user = UserFactory(username="unicode", first_name="Zoë", last_name="Nguyễn 李")
    completion = CompletionFactory(user=user, course=basics_course())
    pdf = client_as("trainer").get(reverse("training:certificate_pdf", args=[completion.certificate_number]))
    assert pdf.status_code == 200


def test_needs_survey_response_and_ranking(client_as, role_user):
    t1 = NeedsTopicFactory(title="Interstate cases")
    survey = t1.survey
    t2 = NeedsTopicFactory(survey=survey, title="Bank levies")
    other = UserFactory(username="o1")
    needs_response_submit(survey=survey, respondent=other, priorities={t1.pk: 2, t2.pk: 5})
    client = client_as("caseworker")
    url = reverse("training:needs_respond", args=[survey.pk])
    response = client.post(url, {f"topic_{t1.pk}": "3", f"topic_{t2.pk}": "4", "comments": XSS})
    assert response.status_code == 302
    assert NeedsResponse.objects.count() == 2
    assert client.post(url, {f"topic_{t1.pk}": "3", f"topic_{t2.pk}": "4"}).status_code == 200  # already answered
    assert NeedsResponse.objects.count() == 2
    assert client.get(reverse("training:needs_results", args=[survey.pk])).status_code == 403
    page = client_as("trainer").get(reverse("training:needs_results", args=[survey.pk])).content.decode()
    assert page.index("Bank levies") < page.index("Interstate cases")
    assert XSS not in page


def test_needs_survey_closed_and_bad_priority_refused(role_user):
    from django.core.exceptions import ValidationError

    topic = NeedsTopicFactory(
        survey__opens_on=date.today() + timedelta(days=3), survey__closes_on=date.today() + timedelta(days=9)
    )
    with pytest.raises(ValidationError, match="not open"):
        needs_response_submit(survey=topic.survey, respondent=role_user("caseworker"), priorities={topic.pk: 3})
    open_topic = NeedsTopicFactory()
    with pytest.raises(ValidationError, match="1 to 5"):
        needs_response_submit(
            survey=open_topic.survey, respondent=role_user("caseworker"), priorities={open_topic.pk: 6}
        )


def test_policy_acknowledgement_and_who_has_not(client_as, role_user):
    version = PolicyVersionFactory(citations="45 CFR 303.21\nIRS Publication 1075")
    cw, es = role_user("caseworker"), role_user("enforcement_specialist")
    client = client_as("caseworker")
    assert client.get(reverse("training:policy_acknowledge", args=[version.pk])).status_code == 405
    client.post(reverse("training:policy_acknowledge", args=[version.pk]))
    client.post(reverse("training:policy_acknowledge", args=[version.pk]))  # idempotent
    assert PolicyAcknowledgement.objects.filter(version=version).count() == 1
    url = reverse("training:policy_unacknowledged", args=[version.pk])
    assert client.get(url).status_code == 403
    page = client_as("coordinator").get(url).content.decode()
    assert str(es) in page and f"<td>{cw}</td>" not in page
    # a new version needs a new acknowledgement
    PolicyVersionFactory(document=version.document, version="2.0", effective_on=date.today())
    page = client_as("caseworker").get(reverse("training:policy_detail", args=[version.document_id])).content.decode()
    assert "I have read and understood version 2.0" in page


@pytest.mark.parametrize("n", [1, 30])
@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("training:course_list", "caseworker"),
        ("training:session_list", "caseworker"),
        ("training:compliance", "coordinator"),
        ("training:needs_list", "caseworker"),
        ("training:policy_list", "caseworker"),
        ("training:dashboard", "trainer"),
        ("training:my_training", "caseworker"),
    ],
)
def test_list_pages_query_count_is_flat(
    client_as, role_user, fti_role, django_assert_max_num_queries, n, url_name, role
):
    client = client_as(role)
    me = role_user(role)
    for i in range(n):
        user = UserFactory(username=f"lp{i}")
        user.groups.add(fti_role)
        course = CourseFactory()
        session = SessionFactory(course=course)
        e = enrolment_create(session=session, user=me, by=None) if role == "caseworker" else None
        if e:
            CompletionFactory(user=me, course=course, enrolment=e)
        CompletionFactory(user=user, course=fti_course())
        NeedsTopicFactory()
        PolicyVersionFactory()
    with django_assert_max_num_queries(30):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_unacknowledged_page_query_count(client_as, role_user, django_assert_max_num_queries, n):
    version = PolicyVersionFactory()
    for i in range(n):
        u = UserFactory(username=f"u{i}")
        u.groups.add(role_user("caseworker").groups.first())
    client = client_as("coordinator")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("training:policy_unacknowledged", args=[version.pk])).status_code == 200
