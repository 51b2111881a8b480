"""Partner API list latency at several cursor positions, and throughput beside a bare Django view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_scale nice .venv/bin/python bench/api_lists.py --requests 30

Runs on the office already in the database (``bench/cases_generate.py`` builds one). Through the
full middleware stack (``django.test.Client``, a state-wide partner key), it times:
- ``GET /api/v1/cases/?pagination=cursor`` with the cursor at 0%, 25%, 50%, 75% and 99% of the
  case numbers (p50/p95 per position) — a keyset page should cost the same anywhere;
- ``?page=1`` and a deep ``?page=`` for comparison (OFFSET + COUNT);
- throughput (requests/s, sequential) of the cursor endpoint against a bare view written here
  (not in the app): the same page of cases, balance and participants from ``.values()``, as JSON,
  through the same middleware.
Aim (issue 17.3): p95 < 100 ms at any position, throughput ≥ 0.8× the bare view. Prints figures;
not a test.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from _client import client_environment  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

FIELDS = ["case_number", "county", "jurisdiction", "assistance_status", "status", "stage", "closure_reason", "closed_on",
          "application_received_on", "opened_on", "interstate_role", "other_state", "other_state_case_id",
          "interstate_referred_on", "next_deadline_on", "next_deadline_kind", "updated_at"]
BALANCE = ["monthly_obligation", "current_due_month", "current_paid_month", "unassigned_arrears", "assigned_arrears",
           "total_arrears", "months_in_arrears", "last_payment_on", "last_payment_amount", "delinquent_since"]


def bare_cases(request):
    """The floor: one page of the same rows from ``.values()`` (no scope, no serializer)."""
    from cases.models import Case, CaseParticipant

    after = request.GET.get("after", "")
    size = int(request.GET.get("page_size", 50))
    rows = list(Case.objects.filter(case_number__gt=after).order_by("case_number")
                .values("id", *FIELDS, *(f"balance__{b}" for b in BALANCE))[:size])
    people: dict[int, list] = {}
    for p in CaseParticipant.objects.filter(case_id__in=[r["id"] for r in rows]).values(
            "case_id", "role", "person_id", "person__first_name", "person__last_name", "person__family_violence"):
        people.setdefault(p.pop("case_id"), []).append(p)
    results = []
    for row in rows:
        case_id = row.pop("id")
        balance = {b: row.pop(f"balance__{b}") for b in BALANCE}
        results.append({**row, "balance": balance, "participants": people.get(case_id, [])})
    return JsonResponse({"next": None, "previous": None, "results": results})


urlpatterns = [path("bench/bare-cases/", bare_cases), path("", include("config.urls"))]


def cursor_for(number: str) -> str:
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
    args = parser.parse_args()
    client_environment()
    from accounts.services import partner_key_create
    from cases.models import Case

    _, raw = partner_key_create(agency_name="Bench statewide", scopes=["cases:read"], all_counties=True,
                                actor_label="bench/api_lists.py")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    numbers = list(Case.objects.order_by("case_number").values_list("case_number", flat=True))
    total = len(numbers)
    size = args.page_size
    print(f"{total} cases; page_size {size}; {args.requests} requests per figure")
    client = Client()
    with override_settings(ROOT_URLCONF=__name__, CASEWORKS_API_LOG_BATCH=100):
        for share in (0, 0.25, 0.5, 0.75, 0.99):
            index = min(total - 1, int(total * share))
            url = f"/api/v1/cases/?pagination=cursor&page_size={size}"
            if index:
                url += f"&cursor={cursor_for(numbers[index])}"
            times = timed(client, url, args.requests, **auth)
            print(f"cursor at {share:>4.0%}: p50 {statistics.median(times):6.1f} ms  p95 {p95(times):6.1f} ms")
        for page in (1, max(1, total // size // 2)):
            times = timed(client, f"/api/v1/cases/?page={page}&page_size={size}", args.requests, **auth)
            print(f"page={page:<6}: p50 {statistics.median(times):6.1f} ms  p95 {p95(times):6.1f} ms")
        middle = numbers[total // 2]
        api = timed(client, f"/api/v1/cases/?pagination=cursor&page_size={size}&cursor={cursor_for(middle)}",
                    args.requests * 3, **auth)
        bare = timed(client, f"/bench/bare-cases/?page_size={size}&after={middle}", args.requests * 3, **auth)
        api_rate, bare_rate = 1000 / statistics.mean(api), 1000 / statistics.mean(bare)
        print(f"throughput (sequential): API cursor {api_rate:.1f} req/s, bare .values() view {bare_rate:.1f} req/s, "
              f"ratio {api_rate / bare_rate:.2f}")


if __name__ == "__main__":
    main()
