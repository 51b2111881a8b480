"""The one amount format, the one date format and the one money input (issue 15.3)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.forms import MoneyField


def render(source: str, **context) -> str:
    return Template("{% load caseworks %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("-650"), "-$650.00"),
        (Decimal("1234.5"), "$1,234.50"),
        (Decimal("-0.001"), "$0.00"),
        ("1250", "$1,250.00"),
        (0, "$0.00"),
        (None, ""),
        ("not money", ""),
    ],
)
def test_money_filter_puts_the_sign_before_the_dollar(value, shown):
    assert render("{{ v|money }}", v=value) == shown


def test_fdate_is_one_format_for_dates_and_datetimes():
    assert render("{{ d|fdate }}", d=date(2026, 3, 3)) == "Mar 3, 2026"
    at = datetime(2026, 3, 3, 19, 5, tzinfo=ZoneInfo("UTC"))  # 14:05 in New York
    assert render("{{ d|fdate }}", d=at) == "Mar 3, 2026"
    assert render('{{ d|fdate:"time" }}', d=at) == "Mar 3, 2026 14:05"
    assert render("{{ d|fdate }}", d=None) == ""
    assert render("{{ d|fdate }}", d="garbage") == ""


def test_fdate_follows_the_letter_language():
    with translation.override("es"):
        assert render("{{ d|fdate }}", d=date(2026, 3, 3)) == "3 Mar 2026"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("$1,250.00", Decimal("1250.00")),
        ("1,250", Decimal("1250.00")),
        ("1250.5", Decimal("1250.50")),
        (" $ 12,345,678.9 ", Decimal("12345678.90")),
        (".75", Decimal("0.75")),
    ],
)
def test_money_field_accepts_what_people_type(typed, amount):
    assert MoneyField().clean(typed) == amount


@pytest.mark.parametrize("typed", ["1,25", "12,50.00", "$1.234", "abc", "-5", "0", "1e3", "$", "1,2345"])
def test_money_field_refuses_the_rest_with_a_clear_message(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        MoneyField().clean(typed)


def test_money_field_takes_negative_and_zero_only_when_asked():
    assert MoneyField(allow_negative=True).clean("-$650.00") == Decimal("-650.00")
    assert MoneyField(allow_zero=True).clean("0") == Decimal("0.00")
    assert MoneyField(required=False).clean("") is None
    assert 'inputmode="decimal"' in MoneyField().widget.render("amount", Decimal("5"))
