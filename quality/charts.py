"""Server-side SVG charts (pygal, no JavaScript), embedded as data URIs (CSP allows data: images).
Every chart is shown next to a table holding the same figures."""

from __future__ import annotations

import base64
from decimal import Decimal

import pygal
from pygal.style import DefaultStyle


def _uri(chart) -> str:
    svg = chart.render(is_unicode=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def trend_chart(*, title: str, labels: list[str], series: dict[str, list[Decimal | None]]) -> str:
    chart = pygal.Line(js=[], style=DefaultStyle, width=720, height=300, show_dots=True, x_label_rotation=30,
                       disable_xml_declaration=False, title=title, print_values=False, show_legend=len(series) > 1,
                       explicit_size=True, include_x_axis=False)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, [None if v is None else float(v) for v in values])
    return _uri(chart)


def bar_chart(*, title: str, labels: list[str], values: list[Decimal | None], targets: list[Decimal | None] | None = None
              ) -> str:
    chart = pygal.Bar(js=[], style=DefaultStyle, width=720, height=300, title=title, x_label_rotation=30,
                      explicit_size=True, range=(0, 100))
    chart.x_labels = labels
    chart.add("Actual", [None if v is None else float(v) for v in values])
    if targets:
        chart.add("Target", [None if v is None else float(v) for v in targets])
    return _uri(chart)
