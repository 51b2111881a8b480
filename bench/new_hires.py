"""Benchmark: a new-hire file (NDNH W-4 records) matched against an office (issue 16.2).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_nh .venv/bin/python bench/new_hires.py \
        [--cases 100000] [--records 100000] [--matched 0.3]

Builds the office (``bench/files.py``'s office builder) when it has fewer open cases than asked,
writes a W-4 file with the project's own layout (a share of the records are NCPs of the office,
the rest unknown SSNs), imports it in the foreground and prints the wall time, the counts and the
number of SQL statements (flat in the file's size but for the chunked IN look-ups and bulk inserts).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--matched", type=float, default=0.3, help="Share of records that are NCPs of the office.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from files import _ensure_office

    from cases.models import CaseParticipant
    from enforcement.choices import FileVia
    from enforcement.interchange.fixedwidth import get_layout, write_text
    from enforcement.services.partner_files import partner_file_submit

    print(f"database: {connection.vendor}")
    t = time.perf_counter()
    _ensure_office(args.cases)
    print(f"office ready in {time.perf_counter() - t:.1f} s")
    rng = random.Random()
    want = int(args.records * args.matched)
    ssns = [
        s
        for s in CaseParticipant.objects.filter(role="ncp", case__status="open", person__ssn_index__gt="").values_list(
            "person__ssn", flat=True
        )[:want]
        if isinstance(s, str) and len(s) == 9
    ]
    records = []
    for i in range(args.records):
        ssn = ssns[i] if i < len(ssns) else f"9{rng.randrange(10**8):08d}"
        records.append(
            {
                "type": "w4",
                "employee_ssn": ssn,
                "employee_first_name": "PAT",
                "employee_last_name": "PAYER",
                "employee_address_1": f"{i} MAIN ST",
                "employee_city": "ALBANY",
                "employee_state": "NY",
                "employee_zip": "12207",
                "employee_hire_date": date.today(),
                "employer_fein": f"{rng.randrange(10**8, 10**9)}"[:9],
                "employer_name": f"EMPLOYER {i % 5000}",
                "employer_address_1": "1 FACTORY RD",
                "employer_city": "TROY",
                "employer_state": "NY",
                "employer_zip": "12180",
            }
        )
    t = time.perf_counter()
    rows = [
        {
            "type": "header",
            "transmitter_state_code": "36",
            "date_stamp": date.today(),
            "batch_number": f"{rng.randrange(10**6):06d}",
        },
        *records,
        {"type": "trailer", "employee_record_count": len(records)},
    ]
    content = write_text(rows, get_layout("ndnh-w4")).encode("ascii")
    print(f"file of {len(records)} records ({len(content) / 1e6:.1f} MB) written in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        partner_file, _ = partner_file_submit(
            kind="new-hires", name="bench-nh.txt", content=content, via=FileVia.COMMAND, background=False
        )
    elapsed = time.perf_counter() - t
    print(
        f"import: {partner_file.status} in {elapsed:.1f} s ({len(records) / elapsed:,.0f} records/s), "
        f"{len(queries.captured_queries)} SQL statements"
    )
    print(f"counts: {partner_file.counts}")


if __name__ == "__main__":
    main()
