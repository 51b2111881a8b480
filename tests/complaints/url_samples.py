from datetime import date

from complaints.choices import ComplaintStatus, Outcome
from complaints.models import Notice
from tests.complaints.factories import ComplaintFactory, ReferralFactory


def url_samples(*, users) -> dict[str, dict]:
    # Filed by the caseworker: in scope for the caseworker (filed_by) and for every role that sees all.
    complaint = ComplaintFactory(
        filed_by=users["caseworker"],
        status=ComplaintStatus.RESOLVED,
        resolved_on=date(2026, 11, 10),
        outcome=Outcome.NOT_UPHELD,
        resolution_explanation="No error found.",
        hearing_deadline=date(2027, 2, 8),
    )
    referral = ReferralFactory(complaint=complaint)
    notice = Notice.objects.create(user=users["ombudsperson"], kind="due_soon", message="Sample", dedupe_key="sample")
    number = {"number": complaint.number}
    return {
        "complaints:complaint_detail": number,
        "complaints:complaint_assign": number,
        "complaints:complaint_extend": number,
        "complaints:complaint_case_link": number,
        "complaints:communication_add": number,
        "complaints:referral_add": number,
        "complaints:complaint_resolve": number,
        "complaints:resolution_notice": number,
        "complaints:acknowledgement_letter": number,
        "complaints:acknowledgement_letter_pdf": number,
        "complaints:resolution_notice_pdf": number,
        "complaints:extension_letter": number,
        "complaints:extension_letter_pdf": number,
        "complaints:referral_forward": {"pk": referral.pk},
        "complaints:referral_answer": {"pk": referral.pk},
        "complaints:notice_read": {"pk": notice.pk},
    }
