"""Domain event verbs in one style (issue 18.5): the old spaced verbs ("collection posted") become
``<subject>.<what happened>`` ("collection.posted"), as ``core.events.legacy_verb`` spells them.

``DomainEvent`` is append-only for the application (no ``save()`` of an existing row, no delete);
this one-off rewrite of the verb column is a schema-level change of vocabulary, done with
``UPDATE`` statements, one per distinct old verb. Reversible: the dotted verbs written from the
old ones go back to spaces (verbs that were dotted already are left alone)."""

from django.db import migrations


def _legacy_verb(verb: str) -> str:
    # A copy of core.events.legacy_verb: a migration does not import application code that may change.
    if "." in verb or " " not in verb.strip():
        return verb
    subject, rest = verb.strip().split(" ", 1)
    return f"{subject}.{rest.replace(' ', '_').replace('-', '_')}"


def forwards(apps, schema_editor):
    DomainEvent = apps.get_model("core", "DomainEvent")
    olds = DomainEvent.objects.filter(verb__contains=" ").values_list("verb", flat=True).distinct()
    for old in list(olds):
        new = _legacy_verb(old)
        if new != old:
            DomainEvent.objects.filter(verb=old).update(verb=new)


def backwards(apps, schema_editor):
    # Only the verbs this migration wrote (from the old spaced vocabulary) go back.
    DomainEvent = apps.get_model("core", "DomainEvent")
    for new, old in OLD_OF_NEW.items():
        DomainEvent.objects.filter(verb=new).update(verb=old)


OLD_OF_NEW = {
    "accrual.run_resumed": "accrual run resumed",
    "accrual.started": "accrual started",
    "arrears.reassigned": "arrears reassigned",
    "assistance.changed": "assistance changed",
    "assistance.paid_recorded": "assistance paid recorded",
    "bank.statement_imported": "bank statement imported",
    "charges.accrued": "charges accrued",
    "collection.held": "collection held",
    "collection.posted": "collection posted",
    "collection.released": "collection released",
    "collection.reversed": "collection reversed",
    "collections.redistributed": "collections redistributed",
    "complaint.assigned": "complaint assigned",
    "complaint.communication_logged": "complaint communication logged",
    "complaint.extended": "complaint extended",
    "complaint.extension_letter": "complaint extension letter",
    "complaint.received": "complaint received",
    "complaint.referred": "complaint referred",
    "complaint.reminders_sent": "complaint reminders sent",
    "complaint.resolved": "complaint resolved",
    "court.hearing_recorded": "court hearing recorded",
    "court.hearing_scheduled": "court hearing scheduled",
    "court.petition_decided": "court petition decided",
    "court.petition_opened": "court petition opened",
    "court.petition_updated": "court petition updated",
    "criminal.non_support_referral": "criminal non-support referral",
    "criminal.referral_updated": "criminal referral updated",
    "disbursement.file_exported": "disbursement file exported",
    "disbursement.returned": "disbursement returned",
    "disbursement.sent": "disbursement sent",
    "disbursements.swept": "disbursements swept",
    "enforcement.action_activated": "enforcement action activated",
    "enforcement.action_closed": "enforcement action closed",
    "enforcement.action_contest_window_opened": "enforcement action contest window opened",
    "enforcement.action_contested": "enforcement action contested",
    "enforcement.action_proposed": "enforcement action proposed",
    "enforcement.action_released": "enforcement action released",
    "enforcement.contest_decided": "enforcement contest decided",
    "enforcement.notice_issued": "enforcement notice issued",
    "enforcement.rule_revised": "enforcement rule revised",
    "hearing.compliance_done": "hearing compliance done",
    "hearing.compliance_ordered": "hearing compliance ordered",
    "hearing.decided": "hearing decided",
    "hearing.decision_letters_issued": "hearing decision letters issued",
    "hearing.good_cause_decided": "hearing good cause decided",
    "hearing.held": "hearing held",
    "hearing.notice_letters_issued": "hearing notice letters issued",
    "hearing.requested": "hearing requested",
    "hearing.scheduled": "hearing scheduled",
    "nacha.return_file_imported": "nacha return file imported",
    "payee.bank_details_corrected": "payee bank details corrected",
    "payment.file_duplicate": "payment file duplicate",
    "payment.file_failed": "payment file failed",
    "payment.file_imported": "payment file imported",
    "payment.file_rejected": "payment file rejected",
    "policy.acknowledged": "policy acknowledged",
    "reconciliation.exception_noted": "reconciliation exception noted",
    "reconciliation.exception_resolved": "reconciliation exception resolved",
    "referral.answered": "referral answered",
    "referral.forwarded": "referral forwarded",
    "sweep.run_resumed": "sweep run resumed",
    "training.attendance_recorded": "training attendance recorded",
    "training.completed": "training completed",
    "training.completion_recorded": "training completion recorded",
    "training.course_created": "training course created",
    "training.enrolment_cancelled": "training enrolment cancelled",
    "training.evaluation_submitted": "training evaluation submitted",
    "training.needs_survey_answered": "training needs survey answered",
    "training.not_passed": "training not passed",
    "training.promoted_from_waitlist": "training promoted from waitlist",
    "training.reminder_sent": "training reminder sent",
    "training.session_cancelled": "training session cancelled",
    "training.session_scheduled": "training session scheduled",
    "training.waitlisted": "training waitlisted",
}


class Migration(migrations.Migration):
    dependencies = [("core", "0007_accesslog_view_security_log_permission")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
