"""Issue 14.4: zero is shown as 0 or 0%, never as a dash; a dash means "no data".

Django's ``default`` filter replaces every falsy value, 0 and Decimal("0.00") included, so a figure
must use ``default_if_none``. This guard reads every template and fails on a figure-like variable
(value, percentage, incentive, score, gain, average, count, rate, total, amount) dashed through ``default``.
"""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

FIGURE = re.compile(
    r"""\{\{\s*([\w.]*?(?:value|percentage|incentive|score|gain|avg_\w+|count|rate|total|amount))"""
    r"""\s*\|\s*default:\s*["'](?:—|-|–)["']"""
)


def template_files():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [p for p in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in p.parts]
    for root in roots:
        yield from root.rglob("*.html")


def test_no_figure_is_shown_through_default():
    offenders = [
        f"{path}: {match.group(1)}"
        for path in template_files()
        for match in FIGURE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_default_if_none_keeps_zero_and_dashes_missing():
    template = Template(
        '{{ a|default_if_none:"—" }}|{{ b|default_if_none:"—" }}|{% if c is None %}—{% else %}{{ c }}%{% endif %}'
    )
    from decimal import Decimal

    assert template.render(Context({"a": 0, "b": None, "c": Decimal("0.00")})) == "0|—|0.00%"
