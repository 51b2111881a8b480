from django.core.files.base import ContentFile

from outreach.services import survey_invitations_issue

from .factories import (
    AnnouncementFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    MaterialFactory,
    MediaContactFactory,
    MediaInquiryFactory,
    OrganisationFactory,
    SurveyFactory,
)


def url_samples(*, users) -> dict[str, dict]:
    org = OrganisationFactory()
    contact = ContactFactory(organisation=org)
    event = EventFactory(host_organisation=org)
    material = MaterialFactory()
    material.file.save("leaflet.pdf", ContentFile(b"%PDF-1.4 sample"), save=True)
    draft = AnnouncementFactory()
    published = AnnouncementFactory(status="published")
    inquiry = MediaInquiryFactory()
    survey = SurveyFactory(event=event)
    token = survey_invitations_issue(survey=survey, count=1, by=users["outreach"])[0].token
    return {
        "outreach:organisation_detail": {"pk": org.pk},
        "outreach:organisation_update": {"pk": org.pk},
        "outreach:contact_create": {"pk": org.pk},
        "outreach:contactlog_create": {"pk": org.pk},
        "outreach:contact_update": {"pk": contact.pk},
        "outreach:mediacontact_update": {"pk": MediaContactFactory().pk},
        "outreach:event_detail": {"pk": event.pk},
        "outreach:event_update": {"pk": event.pk},
        "outreach:registration_create": {"pk": event.pk},
        "outreach:attendance_update": {"pk": event.pk},
        "outreach:followup_create": {"pk": event.pk},
        "outreach:followup_complete": {"pk": FollowUpFactory(event=event).pk},
        "outreach:material_detail": {"pk": material.pk},
        "outreach:material_update": {"pk": material.pk},
        "outreach:material_download": {"pk": material.pk},
        "outreach:material_distribute": {"pk": material.pk},
        "outreach:material_restock": {"pk": material.pk},
        "outreach:announcement_detail": {"pk": draft.pk},
        "outreach:announcement_update": {"pk": draft.pk},
        "outreach:announcement_publish": {"pk": draft.pk},
        "outreach:public_announcement_detail": {"pk": published.pk},
        "outreach:mediainquiry_detail": {"pk": inquiry.pk},
        "outreach:mediainquiry_update": {"pk": inquiry.pk},
        "outreach:mediainquiry_approve": {"pk": inquiry.pk},
        "outreach:mediainquiry_respond": {"pk": inquiry.pk},
        "outreach:mediainquiry_decline": {"pk": inquiry.pk},
        "outreach:survey_detail": {"pk": survey.pk},
        "outreach:survey_update": {"pk": survey.pk},
        "outreach:question_create": {"pk": survey.pk},
        "outreach:survey_links": {"pk": survey.pk},
        "outreach:survey_invite": {"pk": survey.pk},
        "outreach:feedback_form": {"token": token},
        "outreach:dashboard_chart": {"chart": "events"},
        "outreach:dashboard_export": {"dataset": "events"},
    }
