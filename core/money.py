"""Money is Decimal with two places; quantise at the edges, never use float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: object) -> Decimal:
    """Round to cents (half up), for computed amounts."""
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc


def parse_amount(value: object, *, allow_zero: bool = False) -> Decimal:
    """Parse an amount given by a person or a partner: at most two decimals, positive."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("Enter an amount such as 125.50.") from exc
    if not amount.is_finite():
        raise ValueError("Enter an amount such as 125.50.")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("Amounts have at most two decimal places.")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValueError("The amount must be greater than zero.")
    return amount.quantize(CENT)


def fmt(value: Decimal | str | None) -> str:
    """``1,234.50``. A figure read back from JSON is a string: it is read as a Decimal, not failed on."""
    if value is None or value == "":
        return f"{ZERO:,.2f}"
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return f"{value:,.2f}"


def display(value: Decimal | str | int | None) -> str:
    """``$1,234.50`` and ``-$650.00`` (the sign before the dollar sign): the one way every page,
    letter, statement and CSV for people shows an amount (the ``money`` template filter)."""
    if value is None or value == "":
        return ""
    amount = money(value)
    if amount == 0:
        amount = ZERO  # never "-$0.00"
    return f"-${fmt(-amount)}" if amount < 0 else f"${fmt(amount)}"


def parse_money_input(value: object, *, allow_negative: bool = False, allow_zero: bool = False) -> Decimal:
    """An amount typed by a person: ``$1,250.00``, ``1,250``, ``1250.5``, `` $ 1,250 ``.

    Commas must group thousands (``1,25`` is refused, it is a decimal comma or a typo); at most two
    decimal places; a leading ``-`` (or ``-$``/``$-``) only where negative amounts are allowed.
    """
    import re

    text = str(value if value is not None else "").strip().replace(" ", "")
    negative = False
    if text.startswith("-"):
        negative, text = True, text[1:]
    if text.startswith("$"):
        text = text[1:]
    if not negative and text.startswith("-"):
        negative, text = True, text[1:]
    if not re.fullmatch(r"(\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+", text):
        raise ValueError("Enter an amount such as $1,250.00.")
    if negative and not allow_negative:
        raise ValueError("The amount must be greater than zero.")
    amount = parse_amount(text.replace(",", ""), allow_zero=True)
    if amount == 0 and not allow_zero:
        raise ValueError("The amount must be greater than zero.")
    return -amount if negative else amount
