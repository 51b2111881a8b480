"""The sidebar menu: the items a user's permissions allow, the current page's link marked, URLs
under the script prefix the site is served at."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import clear_script_prefix, set_script_prefix

from core.navigation import MenuItem, menu_for, menu_html

pytestmark = pytest.mark.django_db


def _labels(groups) -> set[str]:
    return {item.label for _, items in groups for item in items}


def _every_item() -> list[MenuItem]:
    """Every item of every app's menu, whoever may see it."""
    from core.navigation import menu_groups

    return [item for group in menu_groups() for item in group.items]


def _open_to(permissions: set[str]) -> set[str]:
    return {item.label for item in _every_item() if set(item.permissions) <= permissions}


def test_menu_shows_exactly_the_items_whose_permission_the_user_holds(make_user):
    user = make_user()
    assert _labels(menu_for(user)) == _open_to(set())
    user.user_permissions.add(Permission.objects.get(codename="view_case", content_type__app_label="cases"))
    user = type(user).objects.get(pk=user.pk)  # a fresh permission cache, as on the next request
    assert _labels(menu_for(user)) == _open_to({"cases.view_case"})
    assert "My caseload" in _labels(menu_for(user)) and "Caseloads" not in _labels(menu_for(user))


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "ombudsperson", "trainer", "quality_analyst"])
def test_each_role_sees_what_has_perm_allows_it(role_user, role):
    """Permissions read once per page answer as ``user.has_perm`` does item by item."""
    user = role_user(role)
    expected = {item.label for item in _every_item() if user.has_perms(item.permissions)}
    assert _labels(menu_for(user)) == expected
    assert expected != _open_to(set())  # the role holds some of the menu's permissions


def test_an_inactive_user_sees_no_item_that_needs_a_permission(role_user):
    user = role_user("coordinator")
    user.is_active = False
    assert _labels(menu_for(user)) == _open_to(set())


def test_a_superuser_sees_every_item(role_user):
    assert _labels(menu_for(role_user("administrator"))) == {item.label for item in _every_item()}


def test_the_current_page_is_marked_once_and_labels_are_escaped():
    groups = [
        ("Cases & more", [MenuItem("My caseload", "cases:case_list"), MenuItem("<b>Work</b>", "cases:workitem_list")])
    ]
    html = menu_html(groups, "/cases/")
    assert html.count('aria-current="page"') == 1
    assert '<a class="nav-link active" href="/cases/" aria-current="page">My caseload</a>' in html
    assert '<a class="nav-link" href="/cases/work-items/">&lt;b&gt;Work&lt;/b&gt;</a>' in html
    assert "Cases &amp; more" in html


def test_menu_urls_follow_the_script_prefix():
    """The reversed URLs are kept per script prefix: a site served under /cw/ links under /cw/."""
    groups = [("Cases", [MenuItem("My caseload", "cases:case_list")])]
    set_script_prefix("/cw/")
    try:
        assert 'href="/cw/cases/"' in menu_html(groups, "/cw/cases/")
    finally:
        clear_script_prefix()
    assert 'href="/cases/"' in menu_html(groups, "/cases/")


def test_a_page_shows_the_menu_of_its_role(client_as, role_user):
    html = client_as("caseworker").get("/cases/").content.decode()
    assert '<a class="nav-link active" href="/cases/" aria-current="page">My caseload</a>' in html
    shown = html.count('<li class="nav-item"><a class="nav-link')
    assert shown == 1 + sum(len(items) for _, items in menu_for(role_user("caseworker")))  # and Home
    assert "Performance goals" not in html  # a coordinator's item


def test_each_menu_url_is_reversed_once_per_process(role_user):
    """17.3: a page's menu calls ``reverse()`` for none of its links once each was reversed once."""
    from unittest import mock

    from django.urls import reverse

    from core import navigation

    navigation._menu_url.cache_clear()
    groups = menu_for(role_user("coordinator"))
    with mock.patch.object(navigation, "reverse", side_effect=reverse) as calls:
        navigation.menu_html(groups, "/")
        first_page = calls.call_count
        navigation.menu_html(groups, "/cases/")
    assert first_page == len({item.url_name for _, items in groups for item in items}) > 20
    assert calls.call_count == first_page  # the second page reversed nothing


def test_a_principal_without_a_permission_list_is_asked_item_by_item():
    class Principal:  # as a partner key's (accounts.api.authentication.PartnerPrincipal)
        is_authenticated = is_active = True
        is_superuser = False

        def has_perm(self, perm, obj=None):
            return perm == "cases.view_case"

    assert _labels(menu_for(Principal())) >= {"My caseload"}
    assert "Caseloads" not in _labels(menu_for(Principal()))


# The one item shown on narrower terms than its page: the public complaint form, offered in the
# menu to staff who take complaints (anyone may open the page itself).
MENU_NARROWER_THAN_PAGE = {"complaints:public_form": ("complaints.add_complaint",)}


def test_each_menu_item_asks_exactly_what_its_page_requires():
    """A link the page then refuses (403), or a page hidden from someone it serves, is a mismatch
    between the menu's permission and the view's ``get_permission_required()``."""
    from django.contrib.auth.mixins import PermissionRequiredMixin
    from django.urls import resolve, reverse

    mismatched = []
    for item in _every_item():
        match = resolve(reverse(item.url_name))
        view_class = match.func.view_class
        view = view_class(**match.func.view_initkwargs)
        view.kwargs = match.kwargs
        required = tuple(view.get_permission_required()) if issubclass(view_class, PermissionRequiredMixin) else ()
        expected = MENU_NARROWER_THAN_PAGE.get(item.url_name, required)
        if set(item.permissions) != set(expected):
            mismatched.append(f"{item.label} ({item.url_name}): menu {item.permissions}, page {required}")
    assert not mismatched, "\n".join(mismatched)
