"""core.db.rows_insert and rows_update: tuples in, the same rows as bulk_create / bulk_update would
write, on both vendors."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import EntryType
from cases.models import Case, LedgerEntry
from core.db import ids_in, rows_insert, rows_update
from core.models import DomainEvent
from tests.cases.factories import ObligationFactory
from tests.conftest import needs_postgres

pytestmark = pytest.mark.django_db


def test_fixed_values_defaults_and_json_columns():
    case_type = ContentType.objects.get_for_model(Case)
    before = timezone.now()
    ids = rows_insert(
        DomainEvent,
        ("verb", "subject_id", "summary", "data"),
        [("a", 1, "first", {"amount": "1.50", "list": [1, 2], "nested": {"k": None}}), ("b", 2, "second", {})],
        values={"subject_type": case_type, "actor_label": "test"},
        returning=("id",),
    )
    assert len(ids) == 2
    first, second = DomainEvent.objects.filter(pk__in=[pk for (pk,) in ids]).order_by("verb")
    assert (first.subject_type, first.actor_label, first.subject_id) == (case_type, "test", 1)
    assert first.data == {"amount": "1.50", "list": [1, 2], "nested": {"k": None}}
    assert second.data == {}
    assert before <= first.occurred_at <= timezone.now()  # auto_now_add column: the time of the insert
    assert first.case_id is None  # nullable column without a default: NULL


def test_ignore_conflicts_skips_and_returns_only_inserted_rows():
    obligation = ObligationFactory()
    case_id = obligation.order.case_id
    fields = ("case_id", "entry_type", "obligation_id", "amount", "due_on", "posted_on")
    first = (case_id, EntryType.CHARGE, obligation.pk, Decimal("500.00"), date(2024, 3, 1), date(2024, 3, 1))
    rows_insert(LedgerEntry, fields, [first])
    second = (case_id, EntryType.CHARGE, obligation.pk, Decimal("500.00"), date(2024, 4, 1), date(2024, 4, 1))
    inserted = rows_insert(LedgerEntry, fields, [first, second], ignore_conflicts=True, returning=("due_on",))
    assert inserted == [(date(2024, 4, 1),)]  # the charge already there (one per due date) is skipped
    assert LedgerEntry.objects.filter(obligation=obligation).count() == 2


def test_without_ignore_conflicts_a_duplicate_fails_the_statement():
    from django.db import IntegrityError, transaction

    obligation = ObligationFactory()
    row = (
        obligation.order.case_id,
        EntryType.CHARGE,
        obligation.pk,
        Decimal("1.00"),
        date(2024, 3, 1),
        date(2024, 3, 1),
    )
    fields = ("case_id", "entry_type", "obligation_id", "amount", "due_on", "posted_on")
    rows_insert(LedgerEntry, fields, [row])
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(LedgerEntry, fields, [row])


def test_many_rows_take_few_statements():
    rows = [("v", i, "s", {"i": i}) for i in range(5000)]
    with CaptureQueriesContext(connection) as ctx:
        rows_insert(DomainEvent, ("verb", "subject_id", "summary", "data"), rows)
    assert len(ctx.captured_queries) <= 3  # PostgreSQL one statement; SQLite one per 30,000 parameters
    assert DomainEvent.objects.filter(verb="v").count() == 5000


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'quote " inside',
        "back\\slash",
        "{braces}, commas",
        "NULL",
        "",
        "new\nline",
        "unicode é ✓",
        'json-ish {"a": "b\\"c"}',
    ],
)
def test_any_text_and_json_round_trips(text):
    rows_insert(
        DomainEvent,
        ("verb", "summary", "case_id", "data"),
        [("t", text, 7, {"text": text, "n": [1, None]}), ("t", "", None, {})],
    )
    first, second = DomainEvent.objects.filter(verb="t").order_by("pk")
    assert (first.summary, first.case_id, first.data) == (text, 7, {"text": text, "n": [1, None]})
    assert (second.summary, second.case_id, second.data) == ("", None, {})


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_deferred_foreign_keys_are_checked_when_asked_not_at_commit():
    from django.db import IntegrityError, transaction

    from core.db import foreign_keys_check_now

    reached = []
    with pytest.raises(IntegrityError), transaction.atomic():
        DomainEvent.objects.create(verb="orphan", subject_type_id=987654321)  # deferred: accepted for now
        reached.append("insert")
        foreign_keys_check_now()
        reached.append("check")
    assert reached == ["insert"]
    assert not DomainEvent.objects.filter(verb="orphan").exists()


@pytest.mark.parametrize("text", ["plain", 'quote " inside', "back\\slash", "{braces}, commas", "NULL", "unicode é ✓"])
def test_rows_update_sets_each_row_its_own_values_and_leaves_the_rest(text):
    ids = [
        pk
        for (pk,) in rows_insert(
            DomainEvent, ("verb", "summary", "data"), [("u", f"s{i}", {"i": i}) for i in range(3)], returning=("id",)
        )
    ]
    other = DomainEvent.objects.create(verb="other", summary="kept", data={"k": 1})
    with CaptureQueriesContext(connection) as ctx:
        updated = rows_update(
            DomainEvent, ["summary", "data"], [(ids[0], text, {"text": text}), (ids[2], "", {"n": [1, None]})]
        )
    assert updated == 2 and len(ctx.captured_queries) == 1
    rows = {e.pk: (e.summary, e.data) for e in DomainEvent.objects.filter(verb="u")}
    assert rows == {ids[0]: (text, {"text": text}), ids[1]: ("s1", {"i": 1}), ids[2]: ("", {"n": [1, None]})}
    other.refresh_from_db()
    assert (other.summary, other.data) == ("kept", {"k": 1})
    assert rows_update(DomainEvent, ["summary"], []) == 0


def test_rows_insert_reading_writes_the_rows_and_reads_the_values_rows_in_one_round_trip():
    """The people list's audit rows and its people's cases: one statement on PostgreSQL (17.3)."""
    from core.db import rows_insert_reading

    case_type = ContentType.objects.get_for_model(Case)
    cases = [ObligationFactory().order.case for _ in range(2)]
    read = Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("-id").values("id", "case_number", "opened_on")
    expected = list(read)
    with CaptureQueriesContext(connection) as captured:
        got = rows_insert_reading(
            DomainEvent,
            ("verb", "subject_id", "data"),
            [("a", 1, {"k": [1]}), ("b", 2, {})],
            values={"subject_type": case_type, "actor_label": "test"},
            read=read,
        )
    assert got == expected and isinstance(got[0]["opened_on"], date)  # converted as .values() converts
    assert len(captured) == (1 if connection.vendor == "postgresql" else 2)
    written = list(DomainEvent.objects.filter(actor_label="test").order_by("verb").values_list("verb", "data"))
    assert written == [("a", {"k": [1]}), ("b", {})]
    # Nothing to read, or nothing to write: the other half still happens.
    assert rows_insert_reading(DomainEvent, ("verb",), [("c",)], values={"actor_label": "test"}, read=read.none()) == []
    assert DomainEvent.objects.filter(actor_label="test", verb="c").exists()
    assert rows_insert_reading(DomainEvent, ("verb",), [], read=read) == expected
    with pytest.raises(TypeError):
        rows_insert_reading(DomainEvent, ("verb",), [("d",)], read=Case.objects.all())


def test_values_prepared_compiles_once_per_shape_and_fills_every_place_of_its_marker():
    """One statement per shape, kept on the connection (issue 17.3); each run's value goes in every
    parameter that held the marker, here a sentinel the ORM passed through the lookup (the cursor
    pages' position: the page's bound and the view's own copy of it in a subquery)."""
    from core.db import values_prepared

    ids = sorted(ObligationFactory().order.case.pk for _ in range(3))
    built: list = []

    def build(bound):
        built.append(bound)
        cases = Case.objects.order_by("id").values("id", "opened_on")
        if bound is None:
            return cases
        # Each place matters: with either left at the sentinel the rows would differ.
        return cases.filter(id__gte=bound).exclude(pk__in=Case.objects.filter(id=bound).values("pk"))

    sentinel, after, first = -2_000_000_017, ("test", object()), ("test", object())
    for position in ids:
        prepared = values_prepared(after, Case, build, marker=sentinel)
        assert prepared is not None and len(prepared.slots) == 2
        expected = list(Case.objects.filter(id__gt=position).order_by("id").values("id", "opened_on"))
        assert prepared.fetch(position) == expected and isinstance(prepared.fetch(ids[0])[0]["opened_on"], date)
    # No marker: the same statement at every run (a first page).
    prepared = values_prepared(first, Case, build, marker=None)
    assert prepared is not None and prepared.slots == () and [row["id"] for row in prepared.fetch()] == ids
    assert built == [sentinel, None]
    # A marker the SQL never receives: not kept (each run would read the same rows whatever its value).
    assert values_prepared(("test", object()), Case, lambda bound: Case.objects.values("id"), marker=sentinel) is None


def test_ids_in_filters_by_many_ids_with_one_parameter():
    rows_insert(DomainEvent, ("verb", "subject_id", "summary"), [("v", i, "s") for i in range(3000)])
    pks = list(DomainEvent.objects.filter(verb="v").order_by("pk").values_list("pk", flat=True))
    wanted = pks[::3]
    with CaptureQueriesContext(connection) as ctx:
        found = list(DomainEvent.objects.filter(pk__in=ids_in(wanted)).order_by("pk").values_list("pk", flat=True))
    assert found == wanted
    if connection.vendor == "postgresql":  # the ids go as one array literal, not a placeholder each
        assert "unnest" in ctx.captured_queries[0]["sql"]
    assert list(DomainEvent.objects.filter(pk__in=ids_in([]))) == []
