import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from cases import demo
from cases.generate import office_generate
from cases.ledger_verify import ledger_differences
from cases.models import Case, CaseBalance

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_has_delinquent_cases(role_user):
    users = {"caseworker": role_user("caseworker")}
    demo.seed(users=users, rng=random.Random(1), stdout=StringIO())
    count = Case.objects.count()
    assert count >= 25
    demo.seed(users=users, rng=random.Random(1), stdout=StringIO())
    assert Case.objects.count() == count
    balances = CaseBalance.objects.all()
    assert balances.filter(total_arrears__gt=Decimal("2500")).exists()
    assert balances.filter(months_in_arrears__gte=4).exists()
    assert balances.filter(unassigned_arrears__gte=500).exists()
    assert balances.filter(assigned_arrears__gt=0).exists()
    assert ledger_differences() == []
    assert Case.objects.filter(status="closed").exists() and Case.objects.filter(next_deadline_on__isnull=False).exists()


def test_generate_office_adds_without_colliding_and_ledger_verifies():
    office_generate(cases=30, seed=1, months=6)
    first = set(Case.objects.values_list("case_number", flat=True))
    office_generate(cases=30, seed=2, months=6)
    numbers = list(Case.objects.values_list("case_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 60 and first < set(numbers)
    assert ledger_differences() == []
    assert Case.objects.filter(orders__isnull=False).distinct().count() > 10


def test_generate_office_command_rejects_bad_arguments():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_office", cases=0, stdout=StringIO())
