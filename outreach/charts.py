"""Dashboard charts (pygal, server-side SVG, no JavaScript) and the matching CSV exports."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from .choices import Audience

STYLE = Style(background="white", plot_background="white", font_family="system-ui, sans-serif",
              colors=("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384"))


def _config(**kwargs):
    # js=[]: pygal would otherwise reference its tooltip script from a CDN.
    return {"style": STYLE, "js": [], "width": 800, "height": 360, "x_label_rotation": 30,
            "legend_at_bottom": True, "print_values": False, **kwargs}


SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)


def _svg(chart) -> str:
    """pygal always embeds a small config script for its optional tooltips: drop it (no JS, CSP)."""
    return SCRIPT.sub("", chart.render(is_unicode=True))


def _label(month) -> str:
    return month.strftime("%b %Y")


def events_table(rows: list[dict]) -> list[dict]:
    """Month rows with events and reach per audience, plus totals (for the page table)."""
    months: dict = {}
    for r in rows:
        m = months.setdefault(r["month"], {"month": r["month"], "cells": {}, "events": 0, "reach": 0})
        m["cells"][r["audience"]] = (r["events"], r["reach"])
        m["events"] += r["events"]
        m["reach"] += r["reach"]
    return [{**m, "cells": [m["cells"].get(a, (0, 0)) for a in Audience.values]} for m in months.values()]


def events_chart(data: dict) -> str:
    table = events_table(data["events"])
    chart = pygal.StackedBar(**_config(title="Attendees (reach) by month and audience"))
    chart.x_labels = [_label(m["month"]) for m in table]
    for i, (_, label) in enumerate(Audience.choices):
        chart.add(str(label), [m["cells"][i][1] for m in table])
    return _svg(chart)


def media_chart(data: dict) -> str:
    chart = pygal.Bar(**_config(title="Media inquiries: average hours to respond"))
    chart.x_labels = [_label(r["month"]) for r in data["media"]]
    chart.add("Average hours", [r["average_hours"] for r in data["media"]])
    chart.add("Longest", [r["max_hours"] for r in data["media"]])
    return _svg(chart)


def feedback_chart(data: dict) -> str:
    chart = pygal.Line(**_config(title="Feedback: average satisfaction (1–5)", range=(1, 5), include_x_axis=False))
    chart.x_labels = [_label(r["month"]) for r in data["feedback"]]
    chart.add("Average score", [r["average"] for r in data["feedback"]])
    return _svg(chart)


CHARTS = {"events": events_chart, "media": media_chart, "feedback": feedback_chart}


def export_events(data):
    header = ["month", "audience", "events", "attendees"]
    return header, [(r["month"].isoformat(), r["audience"], r["events"], r["reach"]) for r in data["events"]]


def export_media(data):
    header = ["month", "answered", "average_hours", "longest_hours", "answered_after_deadline"]
    return header, [(r["month"].isoformat(), r["answered"], r["average_hours"], r["max_hours"], r["late"])
                    for r in data["media"]]


def export_feedback(data):
    header = ["month", "responses", "ratings", "average_score"]
    return header, [(r["month"].isoformat(), r["responses"], r["ratings"], r["average"]) for r in data["feedback"]]


EXPORTS = {"events": export_events, "media": export_media, "feedback": export_feedback}

