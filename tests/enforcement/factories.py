"""Enforcement test data: cases with given balances, actions, petitions."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factory

from cases.models import Address, CaseBalance, CaseParticipant
from cases.services.ledger import months_in_arrears
from enforcement.choices import PetitionKind, ReferralAgency
from enforcement.models import CriminalReferral, Petition
from tests.cases.factories import CaseFactory, case_with_order
from tests.factory_base import ModelFactory

AS_OF = date(2026, 11, 23)
_numbers = itertools.count(800000)


def delinquent_case(
    *,
    jurisdiction: str = "NY",
    monthly: Decimal | str = "500.00",
    assigned: Decimal | str = "0.00",
    unassigned: Decimal | str = "0.00",
    months: Decimal | str | None = None,
    days_past_due: int | None = None,
    ncp=None,
    ncp_address: bool = True,
    **case_fields,
):
    """An open case with an order of ``monthly`` and the given arrears on its CaseBalance.

    ``months`` defaults to the figure the ledger stores for total / monthly
    (``cases.services.ledger.months_in_arrears``); the case is delinquent (45 CFR 303.6(b)) from
    ``days_past_due`` days before AS_OF when given, else when months >= 1 (30 days before AS_OF).
    The balance's monthly obligation is ``monthly``. The NCP has a mailing address (an older one than
    any a test adds) unless ``ncp_address`` is false: a notice with nowhere to go is not issued
    (``enforcement.services.actions.action_notice_issue``).
    """
    monthly, assigned, unassigned = Decimal(str(monthly)), Decimal(str(assigned)), Decimal(str(unassigned))
    case_fields.setdefault("case_number", f"{jurisdiction}-{next(_numbers):06d}")
    case = case_with_order(monthly=monthly, jurisdiction=jurisdiction, **case_fields)
    if ncp is not None:
        CaseParticipant.objects.filter(case=case, role="ncp").update(person=ncp)
    if ncp_address and not Address.objects.filter(person=case.ncp).exists():
        Address.objects.create(
            person=case.ncp,
            line1="10 Court Street",
            city="Albany",
            state="NY",
            postal_code="12207",
            valid_from=date(2020, 1, 1),
        )
    total = assigned + unassigned
    months_value = Decimal(str(months)) if months is not None else months_in_arrears(total, monthly)
    if days_past_due is not None:
        since = AS_OF - timedelta(days=days_past_due)
    elif months_value >= 1:
        since = AS_OF - timedelta(days=30)
    else:
        since = None
    CaseBalance.objects.filter(case=case).update(
        assigned_arrears=assigned,
        unassigned_arrears=unassigned,
        total_arrears=total,
        months_in_arrears=months_value,
        delinquent_since=since,
    )
    return case


class PetitionFactory(ModelFactory):
    class Meta:
        model = Petition

    case = factory.SubFactory(CaseFactory)
    kind = PetitionKind.VIOLATION
    court_name = "Albany County Family Court"
    docket_number = factory.Sequence(lambda n: f"V-{1000 + n}-26")
    filed_on = date(2026, 11, 2)


class CriminalReferralFactory(ModelFactory):
    class Meta:
        model = CriminalReferral

    case = factory.SubFactory(CaseFactory)
    agency = ReferralAgency.DISTRICT_ATTORNEY
    agency_name = "Albany County District Attorney"
    referred_on = date(2026, 11, 2)
