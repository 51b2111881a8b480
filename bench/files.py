"""Benchmark: a 10,000-entry NACHA payment file import and a 10,000-line BAI2 reconciliation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench_files .venv/bin/python bench/files.py \
        [--cases 10000] [--entries 10000] [--lines 10000]

Builds the office with ``generate_office`` when the database has fewer open cases than asked
(falls back to a minimal bulk insert when the command is not installed), then prints wall times
and rates. Each run uses a new employer id, so its entries are new (not duplicates).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def _ensure_office(n_cases: int) -> None:
    from django.core.management import call_command, get_commands

    from cases.models import Case

    have = Case.objects.filter(status="open").count()
    if have >= n_cases:
        return
    if "generate_office" in get_commands():
        call_command("generate_office", cases=n_cases - have, seed=int(time.time()) % 100000)
        return
    _bulk_cases(n_cases - have)


def _bulk_cases(count: int) -> None:
    """Minimal open cases with a CP and an NCP with an SSN (only when generate_office is absent)."""
    from django.db import transaction

    from cases.models import Case, CaseBalance, CaseParticipant, Person
    from core.fields import blind_index

    start = Case.objects.count()
    with transaction.atomic():
        people = []
        for i in range(count):
            k = start + i
            ssn = f"{700 + k // 989901 % 99:03d}{k // 9999 % 99 + 1:02d}{k % 9999 + 1:04d}"
            people.append(
                Person(first_name="Pat", last_name=f"Payer{i}", ssn=ssn, ssn_last4=ssn[-4:], ssn_index=blind_index(ssn))
            )
            people.append(Person(first_name="Cory", last_name=f"Parent{i}"))
        Person.objects.bulk_create(people, batch_size=2000)
        cases = Case.objects.bulk_create(
            [
                Case(
                    case_number=f"BN-{start + i:06d}",
                    county="Albany",
                    jurisdiction="NY",
                    assistance_status="never",
                    status="open",
                    stage="enforcement",
                    application_received_on=date(2024, 1, 2),
                )
                for i in range(count)
            ],
            batch_size=2000,
        )
        CaseParticipant.objects.bulk_create(
            [CaseParticipant(case=c, person=people[2 * i], role="ncp") for i, c in enumerate(cases)]
            + [CaseParticipant(case=c, person=people[2 * i + 1], role="cp") for i, c in enumerate(cases)],
            batch_size=2000,
        )
        CaseBalance.objects.bulk_create([CaseBalance(case=c) for c in cases], batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument(
        "--pay-dates",
        choices=("spread", "today"),
        default="spread",
        help="spread: DED pay dates over the last six days (across a month end, some before "
        "collections already distributed, which 45 CFR 302.51 redistributes); today: every "
        "pay date today (the file-parsing and posting path alone)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from _cpu import cpu_note, cpu_seconds, served_process

    from cases.models import CaseParticipant
    from enforcement.bai2file import AccountSpec, TransactionSpec, build_statement
    from enforcement.choices import BankAccountPurpose, FileVia
    from enforcement.models import BankAccount
    from enforcement.nacha import BatchSpec, Ded, EntrySpec, build_file, ded_format
    from enforcement.services.bank import bank_statement_import_now
    from enforcement.services.payments import payment_file_import_now

    served_process()
    print(f"database: {connection.vendor}")
    t = time.perf_counter()
    _ensure_office(args.cases)
    print(f"office ready in {time.perf_counter() - t:.1f} s")

    rng = random.Random()
    ncps = list(
        CaseParticipant.objects.filter(role="ncp", case__status="open", person__ssn_index__gt="")
        .select_related("case", "person")
        .order_by("?")[: args.entries * 2]
    )
    # NACHA DED addenda refuse SSNs with a 000 area, 00 group or 0000 serial; the synthetic range has some.
    # An SSN reads as "" when it was encrypted under another key (an office generated with other
    # settings): those NCPs are left out too.
    ncps = [
        p
        for p in ncps
        if len(p.person.ssn) == 9
        and p.person.ssn[:3] != "000"
        and p.person.ssn[3:5] != "00"
        and p.person.ssn[5:] != "0000"
    ]
    ncps = ncps[: args.entries]
    if not ncps:
        raise SystemExit("no open cases with an NCP SSN")
    today = date.today()
    effective = today if args.pay_dates == "today" else today - timedelta(days=1)
    company = f"1{rng.randrange(10**8, 10**9)}"
    entries = []
    for i in range(args.entries):
        participant = ncps[i % len(ncps)]
        amount = Decimal(rng.randrange(2500, 60000)) / 100
        pay_date = effective if args.pay_dates == "today" else effective - timedelta(days=rng.randrange(0, 6))
        ded = Ded(
            case_id=participant.case.case_number,
            pay_date=pay_date,
            amount=amount,
            ssn=participant.person.ssn,
            medical=False,
        )
        entries.append(
            EntrySpec(routing="021000021", account="SDU00001", amount=amount, name="STATE SDU", addenda=ded_format(ded))
        )
    batches = [
        BatchSpec(
            company_name="BENCH EMPLOYER",
            company_id=company,
            sec_code="CCD",
            entry_description="CHILD SUPP",
            effective_date=effective,
            odfi="09100001",
            entries=entries[i : i + 1000],
        )
        for i in range(0, len(entries), 1000)
    ]
    text = build_file(
        destination="021000021",
        origin=company,
        destination_name="SDU BANK",
        origin_name="BENCH EMPLOYER",
        created=datetime.now() - timedelta(hours=1),
        batches=batches,
    )

    t, cpu = time.perf_counter(), cpu_seconds()
    imported = payment_file_import_now(
        name=f"bench-{company}.ach", content=text.encode(), via=FileVia.COMMAND, actor_label="bench"
    )
    elapsed = time.perf_counter() - t
    report = imported.report
    print(
        f"NACHA import: {report['entries']} entries ({report['posted']} posted, {report['held']} held, "
        f"{report['duplicates']} duplicates, {len(report['errors'])} errors) in {elapsed:.2f} s "
        f"= {report['entries'] / elapsed:,.0f} entries/s{cpu_note(cpu, report['entries'], 'entries')}"
    )

    account, _ = BankAccount.objects.get_or_create(
        account_number="BENCH-COLL",
        defaults={
            "name": "Bench collections",
            "purpose": BankAccountPurpose.COLLECTIONS,
            "routing_number": "021000021",
        },
    )
    lines = [TransactionSpec(165, Decimal(imported.total_amount), f"B{company}", imported.reference)]
    for i in range(args.lines - 1):
        lines.append(
            TransactionSpec(
                rng.choice([165, 301, 455]), Decimal(rng.randrange(100, 900000)) / 100, f"B{company}{i}", f"C{i}"
            )
        )
    statement = build_statement(
        sender="BANK",
        receiver="SDU",
        as_of=effective,
        file_id=company,
        accounts=[AccountSpec(account.account_number, lines)],
    )
    t, cpu = time.perf_counter(), cpu_seconds()
    _, bank_report = bank_statement_import_now(
        name=f"bench-{company}.bai", content=statement.encode(), via=FileVia.COMMAND
    )
    elapsed = time.perf_counter() - t
    print(
        f"BAI2 reconciliation: {bank_report.stored} lines ({bank_report.matched} matched, {bank_report.partial} "
        f"partial, {bank_report.unmatched} unmatched) in {elapsed:.2f} s = {bank_report.stored / elapsed:,.0f} lines/s"
        f"{cpu_note(cpu, bank_report.stored, 'lines')}"
    )


if __name__ == "__main__":
    main()
