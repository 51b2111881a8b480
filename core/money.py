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
