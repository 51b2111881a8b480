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
    assert (
        Case.objects.filter(status="closed").exists() and Case.objects.filter(next_deadline_on__isnull=False).exists()
    )


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


def test_generate_office_writes_spells_consistent_with_the_ledger_assignment():
    """17.1: every case has assistance spells ending in its present status; the ledger the
    generator computed in memory is what the ledger services derive from those spells (a
    re-derivation changes nothing) and verify_ledger finds no difference."""
    from datetime import timedelta

    from cases.models import AssistanceSpell, Collection, LedgerEntry, Obligation

    result = office_generate(cases=120, seed=5, months=8, chunk=50)  # several chunks
    assert result.cases == 120 and result.ledger_counts["collections"] > 0
    cases = list(Case.objects.filter(pk__range=(result.first_case_id, result.last_case_id)))
    for case in cases:
        spells = list(AssistanceSpell.objects.filter(case=case).order_by("start_on"))
        assert spells and spells[0].start_on == case.opened_on and spells[-1].end_on is None
        assert spells[-1].status == case.assistance_status
        for earlier, later in zip(spells, spells[1:], strict=False):
            assert earlier.end_on == later.start_on - timedelta(days=1)
    assert AssistanceSpell.objects.filter(end_on__isnull=False).exists()  # some families changed status
    assert CaseBalance.objects.filter(case__in=cases).count() == 120  # one balance row per case, written once
    assert CaseBalance.objects.filter(assigned_arrears__gt=0).exists()
    # accrued_through is the last due date charged
    for ob in Obligation.objects.filter(order__case__in=cases, accrued_through__isnull=False)[:20]:
        last = LedgerEntry.objects.filter(obligation=ob, entry_type="charge").order_by("-due_on").first()
        assert last is None or last.due_on == ob.accrued_through
    assert (
        Collection.objects.filter(case__in=cases, received_via="generator").count()
        == result.ledger_counts["collections"]
    )
    assert ledger_differences() == []
    out = StringIO()
    call_command("ledger_rederive", stdout=out)
    assert "spells_opened=0 months_reassigned=0 collections_redistributed=0" in out.getvalue()
    assert ledger_differences() == []


def test_generate_office_numbers_after_the_highest_numeric_case_number():
    # A case number of another shape (a partner's or a bench's) sorts above every numeric one as
    # text; it used to restart the numbering at NY-000001 and collide.
    office_generate(cases=2, seed=5, months=1, ledger=False)
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(case_number="NY-B96405034")
    result = office_generate(cases=1, seed=6, months=1, ledger=False)
    assert Case.objects.get(pk=result.first_case_id).case_number == "NY-000003"
