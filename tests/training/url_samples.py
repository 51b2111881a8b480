"""Sample arguments for the every-URL × every-role test (objects visible to every role allowed)."""

from training.models import Enrolment

from .factories import CompletionFactory, NeedsTopicFactory, PolicyVersionFactory, SessionFactory, UserFactory


def url_samples(*, users) -> dict[str, dict]:
    trainer = users["trainer"]
    session = SessionFactory(trainer=trainer)
    participant = UserFactory(username="sample_participant")
    enrolment = Enrolment.objects.create(session=session, user=participant)
    completion = CompletionFactory(user=participant, course=session.course)
    topic = NeedsTopicFactory()
    version = PolicyVersionFactory()
    return {
        "training:course_detail": {"pk": session.course_id},
        "training:course_update": {"pk": session.course_id},
        "training:session_detail": {"pk": session.pk},
        "training:session_cancel": {"pk": session.pk},
        "training:session_enrol": {"pk": session.pk},
        "training:session_enrol_other": {"pk": session.pk},
        "training:session_evaluate": {"pk": session.pk},
        "training:session_outcomes": {"pk": session.pk},
        "training:enrolment_cancel": {"pk": enrolment.pk},
        "training:enrolment_attendance": {"pk": enrolment.pk},
        "training:enrolment_complete": {"pk": enrolment.pk},
        "training:person_record": {"user_id": participant.pk},
        "training:certificate": {"number": completion.certificate_number},
        "training:certificate_pdf": {"number": completion.certificate_number},
        "training:needs_respond": {"pk": topic.survey_id},
        "training:needs_results": {"pk": topic.survey_id},
        "training:needs_update": {"pk": topic.survey_id},
        "training:policy_detail": {"pk": version.document_id},
        "training:policy_publish": {"pk": version.document_id},
        "training:policy_acknowledge": {"pk": version.pk},
        "training:policy_unacknowledged": {"pk": version.pk},
    }
