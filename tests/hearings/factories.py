from __future__ import annotations

from datetime import date

import factory

from hearings.choices import Basis, Issue
from hearings.models import ComplianceAction, HearingRequest
from tests.factory_base import ModelFactory


class HearingRequestFactory(ModelFactory):
    class Meta:
        model = HearingRequest

    number = factory.Sequence(lambda n: f"HRG-T{n:03d}-TEST")
    jurisdiction = "NY"
    requester_name = factory.Faker("name")
    contact_phone = "518-555-0101"
    issue = Issue.DISTRIBUTION
    statement = "My payments were applied to the wrong month."
    requested_on = date(2026, 11, 2)
    basis = Basis.NO_RESOLUTION
    complaint_made_on = date(2026, 9, 1)
    filing_deadline = date(2026, 11, 30)
    hold_by = date(2026, 12, 17)
    decide_by = date(2027, 1, 18)


class ComplianceActionFactory(ModelFactory):
    class Meta:
        model = ComplianceAction

    request = factory.SubFactory(HearingRequestFactory)
    description = "Recalculate the arrears from March."
    due_on = date(2026, 12, 15)
