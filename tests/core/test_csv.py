"""The one formula-safe CSV writer (core.csv) and the sweep of every export in the tree."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.test import Client

from accounts.choices import Role
from core.csv import FORMULA_STARTS, SafeCsvWriter, csv_cell, csv_response
from tests.sweeps import EXPORT_QUERIES, body, fetch_all, web_urls

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "=", "-cmd|' /C calc'!A0"]
)
def test_text_starting_with_a_formula_character_is_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("-650.00"), Decimal("-650.00")),
        (-3, -3),
        (4.5, 4.5),
        ("-650.00", "-650.00"),
        ("12", "12"),
        (None, ""),
        (True, "yes"),
        (date(2026, 1, 2), "2026-01-02"),
        ("Smith, Jo", "Smith, Jo"),
        ("a=1", "a=1"),
    ],
)
def test_numbers_and_plain_text_are_unchanged(value, expected):
    assert csv_cell(value) == expected
    assert type(csv_cell(value)) is type(expected)


def test_writer_neutralises_every_row_and_keeps_numbers():
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["=1+1", Decimal("-650.00"), "note"], ["@x", -2, None]])
    assert out.getvalue().splitlines() == ["'=1+1,-650.00,note", "'@x,-2,"]


def test_csv_response_streams_an_attachment_with_a_clean_filename():
    response = csv_response('bad"name;.csv', ["h"], iter([["=x"]]))
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bad_name_.csv"'
    assert body(response) == b"h\r\n'=x\r\n"
    small = csv_response("r.csv", None, [["+1"]], stream=False)
    assert not small.streaming and small.content == b"'+1\r\n"


def test_no_csv_writer_outside_the_shared_one():
    """Every export goes through core.csv: a new ``csv.writer`` elsewhere would bypass it."""
    offenders = []
    for app in settings.CASEWORKS_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "core" / "csv.py":
                continue
            if re.search(r"\bcsv\.(writer|DictWriter)\b", path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# ---- the sweep: a formula in every free-text field, every export read back --------------------------
_PREFIXES = itertools.cycle(FORMULA_STARTS)


def _free_text_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.primary_key
        and f.name not in ("password", "number", "jurisdiction", "criterion", "key")  # codes the system keys on
        and type(f).__module__.startswith("django.")
    ]


def _poison_every_free_text_field() -> int:
    """Overwrite each free-text value of every Caseworks model with a formula (bypassing forms and
    services: an import or an old row could hold one). Returns how many values were written."""
    written = 0
    for app in settings.CASEWORKS_APPS:
        for model in apps.get_app_config(app).get_models():
            fields = _free_text_fields(model)
            if not fields or model._meta.label.endswith("AccessLog"):
                continue
            for pk in model._base_manager.values_list("pk", flat=True):
                values = {
                    f.attname: f'{next(_PREFIXES)}HYPERLINK("http://evil.example/{pk}")'[: f.max_length or 200]
                    for f in fields
                }
                try:
                    with transaction.atomic():
                        written += model._base_manager.filter(pk=pk).update(**values) * len(values)
                except DatabaseError:  # an append-only trigger: those rows stay as they are
                    pass
    return written


@pytest.mark.slow
@pytest.mark.django_db
def test_every_csv_export_neutralises_every_free_text_field(role_user, make_user):
    from quality import services as quality_services
    from quality.models import ReviewSample

    users = {str(role): role_user(role) for role in Role}
    urls = web_urls(users=users)
    sample = ReviewSample.objects.select_related("review").first()
    quality_services.sample_score(
        sample=sample, answers={"q": False}, result="fail", notes="late", by=make_user("quality_analyst")
    )
    assert _poison_every_free_text_field() > 0
    client = Client(raise_request_exception=False)
    client.force_login(users["administrator"])

    exports, leaks, poisoned = {}, [], set()
    for name, url, response in fetch_all(client, urls, EXPORT_QUERIES):
        if not response["Content-Type"].startswith("text/csv"):
            continue
        exports[name] = url
        for row in csv.reader(io.StringIO(body(response).decode())):
            for cell in row:
                if cell.startswith(FORMULA_STARTS) and not re.fullmatch(r"-?\d+(\.\d+)?", cell):
                    leaks.append(f"{url}: {cell!r}")
                if "HYPERLINK" in cell:
                    poisoned.add(name)
    # The sweep found the exports (it cannot pass by finding none) ...
    assert {
        "quality:drilldown",
        "quality:review_export",
        "complaints:report_csv",
        "outreach:dashboard_export",
    } <= exports.keys()
    # ... the formulas reached them (case numbers, counties, usernames, review notes) ...
    assert {"quality:drilldown", "quality:review_export"} <= poisoned
    # ... and not one cell came out as a formula.
    assert leaks == []


def test_the_csv_link_keeps_the_filters_drops_the_page_and_asks_for_csv(rf):
    from django.template import Context, Template

    request = rf.get("/audit/", {"kind": "login", "page": "3", "username": "ann"})
    link = Template("{% load caseworks %}{% query_replace format='csv' page='' %}")

    assert link.render(Context({"request": request})) == "kind=login&amp;username=ann&amp;format=csv"
