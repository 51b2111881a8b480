"""URL samples for the every-URL × every-role walk: objects in every role's scope."""

from __future__ import annotations

from tests.cases.factories import CaseFactory, WorkItemFactory


def url_samples(*, users) -> dict[str, dict]:
    case = CaseFactory(county="Albany")
    cp = case.cp
    item = WorkItemFactory(case=case)
    from cases.models import FviOverride

    cp.family_violence = True
    cp.save()
    override = FviOverride.objects.create(person=cp, case=case, court_name="Family Court", court_order_reference="X-1",
                                          ordered_on=case.opened_on)
    number = {"case_number": case.case_number}
    initiating = CaseFactory(county="Albany", interstate_role="initiating", other_state="PA",
                             interstate_needed_on=case.opened_on)
    return {
        "cases:case_detail": number,
        "cases:order_create": number,
        "cases:payment_create": number,
        "cases:case_close": number,
        "cases:note_add": number,
        "cases:locate_add": number,
        "cases:workitem_create": number,
        "cases:case_reassign": number,
        "cases:assistance_change": number,
        "cases:interstate_referral": {"case_number": initiating.case_number},
        "cases:person_detail": {**number, "person_id": cp.pk},
        "cases:fvi_override_create": {**number, "person_id": cp.pk},
        "cases:workitem_complete": {"pk": item.pk},
        "cases:workitem_reassign": {"pk": item.pk},
        "cases:fvi_override_use": {"pk": override.pk},
    }
