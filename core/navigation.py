"""Role-aware navigation. The whole menu is declared in one place, ``config/navigation.py``
(``settings.CASEWORKS_MENU``: ``config`` may know every app, ``core`` may not)::

    MENU = [MenuGroup("Cases", [MenuItem("My caseload", "cases:case_list", "cases.view_case")],
                      home_cards=cases.navigation.home_cards)]

A group's ``home_cards(request) -> list[HomeCard]`` (in its app's ``navigation.py``) fills its
section of the home dashboard. The navigation shows a user only the items whose permission the
user holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    # What the page itself requires (its view's permission_required; tests/core/test_navigation.py
    # holds them equal): one permission, several (all needed), or None for any signed-in user.
    permission: str | tuple[str, ...] | None = None

    @property
    def permissions(self) -> tuple[str, ...]:
        if self.permission is None:
            return ()
        return (self.permission,) if isinstance(self.permission, str) else self.permission


@dataclass(frozen=True)
class MenuGroup:
    label: str
    items: list[MenuItem] = field(default_factory=list)
    home_cards: Callable[[HttpRequest], list[HomeCard]] | None = None  # its section of the home page


@dataclass(frozen=True)
class HomeCard:
    title: str
    value: str
    url: str = ""
    note: str = ""
    tone: str = "secondary"  # bootstrap contextual colour: danger for overdue, warning for due soon


def count_card(
    title: str, count: int, url: str = "", *, note: str = "", tone: str = "secondary", quiet: str = "secondary"
) -> HomeCard:
    """A card for a count that may need attention: coloured ``tone`` only while the count is not
    zero (``quiet`` when it is), so the home page shows at a glance what is waiting."""
    return HomeCard(title, str(count), url, note=note, tone=tone if count else quiet)


def queue_cards(
    list_url: str, param: str, counts: Mapping[str, int], queues: Iterable[tuple[str, str, str]]
) -> list[HomeCard]:
    """One card per queue of a list page, ``queues`` as ``(key, title, tone)``: the figure
    ``counts[key]`` opens the list filtered to the rows it counts, ``?<param>=<key>`` (issue 14.4:
    a figure opens a list of as many rows)."""
    return [count_card(title, counts[key], f"{list_url}?{param}={key}", tone=tone) for key, title, tone in queues]


def menu_groups() -> list[MenuGroup]:
    """Every group of the menu, in order, whoever may see it (``settings.CASEWORKS_MENU``)."""
    return _declared_menu(settings.CASEWORKS_MENU)


@lru_cache(maxsize=4)
def _declared_menu(dotted_path: str) -> list[MenuGroup]:
    return import_string(dotted_path)


@lru_cache(maxsize=1024)
def _menu_url(url_name: str, urlconf: str, _script_prefix: str) -> str:
    """A menu item's URL, reversed once per URL configuration and script prefix (the key): a page
    shows up to 55 of them, and ``reverse()`` was a third of a page's menu (issue 17.3, 18.1)."""
    return reverse(url_name, urlconf=urlconf)


_GROUP = '<h2 class="sidebar-heading h6 text-uppercase text-muted mt-3 px-3">{}</h2>\n<ul class="nav flex-column">\n{}\n</ul>'
_LINK = '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>'
_CURRENT_LINK = '<li class="nav-item"><a class="nav-link active" href="{}" aria-current="page">{}</a></li>'


def menu_html(groups: list[tuple[str, list[MenuItem]]], current_path: str) -> SafeString:
    """The menu's groups as the sidebar shows them, the current page's link marked (``active``,
    ``aria-current``). Built here rather than by a loop in ``base.html``, which took 2 of the 3 ms
    of a coordinator's page (55 links), on every page."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())

    def links(items: list[MenuItem]) -> SafeString:
        urls = ((_menu_url(item.url_name, *key), item.label) for item in items)
        return SafeString(
            "\n".join(format_html(_CURRENT_LINK if url == current_path else _LINK, url, label) for url, label in urls)
        )

    return format_html_join("\n", _GROUP, ((label, links(items)) for label, items in groups))


def menu_for(user) -> list[tuple[str, list[MenuItem]]]:
    """The menu groups the user may see, each with the items whose permission the user holds (read
    from the user's permissions once, as ``user.has_perm`` would answer for each; a principal
    without ``get_all_permissions``, such as a partner key's, is asked item by item)."""
    if not getattr(user, "is_authenticated", False):
        return []
    holds: Callable[[str], bool]
    if user.is_active and user.is_superuser:
        holds = _every
    elif hasattr(user, "get_all_permissions"):
        held: set[str] = user.get_all_permissions() if user.is_active else set()
        holds = held.__contains__
    else:
        holds = user.has_perm
    groups = []
    for group in menu_groups():
        items = [item for item in group.items if all(holds(permission) for permission in item.permissions)]
        if items:
            groups.append((group.label, items))
    return groups


def _every(_permission: str) -> bool:
    return True


def home_cards_for(request) -> list[tuple[str, list[HomeCard]]]:
    """The home dashboard: each menu group's cards, under the group's label, where it has any."""
    sections = []
    for group in menu_groups():
        cards = group.home_cards(request) if group.home_cards is not None else []
        if cards:
            sections.append((group.label, cards))
    return sections
