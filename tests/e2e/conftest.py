"""Browser tests: Debian's Chromium, headless, driven by Playwright against the live test server."""

import os
from pathlib import Path

import pytest

# CASEWORKS_CHROMIUM names another binary (a path that does not exist shows the run without one).
CHROMIUM = Path(os.environ.get("CASEWORKS_CHROMIUM") or "/usr/bin/chromium")
NO_CHROMIUM = f"no {CHROMIUM} (as root `make browser` installs /usr/bin/chromium: apt-get install -y chromium)"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every browser test (the root conftest then groups them on one xdist worker); without
    Chromium they skip, and the run says so once in its summary."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One line, not one per test (read from the reports, so it works under xdist too)."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if NO_CHROMIUM in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(f"browser tests: {len(skipped)} skipped, {NO_CHROMIUM}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def sign_in(live_server, page, make_user):
    """``sign_in("caseworker")`` → the Playwright page signed in as that role's cast member, open
    on the home page, or on the page whose path ``at`` gives: a test that starts elsewhere does not
    load and check the home page first.

    The session is made on the server (``Client.force_login``) and handed to the browser as its
    cookie. The sign-in form itself is driven (``through_form=True``), and checked by axe-core, by
    ``test_sign_in.py`` for every role; driving it again before every other browser test cost a
    page load, a form post and an axe-core run each (issue 18.1)."""
    from django.conf import settings
    from django.test import Client

    def go(role: str, password: str = "browser-test-password", *, through_form: bool = False, at: str = "/"):
        user = make_user(role)
        if role == "administrator":
            user.is_superuser = user.is_staff = True
        user.set_password(password)
        user.save()
        if through_form:
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Username").fill(user.username)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{live_server.url}/")
            return page
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url, "httpOnly": True}]
        )
        page.goto(f"{live_server.url}{at}")
        return page

    return go


# Accessibility (issue 15.5; Section 508 / WCAG 2.1 AA, 28 CFR 35.200): axe-core runs on every page a
# browser test opens, and serious or critical violations fail the test. The script is vendored
# (tests/e2e/vendor, offline) and injected into a context that bypasses the CSP — in tests only; the
# site itself never carries inline or third-party script.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_FAILS_ON = {"serious", "critical"}
# A page's <main> or menu that axe-core found clean once in this run is not checked again (issue
# 18.1): the role walks open the same page for up to six roles (161 menu pages, 59 distinct), and the
# same list, form or dashboard shows the same HTML to each of them, but the menu and the signed-in
# name around it differ; and a role's menu is the same on each of its pages but for which link is
# the current page's (the same classes on another link). The key is what the check of a region's
# nodes depends on: the viewport, the <head> (its stylesheets; not the title) and the region's own HTML as it
# stands once the page has loaded (the CSRF token, new on every response, and the menu's current
# link left out). A page with a region checked clean is checked again whole-page — every page-level
# rule (title, language, landmarks, skip link...) and every node outside the regions (banner,
# footer) — with only those regions' nodes excluded. An ID that <main> shares with the menu is still
# found while either is checked. Leaving a role's menu out took a coordinator's walk from 15.7 to
# 13.2 s of axe-core time. The rest of the page — the frame: the document with <main> and the menu
# emptied, its <title> kept — is keyed the same way; a page whose frame and regions were all found
# clean is not checked again (a flow returns to the same case page, list or form after each step:
# the flows' time with axe-core over without it fell from 33 to 17 s; tests/e2e/test_accessibility_check.py
# shows what is and is not skipped). CASEWORKS_AXE=full checks every page whole.
AXE_CLEAN_REGIONS: set[str] = set()
AXE_EVERY_PAGE_WHOLE = os.environ.get("CASEWORKS_AXE") == "full"
# Runs in every page of the test's browser context: checks the page once it has loaded, and again
# whenever a test calls ``check_again`` (at another viewport width), and reports back to Python.
AXE_ON_LOAD = """
window.__axeCheck = async () => {
  window.__axeDone = false;
  let found = [];
  let keys = [];
  let skipped = [];
  try {
    const tokenless = html => html.replace(/(name="csrfmiddlewaretoken" value=")[^"]*"/g, '$1"');
    const regions = [];
    const main = document.querySelector('main');
    if (main) {
      regions.push([main, tokenless(main.outerHTML)]);
    }
    const menu = document.querySelector('#main-nav');
    if (menu) {  // which link is the current page's is the one difference between a role's pages
      regions.push([menu, menu.outerHTML.replace(/ active"/g, '"').replace(/ aria-current="page"/g, '')]);
    }
    const head = document.head.outerHTML.replace(/<title>[\\s\\S]*?<\\/title>/, '');  // stylesheets, not the title
    const frame = document.documentElement.cloneNode(true);
    for (const [element] of regions) {
      frame.querySelector(element === main ? 'main' : '#main-nav').replaceChildren();
    }
    const keyed = [...regions, [null, tokenless(frame.outerHTML)]];
    for (const [element, html] of keyed) {
      let key = [innerWidth, innerHeight, devicePixelRatio, head, element ? element.tagName : 'FRAME', html].join('\\n');
      if (crypto.subtle) {
        const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
        key = Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
      }
      keys.push(key);
    }
    const clean = await window.__axeRegionsChecked(keys);
    keys = keys.filter((_key, i) => !clean[i]);
    if (keys.length) {  // else the frame and every region were found clean before: nothing to check
      skipped = regions.filter((_region, i) => clean[i]).map(([element]) => element);
      const context = skipped.length ? {include: [document.documentElement], exclude: skipped} : document;
      const result = await axe.run(context, {resultTypes: ['violations'], runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
      found = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
    }
  } catch (e) {
    found = [{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}];
    keys = [];
  }
  await window.__axeReport(`${location.href} at ${innerWidth} px`, found, keys);
  window.__axeDone = true;
};
window.addEventListener('load', () => window.__axeCheck());
"""


def goto_checked(page, url: str):
    """``page.goto(url)`` and wait until axe-core has checked the page (a walk that moves on at once
    would leave the page unchecked: the check of a page still running is lost when it unloads)."""
    response = page.goto(url)
    page.wait_for_function("() => window.__axeDone === true", timeout=60_000)
    return response


def check_again(page) -> None:
    """Check the open page with axe-core again, as it is now, after ``page.set_viewport_size``: it
    returns once the page has had its resize event (seen: a handler added before it had run once),
    so a script that changes the page with the window's width (the admin's inlines that begin or
    stop scrolling: static/js/admin.js) has done so, and the page is as one loaded at that width.
    The caller has waited for the check made when it loaded (``goto_checked``)."""
    page.evaluate("() => window.__axeCheck()")


def install_axe(context, report, clean: set[str] = AXE_CLEAN_REGIONS) -> None:
    """Every page of the Playwright ``context`` is checked by axe-core when it loads (``AXE_ON_LOAD``),
    and ``report(where, violations)`` told each result; the keys of what a check found clean (a
    <main>, a menu, a frame) are added to ``clean``, and what ``clean`` holds is not checked again."""

    def reported(_source, where, violations, checked_keys):
        if not violations:
            clean.update(checked_keys)
        report(where, violations)

    context.expose_binding(
        "__axeRegionsChecked", lambda _source, keys: [not AXE_EVERY_PAGE_WHOLE and key in clean for key in keys]
    )
    context.expose_binding("__axeReport", reported)
    context.add_init_script(path=str(AXE))
    context.add_init_script(script=AXE_ON_LOAD)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(autouse=True)
def accessibility_and_console_checked(request):
    """axe-core checks every page the test's browser loads (the script is added to the context, and
    each page reports when its check is done); the page open at the end is always waited for. A
    <main> or menu already found clean in this run is left out of the check (``AXE_CLEAN_REGIONS``).
    Serious or critical violations fail the test, and so do console errors (a missing favicon, a CSP
    refusal, a script error)."""
    if "page" not in request.fixturenames or os.environ.get("CASEWORKS_AXE") == "0":
        yield
        return
    page = request.getfixturevalue("page")
    page.set_default_navigation_timeout(90_000)  # a busy 2-core machine: the first page of a run is slow
    found: dict[str, list[dict]] = {}
    checked: list[str] = []
    console: list[str] = []

    def report(where, violations):
        checked.append(where)
        if violations:
            found[where] = violations

    install_axe(page.context, report)
    page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
    yield
    if page.url.startswith("http"):
        page.wait_for_function("() => window.__axeDone === true", timeout=60_000)
    assert checked, "axe-core checked no page"
    report_text = "\n".join(
        f"{url}\n" + "\n".join(f"  [{v['impact']}] {v['id']}: {v['help']} at {v['nodes']}" for v in vs)
        for url, vs in found.items()
    )
    assert not found, f"axe-core found serious or critical violations:\n{report_text}"
    assert not console, "console errors:\n" + "\n".join(console)
