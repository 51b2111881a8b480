"""Search p95 (issue 15.1): ``GET /search/?q=`` on the office already in the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_desk_bench nice .venv/bin/python manage.py generate_office --cases 100000 --months 0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_desk_bench nice .venv/bin/python bench/search.py

Runs a mix of real queries (case numbers, "Last First" names with the order swapped, a last name
alone, dates of birth, SSN last four, employer names) as a statewide user and as a one-county
caseworker, through the Django test client (the whole request: middleware, view, template).
Prints figures; not a test.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from _client import client_environment  # noqa: E402
from django.test import Client  # noqa: E402


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    from django.contrib.auth.models import Group

    from accounts.models import User
    from cases.models import Case, Employer, Person

    client_environment()
    rng = random.Random(15)
    cases = Case.objects.count()
    people = list(
        Person.objects.order_by("?").values_list("first_name", "last_name", "date_of_birth", "ssn_last4")[:40]
    )
    numbers = list(Case.objects.order_by("?").values_list("case_number", flat=True)[:40])
    employers = list(Employer.objects.order_by("?").values_list("name", flat=True)[:20])
    queries = {
        "case number": numbers,
        "name, order swapped": [f"{last} {first}" for first, last, _dob, _ssn in people],
        "last name alone": [last for _first, last, _dob, _ssn in people[:20]],
        "date of birth": [f"{dob:%m/%d/%Y}" for _f, _l, dob, _s in people if dob][:20],
        "SSN last four": [ssn for _f, _l, _d, ssn in people if ssn][:20],
        "employer": [name.split()[0] for name in employers],
    }
    county = Case.objects.values_list("county", flat=True).first() or "Albany"
    statewide, _ = User.objects.get_or_create(
        username="bench_search_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    worker, created = User.objects.get_or_create(username="bench_search_worker", defaults={"county": county})
    if created:
        worker.groups.add(Group.objects.get(name="caseworker"))
    print(
        f"search on {cases} cases, {Person.objects.count()} people "
        f"({os.environ.get('DATABASE_URL', 'sqlite').split(':')[0]}); load {os.getloadavg()[0]:.1f}"
    )
    for label, user in (("statewide user", statewide), (f"caseworker ({county})", worker)):
        client = Client()
        client.force_login(user)
        client.get("/search/?q=warmup")
        every: list[float] = []
        for kind, texts in queries.items():
            times = []
            for text in texts:
                t = time.perf_counter()
                response = client.get("/search/", {"q": text})
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (text, response.status_code)
            every += times
            if times:
                print(
                    f"  {label:28} {kind:20} n={len(times):3} median {statistics.median(times):7.1f} ms"
                    f"  p95 {p95(times):7.1f} ms"
                )
        rng.shuffle(every)
        print(
            f"  {label:28} ALL                  n={len(every):3} median {statistics.median(every):7.1f} ms"
            f"  p95 {p95(every):7.1f} ms"
        )


if __name__ == "__main__":
    main()
