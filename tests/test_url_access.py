"""Every URL × every role: a new view without an access rule, or with the wrong one, fails here.

Web pages: each view declares ``access`` (public / login / permission with
``permission_required``). For every role in the cast the test asserts the outcome that
declaration implies: allowed, 403, or (anonymous) a redirect to sign in. Pages without arguments
are checked by ``test_every_url_for_every_role``; object pages by the first walk (the baseline) of
``test_every_object_url_follows_county_and_caseload_scope``, with the same checks
(``_access_failures``), instead of being fetched by both.
API: each endpoint declares ``scope_resource``; no key → 401, a key with every other scope → 403,
a key with all scopes → neither.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager, nullcontext
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.db.models.query import ModelIterable
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from accounts.choices import Role
from accounts.models import ALL_SCOPES
from core.models import RestrictedQuerySet
from tests.url_registry import collect_samples

pytestmark = pytest.mark.django_db

# The two walks of every URL × every role are the suite's longest tests: each is split into this
# many parts (each walks its share of the URLs with the same checks), so that xdist spreads them
# over its workers instead of one test bounding the run's wall time.
WALK_PARTS = 4


def walk_part(items: list, part: int, key=lambda item: item, parts: int = WALK_PARTS) -> list:
    """Part ``part`` of ``parts`` of ``items`` (every item in exactly one part). The PDF pages
    (``*_pdf``: each parses its TrueType fonts) cost several pages each and are dealt out first, so
    the parts take about the same time."""
    heavy_first = sorted(items, key=lambda item: not (key(item) or "").endswith("_pdf"))
    return heavy_first[part::parts]


SKIP_PREFIXES = (settings.CASEWORKS_ADMIN_PATH, "static/", "media/", "api/schema/", "api/docs/", "api/redoc/")


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def web_patterns():
    return [
        (route, name, p)
        for route, name, p in walk(get_resolver().url_patterns)
        if not route.startswith(SKIP_PREFIXES) and not route.startswith("api/")
    ]


def api_patterns():
    return [(route, name, p) for route, name, p in walk(get_resolver().url_patterns) if route.startswith("api/v1/")]


def dummy_kwargs(pattern: URLPattern) -> dict:
    kwargs = {}
    for key, conv in pattern.pattern.converters.items():
        if isinstance(conv, IntConverter):
            kwargs[key] = 999999
        elif isinstance(conv, UUIDConverter):
            kwargs[key] = uuid.UUID(int=1)
        else:
            kwargs[key] = "ZZ-UNKNOWN"
    return kwargs


def view_class(pattern: URLPattern):
    callback = pattern.callback
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback


def required_permissions(pattern: URLPattern, kwargs: dict) -> tuple[str, ...]:
    """The permissions a view requires on one URL: its ``get_permission_required()`` as the URL
    makes it (``as_view`` arguments) with the URL's arguments, e.g. an edit page
    (``core.views.ObjectEditView``) needs its model's add permission on the URL that names no object
    and its change permission on one that does. Empty for a view that needs no permission."""
    cls = view_class(pattern)
    if not issubclass(cls, PermissionRequiredMixin):
        return ()
    view = cls(**getattr(pattern.callback, "view_initkwargs", {}))
    view.kwargs = kwargs
    return tuple(view.get_permission_required())


def test_the_walk_parts_hold_every_url_once():
    names = [name for _route, name, _p in web_patterns()]
    parts = [walk_part(names, part) for part in range(WALK_PARTS)]
    assert sorted(sum(parts, [])) == sorted(names)
    assert all(parts)


def test_every_web_view_declares_its_access():
    undeclared = []
    for route, name, p in web_patterns():
        cls = view_class(p)
        access = getattr(cls, "access", None)
        if access not in {"public", "login", "permission"} or not name:
            undeclared.append(f"/{route} ({name or 'unnamed'}): access={access!r}")
        elif access == "permission":
            try:
                required_permissions(p, dummy_kwargs(p))
            except ImproperlyConfigured:
                undeclared.append(f"/{route} ({name}): permission view without permission_required")
    assert not undeclared, "Views without a declared access rule:\n" + "\n".join(undeclared)


def _allowed(response) -> bool:
    if response.status_code in (401, 403, 404) or response.status_code >= 500:
        return False
    return not (response.status_code == 302 and response.url.startswith(reverse("login")))


def _signed_in_clients(users: dict) -> dict[str, Client]:
    """One test client per role, signed in once: a sign-in per request (a new session, a session
    write, a sign-in audit row and a ``last_login`` save each time) was a large share of the walks."""
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _get_as(client: Client, user, url: str):
    """GET ``url`` as ``user``. If the answer was not given to that user (the session had ended, or
    the view signed it out), sign in afresh and GET again: the answer of a sign-in then a GET,
    which is what a walk with a sign-in before every request judged."""
    response = client.get(url)
    if getattr(getattr(response.wsgi_request, "user", None), "pk", None) != user.pk:
        client.force_login(user)
        response = client.get(url)
    return response


def _access_failures(url: str, cls, perms: tuple[str, ...], anon, answers: dict) -> list[str]:
    """What the view's declared ``access`` rule implies, checked on one URL's answers: ``perms`` the
    permissions it requires there (``required_permissions``), ``anon`` the answer to the anonymous
    GET, ``answers`` maps role → (user, answer to that user's GET)."""
    failures = []
    assert not anon.wsgi_request.user.is_authenticated
    if cls.access == "public":
        if not (anon.status_code < 400 or anon.status_code == 405):
            failures.append(f"{url}: anonymous got {anon.status_code}, public view")
    elif not (anon.status_code == 302 and anon.url.startswith(reverse("login"))):
        failures.append(f"{url}: anonymous got {anon.status_code}, expected redirect to sign in")
    for role, (user, response) in answers.items():
        expected = user.has_perms(perms) if cls.access == "permission" else True
        got = _allowed(response) or (cls.access != "permission" and response.status_code == 405)
        if expected and not got:
            failures.append(f"{url} as {role}: expected allowed, got {response.status_code}")
        if not expected and response.status_code != 403:
            failures.append(f"{url} as {role}: expected 403, got {response.status_code}")
    return failures


@pytest.mark.slow
@pytest.mark.parametrize("part", range(WALK_PARTS))
def test_every_url_for_every_role(part, role_user):
    cast = {str(role): role_user(role) for role in Role}
    samples = collect_samples(users=cast)
    # Scope is the case rule: the roles holding any case permission (superusers bypass scope).
    users = {
        role: user
        for role, user in cast.items()
        if not user.is_superuser and any(p.startswith("cases.") for p in user.get_all_permissions())
    }
    assert {"caseworker", "coordinator", "enforcement_specialist"} <= set(users)
    clients = _signed_in_clients(users)
    anonymous = Client()
    failures = []
    for route, name, p in walk_part(web_patterns(), part, key=lambda pattern: pattern[1]):
        if p.pattern.converters:
            if name not in samples:
                failures.append(f"/{route} ({name}): no sample arguments in tests/<app>/url_samples.py")
            continue  # an object page: checked by the scope walk's baseline (same samples, same checks)
        url = reverse(name, kwargs=samples.get(name, {}))
        anon = anonymous.get(url)
        answers = {role: (user, _get_as(clients[role], user, url)) for role, user in users.items()}
        failures += _access_failures(url, view_class(p), required_permissions(p, {}), anon, answers)
    assert not failures, "\n".join(failures)


def test_every_api_endpoint_requires_a_key_and_its_scope(api_client_with, client):
    full = api_client_with("all", agency="All Scopes Agency", all_counties=True)
    one_county = api_client_with("all", agency="All Scopes, One County")
    failures = []
    for route, name, p in api_patterns():
        cls = view_class(p)
        resource = getattr(cls, "scope_resource", "")
        if not resource:
            failures.append(f"/{route}: no scope_resource declared")
            continue
        others = [s for s in ALL_SCOPES if not s.startswith(f"{resource}:")]
        wrong = api_client_with(*others, agency=f"Other scopes for {resource}")
        url = reverse(name, kwargs=dummy_kwargs(p))
        for method in ("get", "post"):
            anon = getattr(client, method)(url)
            if anon.status_code != 401:
                failures.append(f"{method.upper()} {url} without key: {anon.status_code}, expected 401")
            denied = getattr(wrong, method)(url, format="json") if method == "post" else wrong.get(url)
            if denied.status_code != 403:
                failures.append(f"{method.upper()} {url} with other scopes: {denied.status_code}, expected 403")
            allowed = getattr(full, method)(url, format="json") if method == "post" else full.get(url)
            if allowed.status_code in (401, 403) or allowed.status_code >= 500:
                failures.append(f"{method.upper()} {url} with all scopes: {allowed.status_code}")
            if getattr(cls, "state_wide_only", False):  # the office's bank files: a county key is refused
                county = getattr(one_county, method)(url, format="json") if method == "post" else one_county.get(url)
                if county.status_code != 403:
                    failures.append(f"{method.upper()} {url} with a county key: {county.status_code}, expected 403")
    assert not failures, "\n".join(failures)


# Scope: the same URLs walked again with the cast's county blanked, with every case moved to
# another caseload, then to another county (issue 12.2). Only object pages (URLs with arguments)
# change with scope; each outcome is predicted from the baseline, the role's permissions and the
# declared scope (``scope_filter``, ``OfficeWide``) of the rows the URL names, whatever the lookup
# (case number, number, pk): a named row out of the user's scope → 404, as the restricted queryset
# answers; out of the write scope of the view's action (another caseload) → 403.
def _outcome(response) -> str:
    if response.status_code >= 500:
        return "error"
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    if response.status_code == 302 and response.url.startswith(reverse("login")):
        return "login"
    return "allowed"


def _answers_get(cls) -> bool:
    """A POST-only view answers the walk's GET with 405 before it loads any object."""
    return "get" in getattr(cls, "http_method_names", ["get"])


def _writes_to_case(cls) -> bool:
    """Views that load their case for a write (cases.views.CaseFormView and the like)."""
    return getattr(cls, "case_action", "view") != "view" and _answers_get(cls)


def _write_action(cls) -> str:
    """The scope action a view loads its object for: ``case_action`` (case pages) or ``scope_action``
    (``ServiceActionView``, ``ScopedQuerysetMixin``); ``"view"`` for a page that only reads."""
    return getattr(cls, "case_action", None) or getattr(cls, "scope_action", None) or "view"


@contextmanager
def _rows_read(into: list):
    """Every model row the ORM builds while inside (``get``, ``first``, iteration), appended to ``into``."""
    real_iter = ModelIterable.__iter__

    def iterate(self):
        for row in real_iter(self):
            into.append(row)
            yield row

    with mock.patch.object(ModelIterable, "__iter__", iterate):
        yield


def _named_rows(rows: list, kwargs: dict) -> set:
    """``(model, pk)`` of the rows a URL's arguments name among the rows its view read: an integer
    argument names a row by its key (``pk``, ``person_id``, ``order_id``...), any other one by a
    field holding that value (``case_number``, ``number``...)."""
    named = set()
    for row in rows:
        for value in kwargs.values():
            if isinstance(value, int):
                hit = row.pk == value
            else:
                hit = any(getattr(row, f.attname, None) == value for f in row._meta.concrete_fields)
            if hit:
                named.add((type(row), row.pk))
    return named


def _out_of_scope(named: set, user, action: str = "view") -> list[str]:
    """The named rows out of ``user``'s scope for ``action`` by their model's declared scope
    (``scope_filter``; ``OfficeWide`` and models without a scope: every row is in)."""
    return sorted(
        f"{model.__name__} {pk}"
        for model, pk in named
        if not RestrictedQuerySet(model).in_scope(user, action).filter(pk=pk).exists()
    )


@pytest.mark.slow
@pytest.mark.parametrize("part", range(WALK_PARTS))
def test_every_object_url_follows_county_and_caseload_scope(part, role_user, make_user):
    from accounts.models import User
    from cases.models import Case
    from core.models import AccessLog
    from tests.conftest import CAST_COUNTY

    cast = {str(role): role_user(role) for role in Role}
    samples = collect_samples(users=cast)
    # Scope is the case rule: the roles holding any case permission (superusers bypass scope).
    users = {
        role: user
        for role, user in cast.items()
        if not user.is_superuser and any(p.startswith("cases.") for p in user.get_all_permissions())
    }
    assert {"caseworker", "coordinator", "enforcement_specialist"} <= set(users)
    object_patterns = [(name, p) for _route, name, p in web_patterns() if p.pattern.converters and name in samples]
    every_url = [(name, reverse(name, kwargs=samples[name]), view_class(p)) for name, p in object_patterns]
    assert len(every_url) > 20  # the walk covers the object pages of every app
    perms = {name: required_permissions(p, samples[name]) for name, p in object_patterns}
    urls = walk_part(every_url, part, key=lambda url: url[0])
    clients = _signed_in_clients(users)
    anonymous = Client()
    access_failures: list[str] = []

    rows_named: dict[str, set] = {}  # each URL's rows named by its arguments (seen in the baseline)

    def walk(*, baseline: bool = False) -> dict:
        """Each URL's outcome per role; the baseline also checks the declared access rule, with the
        anonymous GET, as ``test_every_url_for_every_role`` does for the pages without arguments, and
        notes the rows each URL's arguments name (``_named_rows``)."""
        seen = {}
        for name, url, cls in urls:
            anon = anonymous.get(url) if baseline else None
            rows: list = []
            walked = users if baseline else {role: user for role, user in users.items() if (name, role) not in refused}
            with _rows_read(rows) if baseline else nullcontext():
                answers = {role: (user, _get_as(clients[role], user, url)) for role, user in walked.items()}
            if baseline:
                access_failures.extend(_access_failures(url, cls, perms[name], anon, answers))
                rows_named[name] = _named_rows(rows, samples[name])
                model = getattr(cls, "model", None)
                read = any(outcome == "allowed" for outcome in map(_outcome, (r for _u, r in answers.values())))
                if model and read and _answers_get(cls) and model not in {m for m, _pk in rows_named[name]}:
                    access_failures.append(f"{url} ({name}): no {model.__name__} row named by {samples[name]} was read")
            for role, (_user, response) in answers.items():
                seen[(name, role)] = _outcome(response)
            for role in users.keys() - walked.keys():
                seen[(name, role)] = "403"
        return seen

    def scope() -> dict:
        """Per URL and role, by the models' declared scope in the data as it is now: the named rows
        out of the user's view scope (a non-empty list: the page must be a 404), else ``"read_only"``
        (out of the write scope of the view's action: 403) or ``"in"``."""
        fresh = {role: User.objects.get(pk=user.pk) for role, user in users.items()}
        found: dict = {}
        for name, _url, cls in urls:
            action = _write_action(cls)
            for role, user in fresh.items():
                hidden = _out_of_scope(rows_named[name], user)
                if hidden:
                    found[(name, role)] = hidden
                elif action != "view" and _out_of_scope(rows_named[name], user, action):
                    found[(name, role)] = "read_only"
                else:
                    found[(name, role)] = "in"
        return found

    # A role without the permission a view declares is refused by PermissionRequiredMixin.dispatch
    # before the view reads anything: no county or caseload can change that answer, so the walks
    # after the baseline (which checks it is a 403) leave those pairs out (two thirds of them).
    refused = {
        (name, role) for name, _url, _cls in urls for role, user in users.items() if not user.has_perms(perms[name])
    }
    baseline = walk(baseline=True)
    access_failures += [
        f"{name} as {role}: {baseline[name, role]}, expected 403"
        for name, role in sorted(refused)
        if baseline[name, role] != "403"
    ]
    assert not access_failures, "\n".join(access_failures)
    cast_ids = [u.pk for u in cast.values()]
    User.objects.filter(pk__in=cast_ids).update(county="")
    no_county, no_county_scope = walk(), scope()
    User.objects.filter(pk__in=cast_ids).update(county=CAST_COUNTY)
    colleague = make_user("caseworker", username="colleague_elsewhere")
    Case.objects.update(caseworker=colleague)
    denials_before = AccessLog.objects.filter(detail__reason="out_of_scope").count()
    other_caseload, other_caseload_scope = walk(), scope()
    scope_denials = AccessLog.objects.filter(detail__reason="out_of_scope").count() - denials_before
    Case.objects.update(county="Elsewhere")
    other_county, other_county_scope = walk(), scope()

    failures, expected_denials = [], 0
    for name, url, cls in urls:
        for role, user in users.items():
            key, base = (name, role), baseline[(name, role)]
            if base == "error" or "error" in (no_county[key], other_caseload[key], other_county[key]):
                failures.append(f"{url} as {role}: a server error in one of the walks")
                continue
            sees_all = user.is_superuser or user.has_perm("cases.view_all_cases")
            works_any = user.is_superuser or user.has_perm("cases.work_any_case_in_county")
            loads = base == "allowed" and _answers_get(cls)  # the GET read the object: scope decides
            # another caseload: a write page is 403 for a role bound to its caseload, the rest unchanged
            read_only = loads and other_caseload_scope[key] == "read_only"
            want = "403" if (base == "allowed" and (read_only or (_writes_to_case(cls) and not works_any))) else base
            expected_denials += want == "403" and base == "allowed"
            if other_caseload[key] != want:
                failures.append(f"{url} as {role} on another caseload: {other_caseload[key]}, expected {want}")
            # a row the URL names out of the user's scope (another county; no county: nothing
            # county-scoped): 404, as for a page looked up by case number
            for label, seen, found in (
                ("without a county", no_county, no_county_scope),
                ("another county", other_county, other_county_scope),
            ):
                if loads and isinstance(found[key], list) and seen[key] != "404":
                    failures.append(
                        f"{url} ({name}, {cls.__name__}) as {role}, {label}: {seen[key]}, expected 404 "
                        f"({', '.join(found[key])} out of the user's scope: does the view read through restrict()?)"
                    )
            if sees_all:
                # a state-wide reader reads there as at home, but writes only in their own county:
                # another county's case, or any case for a user without a county, is read-only (403)
                for label, seen, found in (
                    ("without a county", no_county, no_county_scope),
                    ("another county", other_county, other_county_scope),
                ):
                    outside = base == "allowed" and (_writes_to_case(cls) or (loads and found[key] == "read_only"))
                    want = "403" if outside else base
                    if seen[key] != want:
                        failures.append(
                            f"{url} as {role}, {label}: {seen[key]}, expected {want} "
                            "(view_all_cases reads every county, writes only its own)"
                        )
            else:
                # a user without a county sees what a county user sees of another county: no case
                if no_county[key] != other_county[key]:
                    failures.append(
                        f"{url} as {role}: without a county {no_county[key]}, another county "
                        f"{other_county[key]} (must agree)"
                    )
                if (
                    "case_number" in samples[name]
                    and _answers_get(cls)
                    and base == "allowed"
                    and other_county[key] != "404"
                ):
                    failures.append(f"{url} as {role}, another county: {other_county[key]}, expected 404")
    assert not failures, "\n".join(failures)
    assert scope_denials == expected_denials  # each 403 of the caseload rule wrote its denial row
