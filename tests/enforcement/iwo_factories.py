"""Income withholding test data: an active income withholding action for an employed NCP, and the
e-IWO acknowledgment file an employer sends back about its orders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cases.models import Address, CaseBalance, Obligation
from enforcement.interchange.fixedwidth import write_text
from enforcement.interchange.layouts.eiwo import EIWO_ACKS
from enforcement.models import EnforcementAction, IncomeWithholdingOrder, RemedyRule
from tests.cases.factories import EmployerFactory, EmploymentFactory
from tests.enforcement.factories import AS_OF, delinquent_case


def active_withholding_action(
    *,
    monthly: str = "433.33",
    arrears: str = "2600.00",
    employer=None,
    eiwo=False,
    health=False,
    status: str = "active",
    case=None,
    **case_fields,
) -> EnforcementAction:
    """A NY case with a monthly order of ``monthly``, ``arrears`` unassigned, an NCP employed at
    ``employer`` (made when not given) and an income withholding action in ``status``."""
    case = case or delinquent_case(monthly=monthly, unassigned=arrears, **case_fields)
    order = case.orders.get()
    if health:
        order.health_coverage_required = True
        order.save()
    ncp = case.ncp
    employer = employer or EmployerFactory(
        name="Hudson Valley Logistics",
        line1="12 Industrial Park Rd",
        city="Albany",
        state="NY",
        postal_code="12206",
        fein="141234567",
        eiwo_enrolled=eiwo,
    )
    EmploymentFactory(person=ncp, employer=employer, started_on=date(2024, 1, 8))
    Address.objects.create(
        person=ncp, line1="44 Elm Street", city="Albany", state="NY", postal_code="12203", valid_from=date(2024, 1, 1)
    )
    rule = RemedyRule.objects.get(remedy="income_withholding", jurisdiction=case.jurisdiction)
    total = Decimal(arrears)
    return EnforcementAction.objects.create(
        case=case,
        remedy=rule.remedy,
        rule=rule,
        proposed_on=AS_OF,
        total_arrears=total,
        months_in_arrears=6,
        timeframe_start_on=AS_OF,
        timeframe_due_on=AS_OF,
        notice_issued_on=AS_OF,
        notice_total_arrears=total,
        taken_on=AS_OF,
        contest_opens_on=AS_OF,
        contest_ends_on=AS_OF,
        activated_on=AS_OF if status == "active" else None,
        status=status,
    )


def add_obligation(case, *, kind: str, amount: str, frequency: str = "monthly") -> Obligation:
    order = case.orders.get()
    return Obligation.objects.create(
        order=order, kind=kind, amount=Decimal(amount), frequency=frequency, start_on=order.effective_on
    )


def set_arrears(case, amount: str) -> None:
    CaseBalance.objects.filter(case=case).update(total_arrears=Decimal(amount), unassigned_arrears=Decimal(amount))


def ack_file(acks: list[dict], control: str = "36000F0000000009001", on: date = date(2026, 11, 30)) -> bytes:
    """An e-IWO acknowledgment file (one employer batch) holding ``acks`` (``ack``)."""
    stamp = {"state_fips": "36000", "created_on": on, "created_time": "101500"}
    records = [
        {"type": "fha", "control_number": control, **stamp},
        {"type": "bha", "control_number": control[:-1] + "2", **stamp},
        *({"type": "ack", **ack} for ack in acks),
        {"type": "bta", "control_number": control[:-1] + "2", "batch_count": 0, "record_count": len(acks)},
        {"type": "fta", "control_number": control, "batch_count": 1, "record_count": len(acks)},
    ]
    return write_text(records, EIWO_ACKS).encode("ascii")


def ack(iwo: IncomeWithholdingOrder, status: str = "A", reason: str = "", **more) -> dict:
    """The employer's acknowledgment of ``iwo``: accepted (``A``) or rejected (``R``) for ``reason``."""
    return {
        "action_code": iwo.kind,
        "case_id": iwo.remittance_id,
        "employer_fein": iwo.employer_fein,
        "employee_ssn": "500000001",
        "tracking_id": iwo.control_number,
        "disposition_status": status,
        "disposition_reason": reason,
        **more,
    }
