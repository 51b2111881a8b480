"""The axe-core check that every browser test runs on every page it opens (``conftest.install_axe``)
finds what it must, on every load: a page it found clean is not checked again, one with a violation
always is, and a change anywhere in the page (its <main>, its menu, or the frame around them: banner,
footer, title) is checked afresh."""

from __future__ import annotations

from tests.e2e.conftest import install_axe

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<header><a href="#main">Skip to content</a><p>Signed in as Ann</p>{banner}</header>
<nav id="main-nav" aria-label="Main navigation"><a class="nav-link" href="/cases/">Cases</a></nav>
<main id="main"><h1>Cases</h1>{main}</main><footer><p>Caseworks</p></footer></body></html>"""
UNLABELLED_INPUT = '<form><input type="text" name="q"></form>'  # axe: label (critical)
CLEAN = "<p>No cases.</p>"


def test_the_check_skips_only_what_it_found_clean(browser):
    context = browser.new_context()
    pages = {
        "/clean": PAGE.format(title="Cases", banner="", main=CLEAN),
        "/clean-again": PAGE.format(title="Cases", banner="", main=CLEAN),
        "/bad-main": PAGE.format(title="Cases", banner="", main=UNLABELLED_INPUT),
        "/bad-banner": PAGE.format(title="Cases", banner=UNLABELLED_INPUT, main=CLEAN),
        "/no-title": PAGE.format(title="", banner="", main=CLEAN),
    }
    context.route(
        "http://axe.test/**", lambda route: route.fulfill(content_type="text/html", body=pages[route.request.url[15:]])
    )
    results: list[tuple[str, list[str]]] = []
    clean: set[str] = set()
    install_axe(context, lambda where, violations: results.append((where, [v["id"] for v in violations])), clean)
    page = context.new_page()

    def check(path: str) -> list[str]:
        page.goto(f"http://axe.test{path}")
        page.wait_for_function("() => window.__axeDone === true")
        where, found = results[-1]
        assert where.startswith(f"http://axe.test{path} at ")
        return found

    assert check("/clean") == []
    assert len(clean) == 3  # its <main>, its menu and its frame
    assert check("/clean-again") == [] and len(clean) == 3  # the same page: nothing new to check
    for _ in range(2):  # a violation is found each time the page loads: it is never marked clean
        assert "label" in check("/bad-main")
        assert "label" in check("/bad-banner")  # outside <main> and the menu: the frame is checked
    assert "document-title" in check("/no-title")  # the title is part of the frame
    assert len(results) == 7
    context.close()
