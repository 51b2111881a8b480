"""The one chart helper every app uses (issue 15.4).

A page builds :class:`Chart` objects from the figures it already shows; the page view mixes in
:class:`ChartPageMixin`, which

- puts ``charts`` (name -> chart, each with its ``url``) in the template context, and
- answers the *same URL* with ``?chart=<name>`` by the chart's SVG: the chart image goes through the
  page's own access mixin and restricted querysets, so it can never show more than its page.

The page shows the chart with ``{% include "partials/chart.html" with chart=charts.<name> %}``: an
``<img>`` of that same-origin SVG (with width, height and alt text) and a ``<details>`` table of
the figures. Why an image: pygal writes its styles in a ``<style>`` element, which the site's CSP
(``style-src 'self'``) blocks in an inlined SVG, which then renders black. An SVG shown through
``<img>`` is an isolated image document (no script ever runs in it), and its own response carries a
narrow policy that allows only its inline styles.

Legibility: the SVG is drawn at the size it is shown (``WIDTH`` px, scaled down only on narrow
screens) with 14–16 px text, so labels read at 100 % zoom.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pygal
from django.http import Http404, HttpResponse
from pygal.style import Style

WIDTH = 720
COLORS = ("#0b5ed7", "#b35c00", "#146c43", "#b02a37", "#495057", "#59359a", "#0f766e", "#8a6d00")

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=14,
    value_label_font_size=14,
    tooltip_font_size=14,
    no_data_font_size=18,
    colors=COLORS,
)

KINDS = {
    "bar": pygal.Bar,
    "stacked_bar": pygal.StackedBar,
    "hbar": pygal.HorizontalBar,
    "stacked_hbar": pygal.HorizontalStackedBar,
    "line": pygal.Line,
}

# The chart response's own policy: nothing may load, no script; only the SVG's inline <style>.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"

_SCRIPT = re.compile(rb"<script\b.*?</script\s*>", re.S | re.I)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

Number = int | float | Decimal | None


def _num(value: Number) -> float | None:
    return None if value is None else float(value)


@dataclass
class Chart:
    """One chart: its figures, how to draw them and how to describe them.

    ``series`` is a list of ``(series name, one value per label)``. ``alt`` is the image's text
    alternative; the ``<details>`` table carries every figure.
    """

    name: str
    title: str
    labels: Sequence[str]
    series: Sequence[tuple[str, Sequence[Number]]]
    alt: str
    kind: str = "bar"
    value_range: tuple[float, float] | None = None
    value_suffix: str = ""
    height: int | None = None
    url: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown chart kind {self.kind!r}.")
        if not _NAME.match(self.name):
            raise ValueError(f"Chart names are short identifiers, not {self.name!r}.")

    @property
    def is_empty(self) -> bool:
        return not self.labels or all(v is None for _, values in self.series for v in values)

    @property
    def horizontal(self) -> bool:
        return self.kind in ("hbar", "stacked_hbar")

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def pixel_height(self) -> int:
        if self.height:
            return self.height
        legend = 0 if len(self.series) < 2 else 30 * -(-len(self.series) // 4)  # one 30 px row per 4 series
        if self.horizontal:  # one band per label, 40 px each, plus title, axis and legend
            return max(240, 130 + 40 * len(self.labels)) + legend
        return 360 + legend

    def table(self) -> dict[str, Any]:
        """The figures as a table: a header row and one row per label."""
        header = [name for name, _ in self.series]
        rows = [
            (label, [values[i] if i < len(values) else None for _, values in self.series])
            for i, label in enumerate(self.labels)
        ]
        return {"header": header, "rows": rows}

    def svg(self) -> bytes:
        longest = max((len(str(label)) for label in self.labels), default=0)
        config: dict[str, Any] = {
            "style": STYLE,
            "js": [],
            "width": self.width,
            "height": self.pixel_height,
            "title": self.title,
            "explicit_size": True,
            "show_legend": len(self.series) > 1,
            "legend_at_bottom": True,
            "legend_at_bottom_columns": min(4, max(1, len(self.series))),
            "print_values": False,
            "disable_xml_declaration": False,
            "truncate_label": -1,
            "truncate_legend": -1,
            "margin": 12,
            "spacing": 12,
        }
        # Labels that would not fit side by side (about 9 px a character at 14 px) are turned.
        if not self.horizontal and longest * 9 * len(self.labels) > self.width - 100:
            config["x_label_rotation"] = 30
        if self.value_range:
            config["range"] = self.value_range
        if self.kind == "line":
            config["include_x_axis"] = False
        if self.value_suffix:
            suffix = self.value_suffix
            config["value_formatter"] = lambda v: f"{v:g}{suffix}"
        config.update(self.options)
        chart = KINDS[self.kind](**config)
        chart.x_labels = [str(label) for label in self.labels]
        for name, values in self.series:
            chart.add(str(name), [_num(v) for v in values])
        # pygal escapes labels and values; js=[] drops its tooltip script, and the small config
        # <script> it still writes is removed: the image never carries script.
        return _SCRIPT.sub(b"", chart.render())


def svg_response(svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_CSP  # django-csp leaves a response that has its own policy alone
    response["Cache-Control"] = "private, no-store"
    return response


def chart_url(path: str, query: dict[str, Any] | Any, name: str) -> str:
    """The page's own URL and filters, plus ``chart=<name>``."""
    params = [
        (k, v)
        for k, values in (query.lists() if hasattr(query, "lists") else ((k, [v]) for k, v in dict(query).items()))
        for v in values
        if k not in ("chart", "page", "export")
    ]
    params.append(("chart", name))
    return f"{path}?{urlencode(params)}"


class ChartPageMixin:
    """A page whose charts are served by the page itself under ``?chart=<name>``.

    Override ``get_charts(context)`` (return a list of :class:`Chart`): it receives the page's full
    context, so a chart is computed exactly as the page computes its figures (same filters, same
    access mixin, same restricted querysets). The page's template gets ``charts`` (name -> chart).
    """

    request: Any

    def get_charts(self, context: dict[str, Any]) -> list[Chart]:
        raise NotImplementedError

    def charts_for(self, context: dict[str, Any]) -> dict[str, Chart]:
        charts = {}
        for chart in self.get_charts(context):
            chart.url = chart_url(self.request.path, self.request.GET, chart.name)
            charts[chart.name] = chart
        return charts

    def get(self, request, *args, **kwargs):
        name = request.GET.get("chart")
        if name is None:
            return super().get(request, *args, **kwargs)  # type: ignore[misc]
        if not _NAME.match(name):
            raise Http404("No such chart.")
        if hasattr(self, "get_queryset") and not hasattr(self, "object_list"):
            self.object_list = self.get_queryset()  # a list page: as ListView.get() would
        chart = self.charts_for(self.get_context_data(**kwargs)).get(name)  # type: ignore[attr-defined]
        if chart is None:
            raise Http404("No such chart.")
        return svg_response(chart.svg())

    def render_to_response(self, context, **response_kwargs):
        context["charts"] = self.charts_for(context)
        return super().render_to_response(context, **response_kwargs)  # type: ignore[misc]
