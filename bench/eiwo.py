"""Time an e-IWO batch file of N income withholding orders: built (one batch per employer),
written with the fixed-width writer, read back and checked by the reader, stored.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_eiwo .venv/bin/python bench/eiwo.py 10000
(with no DATABASE_URL: a fresh SQLite file under .local/). Aim (issue 16): under 20 s for 10,000.
The orders are synthetic rows (one case, one closed action per order, 100 enrolled employers): the
figure is the export's, not the issuing's. Prints figures; not a test.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
if not os.environ.get("DATABASE_URL"):
    db = BASE / ".local" / "bench_eiwo.sqlite3"
    db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    call_command("migrate", verbosity=0)
    from cases.models import Case, CaseParticipant, Employer, Person
    from enforcement.interchange.fixedwidth import decode, get_layout, read
    from enforcement.models import EnforcementAction, IncomeWithholdingOrder, RemedyRule
    from enforcement.services.partner_files import partner_file_export

    on = date(2026, 11, 30)
    IncomeWithholdingOrder.objects.filter(delivery="eiwo", eiwo_exported_at__isnull=True).update(
        eiwo_exported_at=django.utils.timezone.now()
    )  # a re-run measures only its own orders
    case = Case.objects.create(
        case_number=f"NY-B{int(time.time()) % 10**8:08d}",
        county="Albany",
        jurisdiction="NY",
        application_received_on=on,
    )
    from core.fields import blind_index

    # One live record per SSN (person_live_ssn_unique): a re-run puts its case on the same obligor.
    person = Person.objects.filter(ssn_index=blind_index("123456789"), merged_into=None).first()
    person = person or Person.objects.create(first_name="Bench", last_name="Obligor", ssn="123456789")
    CaseParticipant.objects.create(case=case, person=person, role="ncp")
    rule = RemedyRule.objects.filter(remedy="income_withholding", jurisdiction="NY").first()
    employers = Employer.objects.bulk_create(
        [
            Employer(
                name=f"Bench Employer {i}",
                fein=f"{190000000 + i}",
                line1=f"{i} Main St",
                city="Albany",
                state="NY",
                postal_code="12207",
                eiwo_enrolled=True,
            )
            for i in range(100)
        ]
    )
    actions = EnforcementAction.objects.bulk_create(
        [
            EnforcementAction(
                case=case,
                remedy="income_withholding",
                rule=rule,
                status="closed",
                proposed_on=on,
                total_arrears=Decimal("2600"),
                timeframe_start_on=on,
                timeframe_due_on=on,
            )
            for _ in range(n)
        ],
        batch_size=2000,
    )
    money = Decimal("433.33")
    IncomeWithholdingOrder.objects.bulk_create(
        [
            IncomeWithholdingOrder(
                action=action,
                case=case,
                employer=employers[i % 100],
                kind="ORG",
                control_number=f"36IWOB{action.pk:012d}",
                issued_on=on,
                delivery="eiwo",
                issuing_state="New York",
                issuing_jurisdiction="Albany",
                remittance_id=case.case_number,
                order_identifier="ORD-1",
                employer_name=employers[i % 100].name,
                employer_line1=employers[i % 100].line1,
                employer_city="Albany",
                employer_state="NY",
                employer_postal_code="12207",
                employer_fein=employers[i % 100].fein,
                obligor_first_name="Bench",
                obligor_last_name="Obligor",
                custodial_party_name="Bench Custodial",
                children=[{"name": "Bench Child", "birth_date": "2018-05-01"}],
                current_support=money,
                total_per_frequency=money,
                per_weekly=Decimal("100.00"),
                per_biweekly=Decimal("200.00"),
                per_semimonthly=Decimal("216.67"),
                per_monthly=money,
                arrears_total=Decimal("2600"),
                arrears_over_12_weeks=True,
                withholding_limit_percent=55,
            )
            for i, action in enumerate(actions)
        ],
        batch_size=2000,
    )
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        partner_file = partner_file_export(kind="eiwo")
    seconds = time.perf_counter() - started
    records = read(decode(bytes(partner_file.content)), get_layout("eiwo"))
    print(
        f"e-IWO export: {n} orders, {partner_file.counts.get('employers')} employer batches, "
        f"{partner_file.record_count} records, {partner_file.size:,} bytes built, written, read back and "
        f"stored in {seconds:.2f} s ({len(queries)} queries); re-read {len(records)} records"
    )
    print(f"database: {connection.vendor}; aim < 20 s")


if __name__ == "__main__":
    main()
