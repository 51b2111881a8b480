"""A collection's employer locates its payor: withheld in admin when the NCP has the FVI (42 USC 654(26))."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Collection
from cases.redaction import withheld_fields
from tests.cases.factories import CaseFactory, EmployerFactory

pytestmark = pytest.mark.django_db


def _collection(case, employer):
    return Collection.objects.create(
        source_reference="EMP-1",
        case=case,
        amount=Decimal("100.00"),
        received_on=date(2026, 11, 2),
        collected_on=date(2026, 11, 2),
        source="income_withholding",
        received_via="ach",
        employer=employer,
    )


@pytest.mark.parametrize("fvi", [False, True])
def test_collection_employer_is_withheld_for_an_fvi_payor(client, role_user, fvi):
    case = CaseFactory()
    ncp = case.ncp
    ncp.family_violence = fvi
    ncp.save()
    employer = EmployerFactory(name="Hidden Works Inc")
    collection = _collection(case, employer)
    assert withheld_fields(collection) == (("employer",) if fvi else ())
    client.force_login(role_user("administrator"))
    page = client.get(reverse("admin:cases_collection_change", args=[collection.pk]))
    assert page.status_code == 200
    assert ("Hidden Works Inc" in page.content.decode()) is not fvi
