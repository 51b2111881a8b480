"""Sample URL arguments for the every-URL × every-role test."""

from datetime import UTC, datetime

from enforcement.models import CourtHearing, EnforcementAction, RemedyRule
from tests.enforcement.factories import AS_OF, CriminalReferralFactory, PetitionFactory, delinquent_case
from tests.enforcement.file_factories import (
    BankStatementFactory,
    DisbursementExportFactory,
    NachaReturnFileFactory,
    PaymentFileFactory,
    ReconciliationExceptionFactory,
)


def url_samples(*, users) -> dict[str, dict]:
    case = delinquent_case(unassigned="3000.00")
    rule = RemedyRule.objects.get(remedy="passport_denial", jurisdiction="NY")
    action = EnforcementAction.objects.create(
        case=case,
        remedy=rule.remedy,
        rule=rule,
        proposed_on=AS_OF,
        total_arrears=3000,
        months_in_arrears=6,
        timeframe_start_on=AS_OF,
        timeframe_due_on=AS_OF,
        notice_issued_on=AS_OF,
        notice_total_arrears=3000,
        status="noticed",
    )
    petition = PetitionFactory(case=case)
    hearing = CourtHearing.objects.create(petition=petition, scheduled_for=datetime(2026, 12, 1, 15, tzinfo=UTC))
    referral = CriminalReferralFactory(case=case)
    pk = {"pk": action.pk}
    return {
        "enforcement:action_detail": pk,
        "enforcement:rule_revise": {"pk": rule.pk},
        "enforcement:action_notice": pk,
        "enforcement:action_notice_pdf": pk,
        "enforcement:action_issue_notice": pk,
        "enforcement:action_contest": pk,
        "enforcement:action_decide": pk,
        "enforcement:action_activate": pk,
        "enforcement:action_end": pk,
        "enforcement:action_income_check": pk,
        "enforcement:petition_detail": {"pk": petition.pk},
        "enforcement:petition_update": {"pk": petition.pk},
        "enforcement:petition_outcome": {"pk": petition.pk},
        "enforcement:hearing_create": {"pk": petition.pk},
        "enforcement:hearing_result": {"pk": hearing.pk},
        "enforcement:referral_detail": {"pk": referral.pk},
        **_file_samples(),
    }


def _file_samples() -> dict[str, dict]:
    exception = ReconciliationExceptionFactory()
    export = DisbursementExportFactory()
    return {
        "enforcement:paymentfile_detail": {"pk": PaymentFileFactory().pk},
        "enforcement:disbursementexport_download": {"pk": export.pk},
        "enforcement:disbursementexport_detail": {"pk": export.pk},
        "enforcement:nachareturnfile_detail": {"pk": NachaReturnFileFactory().pk},
        "enforcement:bankstatement_detail": {"pk": BankStatementFactory().pk},
        "enforcement:reconciliationexception_detail": {"pk": exception.pk},
        "enforcement:reconciliationexception_note": {"pk": exception.pk},
        "enforcement:reconciliationexception_resolve": {"pk": exception.pk},
        **_partner_file_samples(),
    }


def _partner_file_samples() -> dict[str, dict]:
    from enforcement.models import PartnerFile

    partner_file = PartnerFile.objects.create(
        kind="new-hires",
        direction="in",
        status="refused",
        name="nh.txt",
        content=b"H4",
        size=2,
        sha256="0" * 64,
        via="upload",
        errors=[{"line": 1, "reason": "record is 2 characters, expected 801"}],
    )
    return {
        "enforcement:partnerfile_detail": {"pk": partner_file.pk},
        "enforcement:partnerfile_download": {"pk": partner_file.pk},
        "enforcement:partnerfile_upload": {"kind": "new-hires"},
    }
