"""Server-side SVG charts (pygal: no JavaScript, CSP-safe); each page shows a data table beside them."""

from __future__ import annotations

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style

from .choices import ComplianceStatus

STYLE = Style(background="white", plot_background="white", colors=("#198754", "#ffc107", "#dc3545", "#6c757d"))


def compliance_chart(rows) -> str:
    """Stacked bars: required-course rows per unit by status."""
    units = sorted({row.user.unit or "(no unit)" for row in rows})
    if not units:
        return ""
    chart = pygal.StackedBar(style=STYLE, height=320, width=720, disable_xml_declaration=True, show_legend=True,
                             legend_at_bottom=True, js=[], x_label_rotation=20, title="Required training by unit")
    chart.x_labels = units
    for status in ComplianceStatus:
        counts = dict.fromkeys(units, 0)
        for row in rows:
            if row.status == status:
                counts[row.user.unit or "(no unit)"] += 1
        chart.add(status.label, [counts[u] for u in units])
    # pygal escapes labels and values itself; the SVG carries no script (js=[]).
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308
