"""A small partner file kind for the pipeline tests (registered on import; test-only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cases.models import Employer
from enforcement.interchange.fixedwidth import Field, FileLayout, RecordLayout, TrailerCount, register_layout
from enforcement.services.partner_files import (
    ExportResult,
    PartnerFileRefused,
    partner_file_kinds,
    register_partner_file_kind,
)

KIND = "test-employers"
OUT_KIND = "test-roster"

HEADER = RecordLayout(
    "header",
    record_id="H",
    length=30,
    fields=[
        Field("record_id", 1, 1, "constant", value="H"),
        Field("created_on", 2, 8, "date", required=True),
        Field("batch", 10, 6, "numeric", required=True),
        Field("filler", 16, 15, "filler"),
    ],
)
DETAIL = RecordLayout(
    "employer",
    record_id="E",
    length=30,
    fields=[
        Field("record_id", 1, 1, "constant", value="E"),
        Field("fein", 2, 9, "numeric", required=True),
        Field("name", 11, 12, "alnum", required=True),
        Field("amount", 23, 8, "amount"),
    ],
)
TRAILER = RecordLayout(
    "trailer",
    record_id="T",
    length=30,
    fields=[
        Field("record_id", 1, 1, "constant", value="T"),
        Field("count", 2, 6, "integer", required=True),
        Field("filler", 8, 23, "filler"),
    ],
)
LAYOUT = register_layout(
    FileLayout(
        "test-employers",
        records=[HEADER, DETAIL, TRAILER],
        version="test layout (not a published spec)",
        check=TrailerCount(header="header", trailer="trailer", counts={"count": "employer"}),
    )
)


def import_employers(context) -> None:
    for record in context.records:
        if record.type != "employer":
            continue
        if record["name"] == "REFUSE ME":
            raise PartnerFileRefused([{"line": record.line, "reason": "name: this employer is refused"}])
        Employer.objects.create(name=record["name"], fein=record["fein"])
        context.counts["created"] += 1
        context.add_total("amount", record["amount"] or Decimal(0))


def export_roster(*, by=None, **options) -> ExportResult:
    employers = list(Employer.objects.order_by("pk"))
    records = [{"type": "header", "created_on": date(2026, 1, 15), "batch": "000001"}]
    records += [{"type": "employer", "fein": e.fein or "0", "name": e.name[:12], "amount": None} for e in employers]
    records.append({"type": "trailer", "count": len(employers)})
    return ExportResult(
        records=records, counts={"employers": len(employers)}, control_number=options.get("control", "")
    )


if KIND not in partner_file_kinds():
    register_partner_file_kind(
        KIND,
        label="Test employers",
        layout="test-employers",
        importer=import_employers,
        control_number=lambda records: f"B{records[0]['batch']}",
    )
    register_partner_file_kind(
        OUT_KIND,
        label="Test roster",
        layout="test-employers",
        exporter=export_roster,
    )


def employer_file(*employers: tuple[str, str], batch: str = "000001", count: int | None = None) -> bytes:
    lines = [f"H20260115{batch}".ljust(30)]
    lines += [f"E{fein}{name.ljust(12)}00001000" for fein, name in employers]
    lines.append(f"T{(len(employers) if count is None else count):06d}".ljust(30))
    return ("\r\n".join(lines) + "\r\n").encode("ascii")
