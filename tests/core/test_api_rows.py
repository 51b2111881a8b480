"""core.api.rows: list rows represented exactly as the serializer's own fields represent them."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import models
from django.utils import timezone as django_timezone
from rest_framework import serializers

from cases.api.serializers import CASE_COLUMNS, BalanceSerializer, CaseSerializer, PersonSerializer
from cases.ledger.api.serializers import CollectionListSerializer
from core.api.rows import field_representers
from enforcement.api.serializers import EnforcementActionSerializer


class Sample(serializers.Serializer):
    text = serializers.CharField()
    choice = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")])
    numeric_choice = serializers.ChoiceField(choices=[(1, "One"), (2, "Two")])
    flag = serializers.BooleanField()
    number = serializers.IntegerField()
    big_number = serializers.ModelSerializer.serializer_field_mapping[models.BigAutoField]()
    big_text = serializers.ModelSerializer.serializer_field_mapping[models.BigAutoField](coerce_to_string=True)
    day = serializers.DateField()
    day_text = serializers.DateField(format="%d/%m/%Y")
    instant = serializers.DateTimeField()
    utc_instant = serializers.DateTimeField(default_timezone=UTC)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    short_amount = serializers.DecimalField(max_digits=4, decimal_places=2)
    rounded_amount = serializers.DecimalField(max_digits=12, decimal_places=0)
    number_amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)


VALUES = {
    "text": ["", "Reyes", "José Peña"],
    "choice": ["a", "b", ""],
    "numeric_choice": [1, 2],
    "flag": [True, False],
    "number": [0, 812, -3],
    "big_number": [0, 812, 9_007_199_254_740_993],
    "big_text": [812, 9_007_199_254_740_993],
    "day": [date(2026, 3, 2), date(1, 1, 1)],
    "day_text": [date(2026, 3, 2)],
    "instant": [
        datetime(2026, 11, 30, 14, 2, 11, tzinfo=UTC),
        datetime(2026, 7, 1, 3, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 1, 2, 3, 4, 5),  # naive: DRF's own handling
    ],
    "utc_instant": [datetime(2026, 11, 30, 14, 2, 11, tzinfo=UTC)],
    # At the field's places (the fast path) and not: fewer or more places, integers, signs.
    "amount": [
        Decimal("250.00"),
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("-0.00"),
        Decimal("-12.30"),
        Decimal("1234567.5"),
        Decimal("3.14159"),
        Decimal("5E+2"),
        Decimal("9999999999.99"),
        7,
        2.5,
    ],
    "short_amount": [Decimal("12.34"), Decimal("1.20")],
    "rounded_amount": [Decimal("12"), Decimal("12.50"), Decimal("13.5")],
    "number_amount": [Decimal("250.00"), Decimal("1.5")],
}


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_each_value_is_represented_as_the_serializers_field_represents_it(zone):
    fields = Sample().fields
    with django_timezone.override(zone):
        fast = field_representers(Sample, tuple(VALUES))  # asked per page, in the page's time zone
        for name, values in VALUES.items():
            for value in values:
                expected = fields[name].to_representation(value)
                got = fast[name](value)
                assert got == expected and type(got) is type(expected), (name, value, got, expected)


def test_instants_are_shown_in_the_time_zone_current_when_the_page_is_represented():
    instant = datetime(2026, 11, 30, 14, 2, 11, tzinfo=UTC)
    with django_timezone.override("America/New_York"):
        new_york = field_representers(Sample, ("instant", "utc_instant"))
    with django_timezone.override("UTC"):
        utc = field_representers(Sample, ("instant", "utc_instant"))
    assert new_york["instant"](instant) == "2026-11-30T09:02:11-05:00"
    assert utc["instant"](instant) == "2026-11-30T14:02:11Z"
    # A field with its own time zone keeps DRF's representation, in that zone.
    assert new_york["utc_instant"](instant) == utc["utc_instant"](instant) == "2026-11-30T14:02:11Z"


def test_an_amount_at_its_places_is_shown_without_drfs_quantize(monkeypatch):
    """A page of cases shows 350 amounts: DRF's quantize (a context and a quantum per value) is
    skipped for a column's value, which already has the field's places."""
    fast = field_representers(Sample, ("amount",))

    def quantize(self, value):
        raise AssertionError("quantized")

    monkeypatch.setattr(serializers.DecimalField, "quantize", quantize)
    assert fast["amount"](Decimal("1234.50")) == "1234.50"
    with pytest.raises(AssertionError, match="quantized"):
        fast["amount"](Decimal("1234.5"))  # other places: DRF's own representation


@pytest.mark.parametrize(
    ("serializer", "names"),
    [
        (CaseSerializer, CASE_COLUMNS),
        (BalanceSerializer, tuple(BalanceSerializer.Meta.fields)),
        (PersonSerializer, tuple(PersonSerializer.Meta.fields[:-1])),
        (CollectionListSerializer, tuple(CollectionListSerializer.Meta.fields)),
        (
            EnforcementActionSerializer,
            tuple(f for f in EnforcementActionSerializer.Meta.fields if f not in ("reference", "case_number", "rule")),
        ),
    ],
)
def test_the_list_serializers_fields_are_all_represented(serializer, names):
    representers = field_representers(serializer, names)
    assert list(representers) == list(names)
    assert all(callable(show) for show in representers.values())


def test_a_row_representer_gives_the_comprehensions_item():
    """``row_representer``'s straight-line code: each name from its column, null stays null, in order."""
    from core.api.rows import row_representer

    shows = field_representers(Sample, ("text", "number", "amount", "choice"))
    fields = [
        ("text", "a column", shows["text"]),
        ("number", "n", shows["number"]),
        ("it's", "amount", shows["amount"]),
        ("choice", "choice", shows["choice"]),  # shown as it is: put in without a call
    ]
    represent = row_representer(fields)
    for row in [
        {"a column": "x", "n": 3, "amount": Decimal("1.50"), "choice": "a"},
        {"a column": None, "n": None, "amount": None, "choice": None, "other": 1},
    ]:
        expected = {name: None if row[column] is None else show(row[column]) for name, column, show in fields}
        assert represent(row) == expected and list(represent(row)) == ["text", "number", "it's", "choice"]
    with pytest.raises(KeyError):
        represent({"n": 1})
