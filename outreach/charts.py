"""Dashboard charts (drawn by the shared ``core.charts`` helper) and the matching CSV exports."""

from __future__ import annotations

from typing import Any

from core.charts import Chart

from .choices import Audience


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


def events_chart(data: dict) -> Chart:
    table = events_table(data["events"])
    return Chart(
        name="events",
        kind="stacked_bar",
        title="Attendees (reach) by month and audience",
        labels=[_label(m["month"]) for m in table],
        series=[(str(label), [m["cells"][i][1] for m in table]) for i, (_, label) in enumerate(Audience.choices)],
        alt="Stacked bar chart of attendees by month and audience; the table beside it gives the figures.",
    )


def _monthly_chart(rows: list[dict], *, columns: list[tuple[str, str]], **chart: Any) -> Chart:
    """A chart of month rows: one label per row's month, one series per ``(series name, row key)``."""
    return Chart(
        labels=[_label(r["month"]) for r in rows],
        series=[(name, [r[key] for r in rows]) for name, key in columns],
        **chart,
    )


def media_chart(data: dict) -> Chart:
    return _monthly_chart(
        data["media"],
        columns=[("Average hours", "average_hours"), ("Longest", "max_hours")],
        name="media",
        kind="bar",
        title="Media inquiries: hours to respond",
        alt="Bar chart of average and longest hours to respond to media inquiries by month; the table "
        "beside it gives the figures.",
    )


def feedback_chart(data: dict) -> Chart:
    return _monthly_chart(
        data["feedback"],
        columns=[("Average score", "average")],
        name="feedback",
        kind="line",
        title="Feedback: average satisfaction (1 to 5)",
        value_range=(1, 5),
        alt="Line chart of the average feedback score (1 to 5) by month; the table beside it gives the figures.",
    )


CHARTS = {"events": events_chart, "media": media_chart, "feedback": feedback_chart}


def export_events(data):
    header = ["month", "audience", "events", "attendees"]
    return header, [(r["month"].isoformat(), r["audience"], r["events"], r["reach"]) for r in data["events"]]


def export_media(data):
    header = ["month", "answered", "average_hours", "longest_hours", "answered_after_deadline"]
    return header, [
        (r["month"].isoformat(), r["answered"], r["average_hours"], r["max_hours"], r["late"]) for r in data["media"]
    ]


def export_feedback(data):
    header = ["month", "responses", "ratings", "average_score"]
    return header, [(r["month"].isoformat(), r["responses"], r["ratings"], r["average"]) for r in data["feedback"]]


EXPORTS = {"events": export_events, "media": export_media, "feedback": export_feedback}
