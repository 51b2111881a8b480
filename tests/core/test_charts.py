"""The shared chart helper (issue 15.4): SVG images the CSP allows, served by the page itself,
scoped like the page, legible, with alt text and a data table."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.charts import Chart, svg_response


def _chart(**kw):
    base = {
        "name": "demo",
        "title": "Demo <b>",
        "labels": ["Alpha & Co", "Beta"],
        "series": [("Open", [3, 4]), ("Closed", [1, None])],
        "alt": "Demo chart",
        "kind": "stacked_bar",
    }
    return Chart(**{**base, **kw})


def test_svg_has_no_script_and_escapes_labels():
    svg = _chart().svg()
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert b"<script" not in svg.lower()
    assert b"Alpha &amp; Co" in svg and b"<b>" not in svg


def test_text_is_legible_at_shown_size():
    svg = _chart().svg().decode()
    sizes = [int(s) for s in re.findall(r"font-size:\s*(\d+)px", svg)]
    assert sizes and min(sizes) >= 14
    assert 'width="720"' in svg


def test_horizontal_chart_grows_with_its_labels():
    assert _chart(kind="hbar", labels=[str(i) for i in range(12)], series=[("n", list(range(12)))]).pixel_height > 500


def test_table_holds_every_figure():
    table = _chart().table()
    assert table["header"] == ["Open", "Closed"]
    assert table["rows"] == [("Alpha & Co", [3, 1]), ("Beta", [4, None])]


def test_bad_kind_or_name_is_refused():
    with pytest.raises(ValueError):
        _chart(kind="pie3d")
    with pytest.raises(ValueError):
        _chart(name="../x")


def test_svg_response_carries_its_own_narrow_policy():
    response = svg_response(_chart().svg())
    assert response["Content-Type"] == "image/svg+xml"
    assert "script" not in response["Content-Security-Policy"] and "sandbox" in response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("role", "url_name"),
    [("coordinator", "enforcement:dashboard"), ("trainer", "training:dashboard"), ("trainer", "training:compliance")],
)
def test_page_serves_its_charts_as_same_origin_images(client_as, role, url_name):
    client = client_as(role)
    page = client.get(reverse(url_name))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" not in body  # never inlined: the CSP would block its styles
    charts = page.context["charts"]
    assert charts
    for chart in charts.values():
        assert chart.url.startswith(reverse(url_name) + "?") and "chart=" + chart.name in chart.url
        if not chart.is_empty:
            assert f'src="{chart.url.replace("&", "&amp;")}"' in body and f'alt="{chart.alt}"' in body
        svg = client.get(chart.url)
        assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
        assert b"<svg" in svg.content and b"<script" not in svg.content


def test_chart_url_answers_only_to_those_who_may_see_the_page(client, client_as):
    url = reverse("enforcement:dashboard") + "?chart=remedy"
    assert client.get(url).status_code == 302  # anonymous: to sign in
    assert client_as("trainer").get(url).status_code == 403
    assert client_as("coordinator").get(url).status_code == 200


def test_unknown_chart_is_404(client_as):
    client = client_as("coordinator")
    assert client.get(reverse("enforcement:dashboard") + "?chart=nope").status_code == 404
    assert client.get(reverse("enforcement:dashboard") + "?chart=%3Cscript%3E").status_code == 404


def test_chart_keeps_the_page_filters(rf, role_user):
    from core.charts import chart_url

    request = rf.get("/x/", {"status": "overdue", "page": "3", "unit": "A&B"})
    url = chart_url(request.path, request.GET, "compliance")
    assert url == "/x/?status=overdue&unit=A%26B&chart=compliance"
