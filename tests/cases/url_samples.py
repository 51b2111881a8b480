"""URL samples for the every-URL × every-role walk: objects in every role's scope."""

from __future__ import annotations

from tests.cases.factories import CaseFactory, EmploymentFactory, WorkItemFactory


def url_samples(*, users) -> dict[str, dict]:
    case = CaseFactory(county="Albany")
    cp = case.cp
    item = WorkItemFactory(case=case)
    from cases.models import FviOverride

    cp.family_violence = True
    cp.save()
    override = FviOverride.objects.create(
        person=cp, case=case, court_name="Family Court", court_order_reference="X-1", ordered_on=case.opened_on
    )
    number = {"case_number": case.case_number}
    initiating = CaseFactory(
        county="Albany", interstate_role="initiating", other_state="PA", interstate_needed_on=case.opened_on
    )
    from cases.services import person_merge

    look_alike = CaseFactory(county="Albany").cp
    twin = CaseFactory(county="Albany").cp
    twin.ssn = ""  # two records of one person: one without an SSN
    twin.save()
    merged = person_merge(survivor=look_alike, duplicate=twin, by=None, reason="walker sample")
    from django.utils import timezone

    from cases.models import SentLetter

    letter = SentLetter.objects.create(
        case=case,
        person=case.ncp,
        kind="sample",
        subject="Sample letter",
        recipient_name="Sample",
        sent_at=timezone.now(),
    )
    from django.core.files.uploadedfile import SimpleUploadedFile
    from fpdf import FPDF

    from cases.services.documents import document_attach

    pdf = FPDF()
    pdf.add_page()
    document = document_attach(
        case=case,
        file=SimpleUploadedFile("order.pdf", bytes(pdf.output())),
        kind="court_order",
        title="Order of support",
        by=None,
    )
    job = EmploymentFactory(person=case.ncp)
    return {
        "cases:document_attach": number,
        "cases:document_download": {"pk": document.pk},
        "cases:document_whereabouts": {"pk": document.pk},
        "cases:document_withdraw": {"pk": document.pk},
        "cases:person_duplicates": {},
        "cases:person_merge": {"first": cp.pk, "second": case.ncp.pk},
        "cases:person_merge_undo": {"event_id": merged.pk},
        "cases:case_detail": number,
        "cases:order_create": number,
        "cases:payment_create": number,
        "cases:case_close": number,
        "cases:closure_answer": number,
        "cases:note_add": number,
        "cases:locate_add": number,
        "cases:child_add": number,
        "cases:child_end": {**number, "participant_id": case.participants.get(role="child").pk},
        "cases:paternity_record": {**number, "person_id": case.children[0].pk},
        "cases:workitem_create": number,
        "cases:case_reassign": number,
        "cases:assistance_change": number,
        "cases:case_details": number,
        "cases:interstate_referral": {"case_number": initiating.case_number},
        "cases:person_detail": {**number, "person_id": cp.pk},
        "cases:fvi_override_create": {**number, "person_id": cp.pk},
        "cases:person_edit": {**number, "person_id": cp.pk},
        "cases:person_ssn": {**number, "person_id": cp.pk},
        "cases:address_add": {**number, "person_id": case.ncp.pk},
        "cases:person_fvi_set": {**number, "person_id": case.ncp.pk},
        "cases:person_fvi_clear": {**number, "person_id": cp.pk},
        "cases:employment_add": {**number, "person_id": case.ncp.pk},
        "cases:employment_end": {**number, "person_id": case.ncp.pk, "pk": job.pk},
        "cases:employment_confirm": {**number, "person_id": case.ncp.pk, "pk": job.pk},
        "cases:workitem_complete": {"pk": item.pk},
        "cases:workitem_reassign": {"pk": item.pk},
        "cases:fvi_override_use": {"pk": override.pk},
        "cases:letter_returned": {**number, "pk": letter.pk},
    }
