"""Charts render under the strict CSP (issue 15.4) and pages work at 390 px (issue 15.5): a real browser,
pixel checks, the axe check of every page (tests/e2e/conftest.py), screenshots for people to look at."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import check_again, goto_checked

# Screenshots for people to look at (no test reads them) are taken when CASEWORKS_SHOTS names a
# folder (e.g. CASEWORKS_SHOTS=/work/shots/ui), as in the other browser tests: full-page shots of
# every page at both widths were about 40% of the role walks' time in every run.
SHOTS = os.environ.get("CASEWORKS_SHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def not_uniform(png: bytes) -> tuple[int, float]:
    """(distinct colours, share of the most common colour) of a screenshot."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    top = max(n for n, _ in colours)
    return len(colours), top / (image.width * image.height)


def test_enforcement_dashboard_chart_is_drawn_beside_not_over_its_table(sign_in, live_server):
    page = sign_in("coordinator")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/enforcement/")
    chart = page.get_by_test_id("chart-collections").locator("img")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    assert chart.get_attribute("alt")
    colours, top_share = not_uniform(chart.screenshot())
    assert colours > 8 and top_share < 0.97, (colours, top_share)  # drawn, not a black (or blank) box
    # the chart neither overlaps the table nor is shrunk: it is shown at least near its drawn size
    table = page.get_by_test_id("collections-figures").bounding_box()
    box = chart.bounding_box()
    assert box["y"] >= table["y"] + table["height"] or box["x"] >= table["x"] + table["width"]
    assert box["width"] >= 600
    shot(page, "enforcement-dashboard-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "enforcement-dashboard-390")
    # the page itself does not scroll sideways: wide tables scroll inside their own box
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


# The role walks (issue 15.5): every page a role's menu opens, and the record pages its work leads to,
# checked by axe at 1280 and 390 px. The menu is read from the page, so a new menu item is walked too.
# The coordinator's menu holds every dashboard and list kind (the outreach and training dashboards
# among them): a separate walk of "page kinds" repeated these pages and was removed.
WALK_ROLES = ["caseworker", "coordinator", "ombudsperson", "hearing_officer", "trainer", "quality_analyst"]
# The roles' menus share most of their pages, and a list, form or dashboard shows each role the same
# <main> (issue 18.1: 161 menu pages loaded in the six walks, 59 distinct). A page is asked of the
# server first, as the walking role (it must answer 200); one whose <main> an earlier walk of this
# run loaded, found clean by axe at both widths and not scrolling sideways is not loaded in the
# browser again. What can differ around an identical <main> — the banner's name and the role's menu —
# is checked on the role's own first page, which is always loaded, as is every page while
# screenshots are taken. A walk run alone loads every page.
WALKED_MAINS: set[str] = set()
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')


def _main_html(response) -> str:
    """The page's <main> as the server sent it (the whole page where it has none), its CSRF token left out."""
    html = response.content.decode()
    main = re.search(r"<main\b.*?</main>", html, re.DOTALL)
    return CSRF_VALUE.sub(r'\1"', main.group(0) if main else html)


def _records(role: str, user) -> list[str]:
    """Record pages (a case, a complaint, a hearing request, a session...) the role's work opens."""
    from django.urls import reverse

    if role in ("caseworker", "coordinator"):
        from cases.choices import ParticipantRole
        from cases.models import CaseParticipant
        from tests.cases.factories import CaseFactory

        case = CaseFactory(caseworker=user) if role == "caseworker" else CaseFactory()
        person = CaseParticipant.objects.filter(case=case, role=ParticipantRole.NCP).first()
        pages = [reverse("cases:case_detail", args=[case.case_number])]
        if person is not None:
            pages += [
                reverse("cases:person_detail", args=[case.case_number, person.person_id]),
                f"/people/{person.person_id}/",
            ]
        return pages
    if role == "ombudsperson":
        from tests.complaints.factories import ComplaintFactory

        return [reverse("complaints:complaint_detail", args=[ComplaintFactory().number])]
    if role == "hearing_officer":
        from tests.hearings.factories import HearingRequestFactory

        return [reverse("hearings:request_detail", args=[HearingRequestFactory().number])]
    if role == "trainer":
        from tests.training.factories import SessionFactory

        session = SessionFactory()
        return [
            reverse("training:session_detail", args=[session.pk]),
            reverse("training:course_detail", args=[session.course_id]),
        ]
    return []


@pytest.mark.parametrize("role", WALK_ROLES)
def test_role_walk_every_menu_page_passes_axe_at_both_widths(sign_in, live_server, role_user, role):
    page = sign_in(role)
    menu = page.locator("#main-nav a.nav-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    paths = list(dict.fromkeys(p for p in menu if p.startswith("/") and not p.startswith("/admin")))
    assert len(paths) >= 3, paths  # home and the role's own pages
    paths += _records(role, role_user(role))
    sideways = []
    # Each page is loaded once and checked at both widths: at the width the viewport has (axe runs
    # on load), then resized to the other one and checked again (``check_again``). The widths take
    # turns being the one a page is loaded at, so no resize happens between pages.
    loaded_at, resized_to = 1280, 390
    page.set_viewport_size({"width": loaded_at, "height": 900})
    server = Client()
    server.force_login(role_user(role))
    for index, path in enumerate(paths):
        answer = server.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        main = _main_html(answer)
        if index and main in WALKED_MAINS and not SHOTS:
            continue
        response = goto_checked(page, f"{live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        for width in (loaded_at, resized_to):
            if width == resized_to:
                page.set_viewport_size({"width": width, "height": 900})
                check_again(page)
            if width == 390 and page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1"):
                sideways.append(path)
            shot(page, f"walk-{role}{path.replace('/', '-').rstrip('-') or '-home'}-{width}")
        loaded_at, resized_to = resized_to, loaded_at
        if path not in sideways:  # axe's findings fail the test when it ends
            WALKED_MAINS.add(main)
    assert not sideways, f"at 390 px these pages scroll sideways (a wide table outside a scroll box): {sideways}"


@pytest.mark.parametrize("width", [390])
def test_sidebar_collapses_behind_a_menu_button(sign_in, live_server, width):
    page = sign_in("caseworker")
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    shot(page, "home-menu-open-390")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_long_name_in_the_header_wraps_at_390_px(sign_in, live_server, make_user):
    """The header's name, Password and Sign out wrap instead of widening every page (the enforcement
    specialist's name pushed each page to 396 px)."""
    user = make_user("caseworker")  # the cast member sign_in signs in
    user.first_name, user.last_name = "Enforcement_Specialist_Cast", ""  # one word with no break in it
    user.save(update_fields=["first_name", "last_name"])
    page = sign_in("caseworker")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("current-user")).to_contain_text("Enforcement_Specialist_Cast")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
