"""Partner API list latency at several cursor positions, and throughput beside a bare Django view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_scale nice .venv/bin/python bench/api_lists.py --requests 30
    ... bench/api_lists.py --lists people,collections   # some of the lists only

Runs on the office already in the database (``bench/cases_generate.py`` builds one). Through the
full middleware stack (``django.test.Client``, a state-wide partner key), for each large list —
``/api/v1/cases/`` (cursor by case number), ``/api/v1/people/`` (by id),
``/api/v1/collections/`` (by id, newest first) and ``/api/v1/enforcement-actions/`` (by id, newest
first; the office has actions once a sweep ran: ``manage.py run_sweep --as-of 2026-11-23``, else the
list is reported empty) — it times:
- ``?pagination=cursor`` with the cursor at 0%, 25%, 50%, 75% and 99% of the list's order
  (p50/p95 per position) — a keyset page should cost the same anywhere;
- ``?page=1`` and a deep ``?page=`` for comparison (OFFSET + COUNT);
- throughput (requests/s, sequential, in alternating blocks) of the cursor endpoint against a bare view written here
  (not in the app): the same page of rows from ``.values()``, as JSON, through the same
  middleware (no scope, no serializer, no redaction, no sensitive-read log), and the CPU
  seconds per request of both (this process and its PostgreSQL backend: steadier than wall time
  on a shared machine).
``--throughput-only`` skips the positions and pages. Run it with ``CACHE_URL=rediscache://…`` (and
``CASEWORKS_API_KEY_CACHE_SECONDS``) for production's cache: the rate limit's window (counted by
a Lua script in the round trip that reads the key: ``accounts.rate_limit``), and the keys when kept,
in Redis. The API process keeps each list's compiled cursor-page statement per shape (as a served
process does), so the first page of a shape is the only one that builds its queryset. Aim (issue 17.3): p95 < 100 ms at any position, throughput ≥ 0.8× the bare view. Prints figures;
not a test. (The people list writes one sensitive-read row per person shown, as it must: the
bench adds them to the access log.)
"""

from __future__ import annotations

import argparse
import base64
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# The throttle still counts every request (its cost is measured), at a rate the bench's few
# hundred requests a minute per list do not reach (the default 600/minute answered 429 mid-run).
os.environ.setdefault("CASEWORKS_API_THROTTLE_RATE", "1000000/minute")
# As in production: with DEBUG on, Django keeps every query's SQL and timing, a cost per query that
# falls harder on the API (which makes more queries than the bare view) than on what it serves.
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from _client import client_environment  # noqa: E402
from _cpu import cpu_seconds  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from cases.api.serializers import BalanceSerializer  # noqa: E402

FIELDS = [
    "case_number",
    "county",
    "jurisdiction",
    "assistance_status",
    "status",
    "stage",
    "closure_reason",
    "closed_on",
    "application_received_on",
    "opened_on",
    "interstate_role",
    "other_state",
    "other_state_case_id",
    "interstate_referred_on",
    "next_deadline_on",
    "next_deadline_kind",
    "updated_at",
]
BALANCE = list(BalanceSerializer.Meta.fields)  # the floor reads the columns the API shows


def bare_cases(request):
    """The floor: one page of the same rows from ``.values()`` (no scope, no serializer)."""
    from cases.models import Case, CaseParticipant

    after = request.GET.get("after", "")
    size = int(request.GET.get("page_size", 50))
    rows = list(
        Case.objects.filter(case_number__gt=after)
        .order_by("case_number")
        .values("id", *FIELDS, *(f"balance__{b}" for b in BALANCE))[:size]
    )
    people: dict[int, list] = {}
    for p in CaseParticipant.objects.filter(case_id__in=[r["id"] for r in rows]).values(
        "case_id", "role", "person_id", "person__first_name", "person__last_name", "person__family_violence"
    ):
        people.setdefault(p.pop("case_id"), []).append(p)
    results = []
    for row in rows:
        case_id = row.pop("id")
        balance = {b: row.pop(f"balance__{b}") for b in BALANCE}
        results.append({**row, "balance": balance, "participants": people.get(case_id, [])})
    return JsonResponse({"next": None, "previous": None, "results": results})


PEOPLE = [
    "id",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "sex",
    "deceased_on",
    "family_violence",
    "preferred_language",
    "needs_interpreter",
    "paternity_status",
    "phone",
    "email",
    "updated_at",
]


def bare_people(request):
    """The floor of the people list: a page of people in scope (any participation) by id, and their cases."""
    from django.db.models import Exists, OuterRef

    from cases.models import CaseParticipant, Person

    after = int(request.GET.get("after", 0))
    size = int(request.GET.get("page_size", 50))
    # The bound inside the EXISTS as well (as the API does): without it PostgreSQL's merge semi-join
    # reads the participants' index from its start, and the floor would grow with the position.
    participates = CaseParticipant.objects.filter(person_id=OuterRef("pk"), person_id__gt=after)
    rows = list(Person.objects.filter(Exists(participates), pk__gt=after).order_by("id").values(*PEOPLE)[:size])
    cases: dict[int, list] = {}
    for p in CaseParticipant.objects.filter(person_id__in=[r["id"] for r in rows]).values(
        "person_id", "case__case_number", "role"
    ):
        cases.setdefault(p.pop("person_id"), []).append(p)
    return JsonResponse(
        {"next": None, "previous": None, "results": [{**row, "cases": cases.get(row["id"], [])} for row in rows]}
    )


COLLECTION = [
    "source_reference",
    "case__case_number",
    "case_number_received",
    "amount",
    "received_on",
    "collected_on",
    "source",
    "status",
    "hold_reason",
    "received_via",
    "posted_at",
]


def bare_collections(request):
    """The floor of the collections list: a page of collections by id, newest first."""
    from cases.models import Collection

    before = int(request.GET.get("before", 2**62))
    size = int(request.GET.get("page_size", 50))
    rows = list(Collection.objects.filter(pk__lt=before).order_by("-id").values(*COLLECTION)[:size])
    return JsonResponse({"next": None, "previous": None, "results": rows})


ACTION = [
    "id",
    "case__case_number",
    "remedy",
    "status",
    "rule__version",
    "rule__effective_from",
    "rule__citation",
    "proposed_on",
    "total_arrears",
    "assigned_arrears",
    "unassigned_arrears",
    "months_in_arrears",
    "delinquent_since",
    "notice_issued_on",
    "notice_total_arrears",
    "notice_months_in_arrears",
    "contest_opens_on",
    "contest_ends_on",
    "contested_on",
    "contest_decision",
    "activated_on",
    "partner",
    "ended_on",
    "release_reason",
    "timeframe_due_on",
    "taken_on",
    "updated_at",
]


def bare_actions(request):
    """The floor of the enforcement actions list: a page of actions by id, newest first, with
    their case's number and their rule's version, date and citation in the same join (not the
    rule's conditions in words, which no column holds)."""
    from enforcement.models import EnforcementAction

    before = int(request.GET.get("before", 2**62))
    size = int(request.GET.get("page_size", 50))
    rows = list(EnforcementAction.objects.filter(pk__lt=before).order_by("-id").values(*ACTION)[:size])
    return JsonResponse({"next": None, "previous": None, "results": rows})


urlpatterns = [
    path("bench/bare-cases/", bare_cases),
    path("bench/bare-people/", bare_people),
    path("bench/bare-collections/", bare_collections),
    path("bench/bare-actions/", bare_actions),
    path("", include("config.urls")),
]


def positions(name: str) -> list:
    """The list's cursor values in its order (case numbers; person ids; collection and action ids
    newest first)."""
    from cases.models import Case, Collection, Person
    from enforcement.models import EnforcementAction

    if name == "cases":
        return list(Case.objects.order_by("case_number").values_list("case_number", flat=True))
    if name == "people":
        return list(
            Person.objects.filter(participations__isnull=False, merged_into__isnull=True)
            .distinct()
            .order_by("id")
            .values_list("id", flat=True)
        )
    if name == "actions":
        return list(EnforcementAction.objects.order_by("-id").values_list("id", flat=True))
    return list(Collection.objects.order_by("-id").values_list("id", flat=True))


# name -> (API path, the bare view's path and its position parameter)
LISTS = {
    "cases": ("/api/v1/cases/", "/bench/bare-cases/", "after"),
    "people": ("/api/v1/people/", "/bench/bare-people/", "after"),
    "collections": ("/api/v1/collections/", "/bench/bare-collections/", "before"),
    "actions": ("/api/v1/enforcement-actions/", "/bench/bare-actions/", "before"),
}


def cursor_for(number) -> str:
    """DRF's cursor encoding (rest_framework.pagination.CursorPagination.encode_cursor)."""
    return base64.b64encode(urlencode({"p": number}).encode("ascii")).decode("ascii")


def timed(client: Client, url: str, n: int, **headers) -> list[float]:
    client.get(url, **headers)  # warm-up
    out = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url, **headers)
        out.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return sorted(out)


def p95(times: list[float]) -> float:
    return times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--lists", default=",".join(LISTS), help=f"comma-separated, of {', '.join(LISTS)}")
    parser.add_argument(
        "--throughput-only", action="store_true", help="skip the cursor positions and the ?page= figures"
    )
    args = parser.parse_args()
    names = [name.strip() for name in args.lists.split(",") if name.strip()]
    unknown = [name for name in names if name not in LISTS]
    if unknown:
        parser.error(f"unknown list(s): {', '.join(unknown)}")
    client_environment()
    from accounts.services import partner_key_create

    _, raw = partner_key_create(
        agency_name="Bench statewide",
        scopes=["cases:read", "collections:read", "enforcement:read"],
        all_counties=True,
        actor_label="bench/api_lists.py",
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    size = args.page_size
    client = Client()
    with override_settings(ROOT_URLCONF=__name__, CASEWORKS_API_LOG_BATCH=100):
        for name in names:
            api_path, bare_path, bare_param = LISTS[name]
            order = positions(name)
            total = len(order)
            # Only the positions timed are kept: a list of millions of values in this process would
            # be walked by every full garbage collection, a cost a served process does not have and
            # that falls harder on the side that allocates more (issue 17.3: it made the
            # collections list, 8.8 million ids at 1,000,000 cases, look 0.7x the bare view).
            wanted = {min(total - 1, int(total * share)) for share in (0, 0.25, 0.5, 0.75, 0.99)} | {total // 2}
            order = {index: order[index] for index in wanted} if total else {}
            gc.collect()
            print(f"{api_path}: {total} rows; page_size {size}; {args.requests} requests per figure")
            if not total:
                print("  (empty: nothing to time" + ("; run manage.py run_sweep first)" if name == "actions" else ")"))
                continue
            for share in () if args.throughput_only else (0, 0.25, 0.5, 0.75, 0.99):
                index = min(total - 1, int(total * share))
                url = f"{api_path}?pagination=cursor&page_size={size}"
                if index:
                    url += f"&cursor={cursor_for(order[index])}"
                times = timed(client, url, args.requests, **auth)
                print(f"  cursor at {share:>4.0%}: p50 {statistics.median(times):6.1f} ms  p95 {p95(times):6.1f} ms")
            for page in () if args.throughput_only else (1, max(1, total // size // 2)):
                times = timed(client, f"{api_path}?page={page}&page_size={size}", args.requests, **auth)
                print(f"  page={page:<6}: p50 {statistics.median(times):6.1f} ms  p95 {p95(times):6.1f} ms")
            middle = order[total // 2]
            api_url = f"{api_path}?pagination=cursor&page_size={size}&cursor={cursor_for(middle)}"
            bare_url = f"{bare_path}?page_size={size}&{bare_param}={middle}"
            wall, cpu = interleaved(client, api_url, bare_url, args.requests * 6, auth)
            api_rate, bare_rate = 1 / wall["api"], 1 / wall["bare"]
            print(
                f"  throughput (sequential, interleaved): API cursor {api_rate:.1f} req/s, bare .values() view "
                f"{bare_rate:.1f} req/s, ratio {api_rate / bare_rate:.2f}"
            )
            if cpu:
                print(
                    f"  CPU per request (process + its PostgreSQL backend): API {cpu['api'] * 1000:.2f} ms, "
                    f"bare {cpu['bare'] * 1000:.2f} ms, ratio (bare/API) {cpu['bare'] / cpu['api']:.2f}"
                )


def interleaved(client: Client, api_url: str, bare_url: str, n: int, headers: dict) -> tuple[dict, dict]:
    """Seconds of wall and of CPU per request of each URL over ``n`` requests each, made in
    alternating blocks of 25 (API, bare, bare, API, ...): a drift of the host's speed during the run
    falls on both sides alike instead of on whichever ran second."""
    block = 25
    urls = {"api": api_url, "bare": bare_url}
    wall = dict.fromkeys(urls, 0.0)
    cpu = dict.fromkeys(urls, 0.0)
    measured_cpu = True
    for url in urls.values():
        for _ in range(5):  # warm-up
            assert client.get(url, **headers).status_code == 200, url
    blocks = max(1, n // block)
    for number in range(blocks):
        for side in ("api", "bare") if number % 2 == 0 else ("bare", "api"):
            cpu_start, start = cpu_seconds(), time.perf_counter()
            for _ in range(block):
                client.get(urls[side], **headers)
            wall[side] += time.perf_counter() - start
            cpu_end = cpu_seconds()
            if cpu_start is None or cpu_end is None:
                measured_cpu = False
            else:
                cpu[side] += cpu_end - cpu_start
    count = blocks * block
    return {side: seconds / count for side, seconds in wall.items()}, (
        {side: seconds / count for side, seconds in cpu.items()} if measured_cpu else {}
    )


if __name__ == "__main__":
    main()
