"""Builders of NACHA CCD+ child support files for tests and benchmarks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from enforcement.nacha import BatchSpec, Ded, EntrySpec, build_file, ded_format

SDU_ROUTING = "021000021"


def ded_entry(
    case_id: str,
    amount: Decimal | str,
    *,
    ssn: str = "123456789",
    pay_date: date = date(2026, 11, 18),
    medical: bool = False,
    name: str = "",
    terminated: bool = False,
) -> EntrySpec:
    amount = Decimal(amount)
    ded = Ded(
        case_id=case_id, pay_date=pay_date, amount=amount, ssn=ssn, medical=medical, name=name, terminated=terminated
    )
    return EntrySpec(routing=SDU_ROUTING, account="SDU00001", amount=amount, name="STATE SDU", addenda=ded_format(ded))


def payment_file(
    entries: list[EntrySpec],
    *,
    effective: date = date(2026, 11, 20),
    created: datetime = datetime(2026, 11, 19, 14, 5),
    employer: str = "ACME WIDGETS",
    company_id: str = "1131234567",
    modifier: str = "A",
    batches: int = 1,
    service_class: str = "220",
) -> str:
    size = -(-len(entries) // batches) if entries else 0
    specs = [
        BatchSpec(
            company_name=employer,
            company_id=company_id,
            sec_code="CCD",
            entry_description="CHILD SUPP",
            effective_date=effective,
            odfi="09100001",
            entries=entries[i * size : (i + 1) * size] if size else [],
            service_class=service_class,
        )
        for i in range(batches)
    ]
    return build_file(
        destination=SDU_ROUTING,
        origin="1131234567",
        destination_name="STATE SDU BANK",
        origin_name=employer,
        created=created,
        batches=specs,
        file_id_modifier=modifier,
    )
