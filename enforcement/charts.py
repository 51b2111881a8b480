"""Server-side SVG charts (pygal, no JavaScript), delivered as ``data:`` images so the page's
CSP (no inline styles) does not apply to the chart's own styles; a data table sits beside each."""

from __future__ import annotations

import base64

import pygal
from pygal.style import Style

STYLE = Style(background="white", plot_background="white",
              colors=("#0d6efd", "#ffc107", "#198754", "#dc3545", "#6c757d", "#6f42c1", "#20c997", "#fd7e14"))


def _data_uri(chart) -> str:
    svg = chart.render()  # bytes; pygal escapes labels and values
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def stacked_by_remedy_chart(*, title: str, remedies: list[str], series: list[tuple[str, list[float]]]) -> str:
    if not remedies:
        return ""
    chart = pygal.HorizontalStackedBar(style=STYLE, height=360, width=760, js=[], title=title,
                                       legend_at_bottom=True, print_values=False)
    chart.x_labels = remedies
    for label, values in series:
        chart.add(label, values)
    return _data_uri(chart)


def compare_chart(*, title: str, pairs: list[tuple[str, float]]) -> str:
    chart = pygal.Bar(style=STYLE, height=300, width=480, js=[], title=title, show_legend=False)
    chart.x_labels = [label for label, _ in pairs]
    chart.add(title, [value for _, value in pairs])
    return _data_uri(chart)
