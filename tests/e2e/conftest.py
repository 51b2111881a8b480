"""Browser tests: Debian's Chromium, headless, driven by Playwright against the live test server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = "no /usr/bin/chromium (as root `make browser` installs it: apt-get install -y chromium)"
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
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def sign_in(live_server, page, make_user):
    """``sign_in("caseworker")`` → the Playwright page signed in as that role's cast member."""

    def go(role: str, password: str = "browser-test-password"):
        user = make_user(role)
        if role == "administrator":
            user.is_superuser = user.is_staff = True
        user.set_password(password)
        user.save()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return go
