from __future__ import annotations

from datetime import date

import factory

from complaints.choices import Category, Channel
from complaints.models import Communication, Complaint, Referral
from tests.factory_base import ModelFactory


class ComplaintFactory(ModelFactory):
    """A complaint row as the service would write it (for lists and reports; rules go through services)."""

    class Meta:
        model = Complaint

    number = factory.Sequence(lambda n: f"CMP-T{n:03d}-TEST")
    channel = Channel.PHONE
    jurisdiction = "NY"
    complainant_name = factory.Faker("name")
    contact_phone = "518-555-0100"
    category = Category.CASE_ACTION
    description = "The payment I made in March is not on my account."
    received_on = date(2026, 11, 2)
    due_on = factory.LazyAttribute(lambda o: o.received_on)
    original_due_on = factory.LazyAttribute(lambda o: o.due_on)


class CommunicationFactory(ModelFactory):
    class Meta:
        model = Communication

    complaint = factory.SubFactory(ComplaintFactory)
    occurred_on = date(2026, 11, 3)
    direction = "out"
    party = "complainant"
    channel = "phone"
    summary = "Called back."


class ReferralFactory(ModelFactory):
    class Meta:
        model = Referral

    complaint = factory.SubFactory(ComplaintFactory)
    target_kind = "county"
    target_name = "Schenectady County Support Collection Unit"
    reason = "The order is theirs."
    created_on = date(2026, 11, 3)
    forward_by = date(2026, 11, 9)
