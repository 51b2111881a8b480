"""A notice's "Delinquent since" agrees with its months in arrears (red team rtletters: a notice
told the NCP "Months of support in arrears: 32.00" and, three lines below, "Delinquent since:
November 23, 2026" -- the date of the notice). For an order whose
charges were accrued in one catch-up run (an order effective February 2024 brought into the IV-D
ledger now), ``delinquent_since`` was the day the system first saw the arrears
(cases/services/ledger_accrual.py:151-152, ``COALESCE(delinquent_since, <run date>)``), and
enforcement/notices.py:91-92 printed it as when the parent became delinquent. The two figures of
the same letter contradicted each other. The accrual now dates a delinquency a late run creates
from its oldest late charge, as daily runs would (``ledger_accrual.ARREARS_BUCKETS``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cases import services
from cases.models import CaseBalance
from core.letters import letter_text
from enforcement.models import EnforcementAction
from enforcement.notices import notice_letter
from enforcement.services.actions import action_notice_issue
from enforcement.services.sweep import sweep_run_inline
from tests.cases.factories import AddressFactory, case_with_order
from tests.cases.test_ledger_services import post

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 23)


def test_delinquent_since_agrees_with_the_months_in_arrears_on_the_same_notice():
    # given: $500 a month due since 1 February 2024 (the factory's order), $500 paid in all
    case = case_with_order(monthly=Decimal("500.00"))
    AddressFactory(person=case.ncp, line1="10 Court Street", city="Albany", postal_code="12207")
    services.charges_accrue(through=ON)
    for n, (received, amount) in enumerate([(date(2024, 6, 3), "300.00"), (date(2025, 3, 3), "200.00")]):
        post(case, amount, f"CHK-{n}", source="direct_payment", received_on=received, posted_on=received)
    balance = CaseBalance.objects.get(case=case)
    assert balance.months_in_arrears >= 30
    sweep_run_inline(as_of=ON)
    action = EnforcementAction.objects.get(case=case, remedy="passport_denial")
    action = action_notice_issue(action=action, by=None, on=ON)
    figures = dict(notice_letter(action, language="en").figures)
    # then: 32 months behind on 23 November 2026 means behind since 2024, not since today
    assert figures["Months of support in arrears"] == "32.00"
    # (February 2024's support rolled into arrears on 1 March 2024)
    assert figures["Delinquent since"] == "March 1, 2024", letter_text(notice_letter(action, language="en"))
