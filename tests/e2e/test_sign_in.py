import pytest

from accounts.choices import Role
from core.navigation import menu_for

pytestmark = pytest.mark.django_db(transaction=True)


# The form is the same for every role: a county-bound caseworker and a superuser drive it here; every
# role's menu as its pages render it is tests/accounts/test_sign_in.py's, and every role's menu pages
# are walked in the browser by test_charts_and_layout.py.
@pytest.mark.parametrize("role", [Role.CASEWORKER.value, Role.ADMINISTRATOR.value])
def test_a_role_signs_in_through_the_form_and_sees_only_its_navigation(sign_in, role, make_user):
    page = sign_in(role, through_form=True)
    assert page.get_by_test_id("current-user").is_visible()
    expected = sorted(item.label for _, items in menu_for(make_user(role)) for item in items)
    shown = sorted(
        t.strip()
        for t in page.locator("#main-nav a.nav-link").all_inner_texts()
        if t.strip() not in {"Home", "Administration"}
    )
    assert shown == expected
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_wrong_password_shows_an_error_next_to_the_form(live_server, page, make_user):
    make_user("caseworker")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("caseworker_user")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")
