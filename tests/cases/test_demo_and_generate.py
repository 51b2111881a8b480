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


def test_a_seed_makes_the_same_office_whatever_caseworkers_the_office_has(django_user_model):
    """What is already in the database does not change the office a seed makes. The caseworkers
    cases are given come from a random stream of their own (three caseworkers in the database
    drew the rest of the office differently), and each case's history is seeded by its number,
    not its id (on PostgreSQL the sequences stand wherever earlier work left them: each run
    below starts from other ids). Before, a CI run's office had no never-assisted case in
    arrears for the ledger re-derivation test."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    class Rollback(Exception):
        pass

    caseworkers = Group.objects.get_or_create(name="caseworker")[0]
    offices = []
    for count in (0, 1, 3, 5):
        with pytest.raises(Rollback), transaction.atomic():
            for i in range(count):
                django_user_model.objects.create(username=f"worker{i}").groups.add(caseworkers)
            office_generate(cases=12, seed=3, months=6)
            offices.append(
                list(
                    CaseBalance.objects.order_by("case__case_number").values_list(
                        "case__assistance_status", "current_due_month", "unassigned_arrears", "assigned_arrears"
                    )
                )
            )
            raise Rollback
    assert offices[0] and all(office == offices[0] for office in offices)


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


def test_generator_distribution_is_the_real_rules_on_random_questions():
    """17.1: the generator's ``_distributed`` (no slices or distributions built per payment)
    answers exactly as ``cases.allocation.distribute`` for every status, source and balance, with
    and without the pass-through of assigned support to a former recipient (Fam. Code 17504.2)."""
    from cases import allocation as rules
    from cases.generate import _distributed

    rng = random.Random(17)

    def cents(high: int) -> Decimal:
        # zeros and exact ties often, otherwise any amount up to ``high`` dollars
        return rng.choice([Decimal("0.00"), Decimal("100.00"), Decimal(rng.randint(1, high * 100)) / 100])

    for _ in range(20000):
        status = rng.choice(rules.ASSISTANCE_STATUSES)
        source = rng.choice([rules.FEDERAL_TAX_OFFSET, "income_withholding", "direct_payment"])
        amount = rng.choice([Decimal("100.00"), Decimal(rng.randint(1, 300000)) / 100])
        current, unassigned, assigned, pass_left = cents(1500), cents(4000), cents(4000), cents(200)
        former_to_family = rng.random() < 0.5
        expected = rules.distribute(
            assistance_status=status,
            source=source,
            amount=amount,
            current_due=[rules.Slice(rules.CURRENT, current)],
            arrears=[rules.Slice(rules.ARREARS_UNASSIGNED, unassigned), rules.Slice(rules.ARREARS_ASSIGNED, assigned)],
            pass_through_available=pass_left,
            former_assigned_to_family=former_to_family,
        )
        lines, held_reason, policy = _distributed(
            status, source, amount, current, unassigned, assigned, pass_left, former_to_family
        )
        assert [(line.bucket, line.payee, line.amount) for line in expected.lines] == lines
        assert all(line.obligation_kind == "" for line in expected.lines)
        assert (held_reason, policy) == (expected.held_reason, expected.overpayment_policy)
        assert [str(line.amount) for line in expected.lines] == [str(share) for _b, _p, share in lines]


def test_generate_office_is_the_same_whatever_the_workers_and_a_worker_error_rolls_back(monkeypatch):
    """17.1: the histories computed by forked workers are those computed in-process (ids
    included: each batch has its collection ids reserved), and an error in a worker leaves the
    database as it was (one transaction, written by the parent alone)."""
    from django.db import connection, transaction

    from cases import generate
    from cases.models import Allocation, Collection, Disbursement, LedgerEntry, Obligation

    class Rollback(Exception):
        pass

    def snapshot() -> list:
        return [
            list(CaseBalance.objects.order_by("case_id").values_list(*generate.BALANCE_FIELDS)),
            list(Collection.objects.order_by("id").values_list("id", "source_reference", "amount", "content_hash")),
            list(LedgerEntry.objects.order_by("id").values_list("case_id", "entry_type", "amount", "collection_id")),
            list(Allocation.objects.order_by("id").values_list("collection_id", "bucket", "payee", "amount")),
            list(Disbursement.objects.order_by("id").values_list("collection_id", "amount", "due_by", "status")),
            list(Obligation.objects.order_by("id").values_list("id", "accrued_through")),
        ]

    def sequences() -> list[tuple[str, int | None]]:
        """PostgreSQL's sequences (not rolled back with the transaction), to restart each run
        from the same ids; SQLite's ids come back with the rollback."""
        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")
            return cursor.fetchall()

    def sequences_restored(saved: list[tuple[str, int | None]]) -> None:
        with connection.cursor() as cursor:
            for name, last in saved:
                cursor.execute("SELECT setval(%s, %s, %s)", [name, last or 1, last is not None])

    offices = {}
    saved = sequences()
    for workers in (1, 2):
        sequences_restored(saved)
        with pytest.raises(Rollback), transaction.atomic():
            office_generate(cases=45, seed=3, months=7, chunk=20, workers=workers)
            offices[workers] = snapshot()
            raise Rollback
    assert offices[1] == offices[2] and offices[1][2]

    def broken(plan, case, *args):
        raise RuntimeError(f"history of case {case.id} failed")

    monkeypatch.setattr(generate, "_case_history", broken)  # before the fork: the workers have it
    with pytest.raises(RuntimeError, match="history of case"):
        office_generate(cases=45, seed=3, months=7, chunk=20, workers=2)
    assert not Case.objects.exists() and not LedgerEntry.objects.exists()
