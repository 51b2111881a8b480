"""Quality charts, drawn by the shared helper (``core.charts``): a same-origin SVG image beside a table
holding the same figures."""

from __future__ import annotations

from decimal import Decimal

from core.charts import Chart


def trend_chart(
    *, name: str = "trend", title: str, labels: list[str], series: dict[str, list[Decimal | None]], alt: str
) -> Chart:
    return Chart(
        name=name, kind="line", title=title, labels=labels, series=list(series.items()), alt=alt, value_suffix="%"
    )
