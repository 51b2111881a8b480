"""Training charts, drawn by the shared helper (``core.charts``): each page shows them as a same-origin
SVG image with its figures in a table."""

from __future__ import annotations

from core.charts import Chart

from .choices import ComplianceStatus


def compliance_chart(rows) -> Chart:
    """Stacked bars: required-course rows per unit by status."""
    units = sorted({row.user.unit or "(no unit)" for row in rows})
    counts = {status: dict.fromkeys(units, 0) for status in ComplianceStatus}
    for row in rows:
        counts[ComplianceStatus(row.status)][row.user.unit or "(no unit)"] += 1
    return Chart(
        name="compliance",
        kind="stacked_bar",
        title="Required training by unit",
        labels=units,
        series=[(str(status.label), [counts[status][u] for u in units]) for status in ComplianceStatus],
        alt="Stacked bar chart of required-training rows for each unit, split into current, due soon, "
        "overdue and never completed; the figures follow in a table.",
    )
