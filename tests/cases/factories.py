"""factory_boy factories for the cases models (other apps' tests use them too)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from cases.choices import (
    AssistanceStatus,
    CaseStage,
    Frequency,
    ObligationKind,
    OrderKind,
    OrderStatus,
    ParticipantRole,
    PaternityMethod,
    PaternityStatus,
)
from cases.models import (
    Address,
    Case,
    CaseBalance,
    CaseParticipant,
    Employer,
    Employment,
    Obligation,
    Person,
    SupportOrder,
    WorkItem,
)
from tests.factory_base import ModelFactory


class PersonFactory(ModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=20, maximum_age=60)
    ssn = factory.Sequence(lambda n: f"{500000000 + n:09d}")


class ChildFactory(PersonFactory):
    date_of_birth = factory.Faker("date_of_birth", minimum_age=1, maximum_age=16)
    born_in_wedlock = False
    paternity_status = PaternityStatus.ESTABLISHED
    paternity_established_on = date(2020, 3, 1)
    paternity_method = PaternityMethod.VOLUNTARY_ACKNOWLEDGMENT


class AddressFactory(ModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "NY"
    postal_code = factory.Faker("numerify", text="1####")
    valid_from = date(2024, 1, 1)
    source = "application"


def cast_caseworker():
    """The cast's caseworker (tests/conftest.py ``role_user("caseworker")``), created if need be:
    factory cases are on their caseload unless a test says otherwise (``caseworker=None``)."""
    from django.contrib.auth.models import Group

    from accounts.models import User

    user, created = User.objects.get_or_create(
        username="caseworker_user", defaults={"first_name": "Caseworker_User", "county": "Albany"}
    )
    if created:
        user.groups.add(Group.objects.get(name="caseworker"))
    return user


class CaseFactory(ModelFactory):
    """A case with a CP, an NCP and one child (pass ``participants=False`` for a bare case), on
    the cast caseworker's caseload."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    case_number = factory.Sequence(lambda n: f"NY-{900000 + n:06d}")
    county = "Albany"
    jurisdiction = "NY"
    assistance_status = AssistanceStatus.NEVER
    stage = CaseStage.ENFORCEMENT
    application_received_on = date(2024, 1, 2)
    opened_on = date(2024, 1, 10)
    ncp_located_on = date(2024, 1, 10)
    caseworker = factory.LazyFunction(cast_caseworker)

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        CaseParticipant.objects.create(case=self, person=PersonFactory(sex="F"), role=ParticipantRole.CP)
        CaseParticipant.objects.create(case=self, person=PersonFactory(sex="M"), role=ParticipantRole.NCP)
        CaseParticipant.objects.create(case=self, person=ChildFactory(), role=ParticipantRole.CHILD)


class SupportOrderFactory(ModelFactory):
    class Meta:
        model = SupportOrder

    case = factory.SubFactory(CaseFactory)
    order_number = factory.Sequence(lambda n: f"ORD-{n:06d}")
    kind = OrderKind.COURT
    court_name = "Albany County Family Court"
    issued_on = date(2024, 2, 1)
    effective_on = date(2024, 2, 1)
    status = OrderStatus.ACTIVE


class ObligationFactory(ModelFactory):
    class Meta:
        model = Obligation

    order = factory.SubFactory(SupportOrderFactory)
    kind = ObligationKind.CURRENT_SUPPORT
    amount = Decimal("500.00")
    frequency = Frequency.MONTHLY
    start_on = factory.SelfAttribute("order.effective_on")


class EmployerFactory(ModelFactory):
    class Meta:
        model = Employer

    name = factory.Faker("company")
    fein = factory.Sequence(lambda n: f"{100000000 + n:09d}")
    line1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "NY"
    postal_code = "12207"
    contact_email = factory.Faker("company_email")


class EmploymentFactory(ModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    started_on = date(2023, 6, 1)
    gross_monthly_income = Decimal("4200.00")


class WorkItemFactory(ModelFactory):
    class Meta:
        model = WorkItem

    case = factory.SubFactory(CaseFactory)
    title = "Follow up"
    kind = "manual"
    due_on = date(2026, 12, 1)


def case_with_order(monthly: Decimal = Decimal("500.00"), assistance_status: str = "never", **case_fields) -> Case:
    """An open case (CP, NCP, child) with one active court order carrying one monthly current
    support obligation of ``monthly``, and its (zero) CaseBalance row."""
    case = CaseFactory(assistance_status=assistance_status, **case_fields)
    order = SupportOrderFactory(case=case)
    ObligationFactory(order=order, amount=monthly)
    CaseBalance.objects.get_or_create(case=case, defaults={"monthly_obligation": monthly})
    return case


def case_create_post(**extra) -> dict:
    """The case-opening form for Maria Nunez (born 1988-04-12, SSN 123-45-6780), Hugo Reyes and
    their child Lola, in Albany (NY); ``extra`` overrides or adds fields."""
    return {
        "county": "Albany",
        "jurisdiction": "NY",
        "assistance_status": "never",
        "application_received_on": "2026-11-02",
        "cp_first_name": "Maria",
        "cp_last_name": "Nunez",
        "cp_date_of_birth": "1988-04-12",
        "cp_ssn": "123-45-6780",
        "ncp_first_name": "Hugo",
        "ncp_last_name": "Reyes",
        "ncp_ssn": "",
        "child_first_name": "Lola",
        "child_last_name": "Reyes",
        "child_date_of_birth": "2019-06-01",
        "child_paternity_status": "pending",
        "interstate_role": "none",
        **extra,
    }


def living_with_an_fvi_parent(person: Person) -> Case:
    """``person`` made a child on another case whose custodial parent has the family violence
    indicator: a minor parent who is an NCP on their own child's case and lives with their mother,
    the victim. Their whereabouts are hers (cases.redaction: ``parent_fvi``). Returns that case."""
    mothers_case = CaseFactory()
    CaseParticipant.objects.filter(case=mothers_case, role=ParticipantRole.CHILD).delete()
    CaseParticipant.objects.create(case=mothers_case, person=person, role=ParticipantRole.CHILD)
    Person.objects.filter(pk=mothers_case.cp.pk).update(family_violence=True)
    return mothers_case
