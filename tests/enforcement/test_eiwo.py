"""e-IWO: the batch file out (per employer, control numbers never reused, counts that agree, read
back before storing) and acknowledgments in (accepted, rejected, left, lump sum; replay; refusals)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Employer, Employment, WorkItem
from enforcement.choices import IwoAckStatus, IwoDelivery
from enforcement.interchange.fixedwidth import Record, decode, read, write_text
from enforcement.interchange.layouts.eiwo import EIWO, EIWO_ACKS
from enforcement.models import EiwoControl, IncomeWithholdingOrder, PartnerFile
from enforcement.services.partner_files import partner_file_export
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import EmployerFactory
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)


def _enrolled(name: str, fein: str) -> Employer:
    return EmployerFactory(
        name=name, fein=fein, line1="1 Main St", city="Albany", state="NY", postal_code="12207", eiwo_enrolled=True
    )


@pytest.fixture
def two_employers():
    first, second = _enrolled("Acme Foods", "141111111"), _enrolled("Beta Health", "142222222")
    orders = []
    for employer in (first, first, second):
        action = active_withholding_action(employer=employer)
        orders += iwo_reconcile_action(action=action, on=ON)
    paper = active_withholding_action()  # not enrolled: paper
    orders += iwo_reconcile_action(action=paper, on=ON)
    return orders


def test_export_builds_one_batch_per_enrolled_employer_that_reads_back(two_employers, tmp_path):
    out = tmp_path / "eiwo.txt"
    stdout = StringIO()
    call_command("export_eiwo", "--output", str(out), stdout=stdout)
    records = read(decode(out.read_bytes()), EIWO)
    types = [r.type for r in records]
    assert types == ["fhi", "bhi", "detail", "detail", "bti", "bhi", "detail", "bti", "fti"]
    assert records[-1]["batch_count"] == 2 and records[-1]["record_count"] == 3
    batch_numbers = [r["control_number"] for r in records if r.type == "bhi"]
    assert len(set(batch_numbers + [records[0]["control_number"]])) == 3
    detail = records[2]
    eiwo = [o for o in two_employers if o.delivery == IwoDelivery.EIWO]
    assert detail["action_code"] == "ORG" and detail["case_id"] == eiwo[0].remittance_id
    assert detail["tracking_id"] == eiwo[0].control_number and len(detail["employee_ssn"]) == 9
    assert detail["current_support"] == Decimal("433.33") and detail["weekly_amount"] == Decimal("100.00")
    stored = PartnerFile.objects.get(kind="eiwo")
    assert bytes(stored.content) == out.read_bytes() and stored.direction == "out"
    assert IncomeWithholdingOrder.objects.filter(delivery="eiwo", eiwo_exported_at__isnull=True).count() == 0
    assert IncomeWithholdingOrder.objects.filter(delivery="paper", eiwo_exported_at__isnull=True).count() == 1
    assert stdout.getvalue().strip().splitlines()[-1].startswith("eiwo sent: records 9")
    # The next export has nothing left and draws new control numbers (never reused).
    second = partner_file_export(kind="eiwo")
    again = read(decode(bytes(second.content)), EIWO)
    assert [r.type for r in again] == ["fhi", "fti"] and again[-1]["record_count"] == 0
    assert again[0]["control_number"] not in batch_numbers + [records[0]["control_number"]]
    numbers = list(EiwoControl.objects.values_list("control_number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_a_file_whose_counts_disagree_is_refused_by_the_reader(two_employers):
    partner_file = partner_file_export(kind="eiwo")
    lines = decode(bytes(partner_file.content))
    lines[-1] = lines[-1][:30] + "00009" + lines[-1][35:]  # file trailer record_count
    from enforcement.interchange.fixedwidth import FixedWidthError

    with pytest.raises(FixedWidthError) as exc:
        read(lines, EIWO)
    assert exc.value.errors[0]["field"] == "record_count" and exc.value.errors[0]["line"] == len(lines)


def _ack_file(acks: list[dict], control: str = "36000F0000000009001") -> bytes:
    stamp = {"state_fips": "36000", "created_on": ON, "created_time": "101500"}
    records = [
        {"type": "fha", "control_number": control, **stamp},
        {"type": "bha", "control_number": control[:-1] + "2", **stamp},
        *({"type": "ack", **ack} for ack in acks),
        {"type": "bta", "control_number": control[:-1] + "2", "batch_count": 0, "record_count": len(acks)},
        {"type": "fta", "control_number": control, "batch_count": 1, "record_count": len(acks)},
    ]
    return write_text(records, EIWO_ACKS).encode("ascii")


def _ack(iwo: IncomeWithholdingOrder, status: str = "A", reason: str = "", **more) -> dict:
    return {
        "action_code": iwo.kind,
        "case_id": iwo.remittance_id,
        "employer_fein": iwo.employer_fein,
        "employee_ssn": "500000001",
        "tracking_id": iwo.control_number,
        "disposition_status": status,
        "disposition_reason": reason,
        **more,
    }


def _import(tmp_path, content: bytes, name: str = "acks.txt") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    out = StringIO()
    call_command("import_eiwo_acks", str(path), stdout=out)
    return out.getvalue()


def test_acknowledgments_move_actions_on_reject_to_the_queue_and_follow_the_employee(two_employers, tmp_path):
    accepted, rejected, left = [o for o in two_employers if o.delivery == IwoDelivery.EIWO]
    content = _ack_file(
        [
            _ack(accepted),
            _ack(rejected, "R", "D", reason_text="We already withhold for this case"),
            _ack(
                left,
                "R",
                "N",
                termination_date=date(2026, 11, 20),
                final_payment_date=date(2026, 11, 27),
                new_employer_name="Gamma Logistics",
                new_employer_fein="143333333",
            ),
        ]
    )
    output = _import(tmp_path, content)
    assert "accepted" in output.splitlines()[0]
    assert output.strip().splitlines()[-1] == ("eiwo-acks accepted: records 7, accepted 1, rejected 1, not employed 1")
    statuses = dict(
        IncomeWithholdingOrder.objects.filter(pk__in=[accepted.pk, rejected.pk, left.pk]).values_list(
            "pk", "ack_status"
        )
    )
    assert statuses == {
        accepted.pk: IwoAckStatus.ACCEPTED,
        rejected.pk: IwoAckStatus.REJECTED,
        left.pk: IwoAckStatus.NOT_EMPLOYED,
    }
    assert WorkItem.objects.filter(kind="iwo_rejected", case=rejected.case).count() == 1
    ncp = left.case.ncp
    old = Employment.objects.get(person=ncp, employer=left.employer)
    assert old.ended_on == date(2026, 11, 20)
    new = Employment.objects.get(person=ncp, employer__fein="143333333")
    assert new.ended_on is None and new.started_on == date(2026, 11, 21)
    assert WorkItem.objects.filter(kind="locate", case=left.case, status="open").count() == 1
    # The new employer gets its original order from the action (nightly task / next reconcile).
    issued = iwo_reconcile_action(action=left.action, on=ON)
    assert [(i.kind, i.employer.fein) for i in issued] == [("ORG", "143333333")]
    # Replay: a no-op, said so, exit 0.
    replay = _import(tmp_path, content, name="acks-again.txt")
    assert "already imported" in replay
    assert WorkItem.objects.filter(kind="iwo_rejected").count() == 1


def test_a_lump_sum_notice_opens_a_work_item(two_employers, tmp_path):
    iwo = [o for o in two_employers if o.delivery == IwoDelivery.EIWO][0]
    _import(
        tmp_path,
        _ack_file(
            [_ack(iwo, lump_sum_amount=Decimal("2500.00"), lump_sum_date=date(2026, 12, 15), lump_sum_type="BON")]
        ),
    )
    iwo.refresh_from_db()
    assert iwo.ack_status == IwoAckStatus.LUMP_SUM
    assert WorkItem.objects.filter(kind="iwo_lump_sum", case=iwo.case).count() == 1


def test_a_file_naming_an_unknown_order_is_refused_whole_with_its_line_and_field(two_employers, tmp_path):
    good, other = [o for o in two_employers if o.delivery == IwoDelivery.EIWO][:2]
    bad = _ack(other)
    bad["tracking_id"] = "36IWO999999999999"
    with pytest.raises(CommandError) as exc:
        _import(tmp_path, _ack_file([_ack(good), bad]))
    assert "line 4: tracking_id" in str(exc.value)
    good.refresh_from_db()
    assert good.ack_status == ""  # nothing recorded
    wrong_employer = _ack(good)
    wrong_employer["employer_fein"] = "199999999"
    with pytest.raises(CommandError) as exc:
        _import(tmp_path, _ack_file([wrong_employer], control="36000F0000000009101"), name="b.txt")
    assert "line 3: employer_fein" in str(exc.value)


def test_a_malformed_file_names_the_line_and_field(tmp_path):
    lines = decode(_ack_file([]))
    lines.insert(2, "ACKXXX" + " " * 1194)
    with pytest.raises(CommandError) as exc:
        _import(tmp_path, ("\r\n".join(lines) + "\r\n").encode())
    assert "line 3" in str(exc.value) and "action_code" in str(exc.value)


def test_round_trip_of_an_export_through_the_reader_keeps_every_record(two_employers):
    content = bytes(partner_file_export(kind="eiwo").content)
    records = read(decode(content), EIWO)
    rewritten = write_text(records, EIWO).encode("ascii")
    assert rewritten == content
    assert all(isinstance(r, Record) for r in records)
