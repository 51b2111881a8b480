"""Enrolment, waitlist, attendance, completion with scores, evaluations."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import needs_postgres
from training.choices import EnrolmentResult, EnrolmentStatus, Requirement
from training.models import CourseCompletion, Enrolment
from training.services import (
    enrolment_attendance_record,
    enrolment_cancel,
    enrolment_complete,
    enrolment_create,
    evaluation_submit,
    session_cancel,
)

from .factories import CourseFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(make_user):
    return make_user("trainer")


def people(n):
    return [UserFactory(username=f"p{i}") for i in range(n)]


def test_enrolment_over_capacity_goes_to_the_waitlist_in_order(trainer):
    session = SessionFactory(capacity=2)
    a, b, c, d = people(4)
    statuses = [enrolment_create(session=session, user=u, by=trainer).status for u in (a, b, c, d)]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]


def test_at_capacity_minus_one_still_gets_a_seat(trainer):
    session = SessionFactory(capacity=3)
    for u in people(2):
        enrolment_create(session=session, user=u, by=trainer)
    assert enrolment_create(session=session, user=UserFactory(username="last"), by=trainer).status == "enrolled"


def test_duplicate_enrolment_is_refused(trainer):
    session = SessionFactory(capacity=1)
    (a,) = people(1)
    enrolment_create(session=session, user=a, by=a)
    with pytest.raises(ValidationError, match="Already enrolled"):
        enrolment_create(session=session, user=a, by=a)
    # also while waitlisted
    b = UserFactory(username="b")
    enrolment_create(session=session, user=b, by=b)
    with pytest.raises(ValidationError):
        enrolment_create(session=session, user=b, by=b)
    assert Enrolment.objects.filter(session=session).count() == 2


def test_cancellation_promotes_the_first_waitlisted(trainer, mailoutbox):
    session = SessionFactory(capacity=1)
    a, b, c = people(3)
    first = enrolment_create(session=session, user=a, by=a)
    enrolment_create(session=session, user=b, by=b)
    enrolment_create(session=session, user=c, by=c)
    promoted = enrolment_cancel(enrolment=first, by=a)
    assert promoted.user == b and promoted.status == EnrolmentStatus.ENROLLED
    assert Enrolment.objects.get(session=session, user=c).status == EnrolmentStatus.WAITLISTED
    assert mailoutbox[-1].to == [b.email]


def test_cancelling_a_waitlisted_place_promotes_nobody(trainer):
    session = SessionFactory(capacity=1)
    a, b, c = people(3)
    enrolment_create(session=session, user=a, by=a)
    waiting = enrolment_create(session=session, user=b, by=b)
    enrolment_create(session=session, user=c, by=c)
    assert enrolment_cancel(enrolment=waiting, by=b) is None
    assert Enrolment.objects.get(session=session, user=c).status == EnrolmentStatus.WAITLISTED


def test_re_enrol_after_cancelling_is_allowed(trainer):
    session = SessionFactory(capacity=2)
    (a,) = people(1)
    enrolment_cancel(enrolment=enrolment_create(session=session, user=a, by=a), by=a)
    assert enrolment_create(session=session, user=a, by=a).status == "enrolled"


def test_cancelled_session_refuses_enrolment(trainer):
    session = SessionFactory()
    session_cancel(session=session, by=trainer)
    with pytest.raises(ValidationError, match="not open"):
        enrolment_create(session=session, user=UserFactory(username="late"), by=trainer)


def make_tested_session(**kw):
    course = CourseFactory(has_test=True, passing_score=70, requirement=Requirement.ONCE, audience_roles=["caseworker"])
    return SessionFactory(course=course, **kw)


def attended(session, user, trainer):
    e = enrolment_create(session=session, user=user, by=trainer)
    return enrolment_attendance_record(enrolment=e, attended=True, by=trainer)


def test_completion_needs_attendance(trainer):
    session = make_tested_session()
    e = enrolment_create(session=session, user=UserFactory(username="x"), by=trainer)
    with pytest.raises(ValidationError, match="attendance"):
        enrolment_complete(enrolment=e, pre_score=50, post_score=80, by=trainer)


def test_waitlisted_cannot_attend(trainer):
    session = make_tested_session(capacity=1)
    enrolment_create(session=session, user=UserFactory(username="x"), by=trainer)
    w = enrolment_create(session=session, user=UserFactory(username="y"), by=trainer)
    with pytest.raises(ValidationError):
        enrolment_attendance_record(enrolment=w, attended=True, by=trainer)


@pytest.mark.parametrize(("pre", "post"), [(-1, 80), (50, 101), (101, 80), (50, 1000)])
def test_scores_out_of_range_are_refused(trainer, pre, post):
    session = make_tested_session()
    e = attended(session, UserFactory(username="s"), trainer)
    with pytest.raises(ValidationError):
        enrolment_complete(enrolment=e, pre_score=pre, post_score=post, by=trainer)
    assert not CourseCompletion.objects.exists()


def test_tested_course_needs_both_scores(trainer):
    e = attended(make_tested_session(), UserFactory(username="s"), trainer)
    with pytest.raises(ValidationError):
        enrolment_complete(enrolment=e, pre_score=None, post_score=90, by=trainer)


@pytest.mark.parametrize(("post", "passed"), [(69, False), (70, True), (100, True), (0, False)])
def test_passing_score_boundary(trainer, post, passed):
    e = attended(make_tested_session(), UserFactory(username="s"), trainer)
    completion = enrolment_complete(enrolment=e, pre_score=0, post_score=post, by=trainer)
    e.refresh_from_db()
    assert (completion is not None) is passed
    assert e.result == (EnrolmentResult.COMPLETED if passed else EnrolmentResult.NOT_PASSED)


def test_completion_records_score_and_date_and_cannot_repeat(trainer):
    session = make_tested_session()
    user = UserFactory(username="s")
    e = attended(session, user, trainer)
    completion = enrolment_complete(enrolment=e, pre_score=40, post_score=85, by=trainer)
    assert (completion.user, completion.score, completion.course) == (user, 85, session.course)
    assert e.__class__.objects.get(pk=e.pk).score_gain == 45
    with pytest.raises(ValidationError, match="already"):
        enrolment_complete(enrolment=e, pre_score=40, post_score=85, by=trainer)


def test_untested_course_completes_without_scores(trainer):
    session = SessionFactory()
    e = attended(session, UserFactory(username="u"), trainer)
    assert enrolment_complete(enrolment=e, by=trainer).score is None


def test_attended_cannot_be_cancelled(trainer):
    e = attended(SessionFactory(), UserFactory(username="u"), trainer)
    with pytest.raises(ValidationError):
        enrolment_cancel(enrolment=e, by=trainer)


def test_evaluation_only_by_the_participant_who_attended_and_once(trainer):
    session = SessionFactory()
    user = UserFactory(username="u")
    e = enrolment_create(session=session, user=user, by=user)
    with pytest.raises(ValidationError, match="attended"):
        evaluation_submit(enrolment=e, content_rating=5, trainer_rating=5, relevance_rating=5, by=user)
    e = enrolment_attendance_record(enrolment=e, attended=True, by=trainer)
    with pytest.raises(ValidationError, match="participant"):
        evaluation_submit(enrolment=e, content_rating=5, trainer_rating=5, relevance_rating=5, by=trainer)
    evaluation_submit(enrolment=e, content_rating=4, trainer_rating=5, relevance_rating=3, comments="ok", by=user)
    with pytest.raises(ValidationError, match="already"):
        evaluation_submit(enrolment=e, content_rating=4, trainer_rating=5, relevance_rating=3, by=user)


@pytest.mark.parametrize("rating", [0, 6])
def test_evaluation_ratings_out_of_range_are_refused(trainer, rating):
    user = UserFactory(username="u")
    e = attended(SessionFactory(), user, trainer)
    with pytest.raises(ValidationError):
        evaluation_submit(enrolment=e, content_rating=rating, trainer_rating=3, relevance_rating=3, by=user)


def test_session_outcomes_averages_and_gain(trainer):
    from training.selectors import session_outcomes

    session = make_tested_session()
    enrolment_create(session=session, user=UserFactory(username="absent"), by=trainer)
    scores = [(40, 80), (60, 90), (50, 60)]
    present = [attended(session, UserFactory(username=f"o{i}"), trainer) for i in range(len(scores))]
    for i, ((pre, post), e) in enumerate(zip(scores, present, strict=True)):
        u = e.user
        enrolment_complete(enrolment=e, pre_score=pre, post_score=post, by=trainer)
        evaluation_submit(enrolment=e, content_rating=3 + (i % 2), trainer_rating=5, relevance_rating=4, by=u)
    out = session_outcomes(session=session)
    assert out["enrolled"] == 4 and out["attended"] == 3 and out["completed"] == 2  # 60 < 70 not passed
    assert out["avg_pre"] == 50.0 and out["avg_post"] == pytest.approx(76.7)
    assert out["gain"] == pytest.approx(26.7)
    assert out["responses"] == 3 and out["avg_content"] == pytest.approx(3.3) and out["avg_trainer"] == 5.0


def _both_at_once(monkeypatch, submit):
    """Run ``submit`` in two threads (each in its own transaction, as a view does) that pause just
    before saving until the other has got there too (or 3 s); the errors each raised."""
    import contextlib
    import threading

    from django.db import connection, transaction

    from training import services

    barrier, real = threading.Barrier(2), services.saved_with_event

    def both_checked(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "saved_with_event", both_checked)
    errors: list[Exception] = []

    def run():
        try:
            with transaction.atomic():
                submit()
        except Exception as exc:  # noqa: BLE001 - the test names what it expects
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_an_evaluation_sent_twice_at_once_is_kept_once_and_the_second_is_told(monkeypatch, trainer):
    from training.models import SessionEvaluation

    user = UserFactory(username="u")
    e = attended(SessionFactory(), user, trainer)
    errors = _both_at_once(
        monkeypatch,
        lambda: evaluation_submit(enrolment=e, content_rating=4, trainer_rating=5, relevance_rating=3, by=user),
    )
    assert [str(err) for err in errors] == [str(ValidationError("You have already evaluated this session."))]
    assert SessionEvaluation.objects.filter(enrolment=e).count() == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_the_same_completion_recorded_by_two_trainers_at_once_is_kept_once(monkeypatch, make_user):
    from datetime import date

    from training.services import completion_record

    course = CourseFactory()
    person, first, second = UserFactory(username="p"), make_user("trainer"), make_user("trainer", username="t2")
    trainers = iter([first, second])

    def record():
        completion_record(user=person, course=course, completed_on=date(2026, 11, 2), score=80, by=next(trainers))

    errors = _both_at_once(monkeypatch, record)
    assert len(errors) == 1 and "already recorded" in str(errors[0])
    assert CourseCompletion.objects.filter(user=person, course=course).count() == 1
