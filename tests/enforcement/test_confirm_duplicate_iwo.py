"""A coordinator confirms, on the employer's written word, the job a caseworker typed for an FVI NCP
at the employer already on file (the commonest case: the employer's letter is about the job it
already has). Two open withholding jobs at one employer then make the reconcile send that one
employer two originals (the NCP's pay withheld twice), and once an order is in force, two
amendments superseding the same order: the constraint refuses the second, the action's
reconcile rolls back every night and the employer never gets the amendment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Employment, Obligation, Person
from cases.services.employment import employment_confirm, employment_record
from enforcement.choices import IwoKind
from enforcement.models import IncomeWithholdingOrder
from enforcement.services.withholding import iwo_reconcile_action
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db


def _fvi_with_confirmed_duplicate(role_user, *, status: str):
    action = active_withholding_action(status=status)
    case = action.case
    on_file = Employment.objects.get(person=case.ncp)
    Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
    case.ncp.refresh_from_db()
    typed = employment_record(
        person=case.ncp,
        data={
            "fein": on_file.employer.fein,
            "started_on": timezone.localdate() - timedelta(days=5),
            "source": "pay_stub",
        },
        by=role_user("caseworker"),
    ).employment
    assert typed.awaits_confirmation
    employment_confirm(employment=typed, evidence="Verification of employment, on file", by=role_user("coordinator"))
    return action, on_file


def test_confirmed_job_at_the_employer_on_file_gets_one_original_only(role_user):
    action, on_file = _fvi_with_confirmed_duplicate(role_user, status="active")
    issued = iwo_reconcile_action(action=action)
    originals = [iwo for iwo in issued if iwo.kind == IwoKind.ORIGINAL and iwo.employer_id == on_file.employer_id]
    # one employer, one NCP, one case: one order to withhold
    assert len(originals) == 1, f"{len(originals)} originals sent to the same employer for one case"


def test_confirmed_job_at_the_employer_on_file_then_an_amendment(role_user):
    action, on_file = _fvi_with_confirmed_duplicate(role_user, status="active")
    # first order in force (suppose the duplicate were fixed to one original)
    IncomeWithholdingOrder.objects.all().delete()
    from enforcement.services import withholding as w

    first = w._issue(
        action=action, employment=on_file, kind=IwoKind.ORIGINAL, on=timezone.localdate() - timedelta(days=3)
    )
    assert first.pk
    # the support order changes: the reconcile should amend the order at that employer once
    obligation = Obligation.objects.filter(order__case=action.case).first()
    Obligation.objects.filter(pk=obligation.pk).update(amount=obligation.amount + Decimal("50.00"))
    counts = w.iwo_reconcile()
    # the nightly run fails on this action every night ("iwo_one_successor"): the employer is never
    # told the new amount
    assert counts["errors"] == 0 and counts[IwoKind.AMENDED] == 1, counts
