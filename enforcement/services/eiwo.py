"""e-IWO out (a batch file of the orders waiting for enrolled employers) and acknowledgments in.

Export (``eiwo_export``, kind ``eiwo``): every income withholding order issued to an employer
enrolled in e-IWO and not yet sent, grouped into one batch per employer (Appendix D: "the State
must assign a unique control number for each employer batch"), with file and batch control numbers
drawn from ``EiwoControl`` (never reused) and trailer counts computed from the records. The
partner-file pipeline then writes it with the one fixed-width writer and reads it back with the
one reader (counts and structure checked) before it is stored; the orders are marked sent only
when the file row exists (``on_stored``), in the same transaction, which holds them locked: two
exports at once put each order in one file only.

Import (``eiwo_acks_import``, kind ``eiwo-acks``), all or nothing: each ACK names our document
tracking identifier; it must be an order we sent, to that employer (FEIN) for that case, within
the file's reach, or the whole file is refused naming the line and field. Then:
- accepted (A) → the order is acknowledged; the action goes on (it stays active);
- rejected (R) for a reason other than "no longer employed" → a work item on the queue;
- no longer employed (R/N) → the employment ends on the separation date, the new employer (when
  given) is recorded and the NCP's new employment starts, and a locate task is opened; the new job
  goes through the new-hire rule as the file's and the desk's do (``new_job_withholding``, 42 USC
  666(b)): each open case of the NCP with an active order has its open withholding action pointed
  at the new employer or one proposed, with one queue item per case and job (the nightly task
  then issues the order there);
- lump sum notice (``lump_sum_amount`` given) → a work item to decide a one-time lump sum order.
A replayed file (same content or file control number) is a no-op (the pipeline's replay check).

FVI (42 USC 654(26)): the employer locates the NCP, and the indicator can be set after a work item
was written. A work item's title and its events are frozen text shown to anyone who may view the
case, so they never name the employer: they say "the employer" and name the order, whose page
applies the indicator when it is shown (``enforcement.views.withholding``). (A rejection's notes
are the employer's own remark, ``reason_text``, as it sent it.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cases.choices import EmploymentSource, ParticipantRole
from cases.models import CaseParticipant, Employer, Employment
from cases.selectors import employer_by_fein
from cases.services.employment import employments_confirm
from cases.services.person_lock import people_lock
from cases.services.work import work_item_create
from core.dates import display_date
from core.services import event_about

from ..choices import IwoAckStatus, IwoDelivery, IwoKind
from ..interchange.fixedwidth import Record
from ..models import EiwoControl, IncomeWithholdingOrder
from .partner_files import ExportResult, ImportContext, PartnerFileRefused
from .partner_kinds.new_hires import NEW_EMPLOYER, new_job_withholding
from .withholding import ORDERED_AMOUNTS

FREQUENCY_CODE = {"weekly": "W", "biweekly": "B", "semimonthly": "S", "monthly": "M"}
REASON_TEXT = {
    "B": "SSN matches an employee whose name differs",
    "D": "Duplicate IWO",
    "M": "The same IWO is in place from another state",
    "N": "Employee no longer employed",
    "S": "Employee currently not working (leave, suspended, between assignments)",
    "W": "Wrong FEIN for this employee",
    "U": "Employee not known to the employer",
    "L": "Lump sum payment notice",
    "O": "Other",
}


def _office_fips() -> str:
    profile = settings.CASEWORKS_SDU.get(settings.CASEWORKS_JURISDICTION) or next(iter(settings.CASEWORKS_SDU.values()))
    return profile["fips"]


def _control(kind: str, employer: Employer | None = None) -> EiwoControl:
    """A new control number: state FIPS + "000" (Appendix D's recommended 5-digit prefix), F or B,
    and the row id — a database sequence, so never reused."""
    row = EiwoControl.objects.create(kind=kind, employer=employer)
    row.control_number = f"{_office_fips()}000{'F' if kind == EiwoControl.FILE else 'B'}{row.pk:013d}"
    EiwoControl.objects.filter(pk=row.pk).update(control_number=row.control_number)
    return row


def _digits(text: str, length: int) -> str:
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    return digits[:length]


def _ascii(text: str, length: int) -> str:
    from anyascii import anyascii

    return anyascii(text or "").replace("\\", "/").replace("*", " ").strip()[:length]


def detail_record(iwo: IncomeWithholdingOrder, *, ssn: str, sdu: dict, on: date) -> dict:
    """The DTL record of one withholding order (frozen figures, as the PDF prints them)."""
    freq = FREQUENCY_CODE.get(iwo.order_frequency, "M")
    lump = iwo.kind == IwoKind.LUMP_SUM
    zip_digits = _digits(iwo.employer_postal_code, 9)

    def amount(value: Decimal) -> tuple[Decimal | None, str]:
        return (None, "") if lump or not value else (value, freq)

    record = {
        "type": "detail",
        "action_code": iwo.kind,
        "document_date": iwo.issued_on,
        "issuing_state": _ascii(iwo.issuing_state, 35),
        "issuing_jurisdiction": _ascii(iwo.issuing_jurisdiction, 35),
        "case_id": iwo.remittance_id[:15],
        "employer_name": _ascii(iwo.employer_name, 57),
        "employer_line1": _ascii(iwo.employer_line1 or iwo.employer_name, 25),
        "employer_line2": _ascii(iwo.employer_line2, 25),
        "employer_city": _ascii(iwo.employer_city, 22),
        "employer_state": _ascii(iwo.employer_state, 2),
        "employer_zip": zip_digits[:5] if len(zip_digits) >= 5 else "",
        "employer_zip4": zip_digits[5:9] if len(zip_digits) == 9 else "",
        "employer_fein": _digits(iwo.employer_fein, 9),
        "employee_last_name": _ascii(iwo.obligor_last_name, 20),
        "employee_first_name": _ascii(iwo.obligor_first_name, 15),
        "employee_middle_name": _ascii(iwo.obligor_middle_name, 15),
        "employee_ssn": ssn,
        "employee_birth_date": iwo.obligor_birth_date,
        "obligee_name": _ascii(iwo.custodial_party_name, 57),
        "arrears_over_12_weeks": "" if lump else ("Y" if iwo.arrears_over_12_weeks else "N"),
        "other_reason": "",
        "lump_sum_amount": iwo.lump_sum_amount if lump else None,
        "employment_state": _ascii(iwo.issuing_state, 35),
        "begin_withholding_days": iwo.begin_withholding_days,
        "remit_days": iwo.remit_business_days,
        "withholding_limit_pct": iwo.withholding_limit_percent,
        "payee_name": _ascii(sdu.get("payee", ""), 57),
        **{f"payee_line{n}": _ascii(line, 25) for n, line in enumerate((sdu.get("address") or [])[:3], start=1)},
        "remittance_id": iwo.remittance_id[:20],
        "order_id": _ascii(iwo.order_identifier, 30),
        "tracking_id": iwo.control_number or "",
        "nmsn_indicator": "Y" if iwo.health_coverage_required else "N",
        "copy_to_employee": "Y",
        "issuer_name": _ascii(settings.CASEWORKS_OFFICE_NAME, 57),
        "issuer_phone": _ascii(settings.CASEWORKS_OFFICE_PHONE, 20),
    }
    for field_name in ORDERED_AMOUNTS:
        value, code = amount(getattr(iwo, field_name))
        record[field_name] = value
        record[("other" if field_name == "other_amount" else field_name) + "_freq"] = code
    record["total_amount"], record["total_freq"] = (None, "") if lump else (iwo.total_per_frequency, freq)
    for key, value in (
        ("weekly_amount", iwo.per_weekly),
        ("biweekly_amount", iwo.per_biweekly),
        ("semimonthly_amount", iwo.per_semimonthly),
        ("monthly_amount", iwo.per_monthly),
    ):
        record[key] = None if lump else value
    for n, child in enumerate((iwo.children or [])[:6], start=1):
        record[f"child{n}_name"] = _ascii(child.get("name", ""), 35)
        record[f"child{n}_birth_date"] = date.fromisoformat(child["birth_date"]) if child.get("birth_date") else None
    return record


def eiwo_export(*, by=None, on: date | None = None, **options) -> ExportResult:
    """The e-IWO batch file of every order waiting for an enrolled employer (see the module)."""
    today = on or timezone.localdate()
    now = timezone.localtime()
    # Locked until the file is stored (``partner_file_export``'s transaction): an export running at
    # the same time waits, then finds these orders sent (PostgreSQL checks the filter again on the
    # updated rows) and leaves them out, so no employer receives an order twice.
    pending = list(
        IncomeWithholdingOrder.objects.select_for_update(of=("self",))
        .filter(delivery=IwoDelivery.EIWO, eiwo_exported_at__isnull=True)
        .select_related("employer", "case")
        .order_by("employer_id", "id")
    )
    ssns = _ncp_ssns({iwo.case_id for iwo in pending})
    file_control = _control(EiwoControl.FILE)
    fips = f"{_office_fips()}000"
    stamp = {"state_fips": fips, "created_on": today, "created_time": now.strftime("%H%M%S")}
    records: list[Record | Mapping[str, Any]] = [
        {"type": "fhi", "control_number": file_control.control_number, **stamp}
    ]
    by_employer: dict[int, list[IncomeWithholdingOrder]] = defaultdict(list)
    for iwo in pending:
        by_employer[iwo.employer_id].append(iwo)
    batches: list[tuple[EiwoControl, list[IncomeWithholdingOrder]]] = []
    counts = dict.fromkeys(IwoKind.values, 0)
    sdus: dict[str, dict] = {}
    for orders in by_employer.values():
        employer = orders[0].employer
        batch = _control(EiwoControl.BATCH, employer)
        batch.record_count = len(orders)
        batches.append((batch, orders))
        fein = _digits(employer.fein, 9)
        records.append(
            {"type": "bhi", "control_number": batch.control_number, **stamp, "ein": fein, "primary_ein": fein}
        )
        for iwo in orders:
            jurisdiction = iwo.case.jurisdiction
            sdu = sdus.setdefault(jurisdiction, settings.CASEWORKS_SDU.get(jurisdiction, {}))
            records.append(detail_record(iwo, ssn=ssns.get(iwo.case_id, ""), sdu=sdu, on=today))
            counts[iwo.kind] += 1
        records.append(
            {
                "type": "bti",
                "control_number": batch.control_number,
                "batch_count": 0,
                "record_count": len(orders),
                "employee_termination_count": 0,
                "lump_sum_count": sum(1 for o in orders if o.kind == IwoKind.LUMP_SUM),
                "error_record_count": 0,
            }
        )
    records.append(
        {
            "type": "fti",
            "control_number": file_control.control_number,
            "batch_count": len(batches),
            "record_count": len(pending),
            "employee_termination_count": 0,
            "lump_sum_count": counts[IwoKind.LUMP_SUM],
            "error_record_count": 0,
        }
    )

    def on_stored(partner_file) -> None:
        exported = timezone.now()
        EiwoControl.objects.filter(pk=file_control.pk).update(partner_file=partner_file, record_count=len(pending))
        for batch, orders in batches:
            EiwoControl.objects.filter(pk=batch.pk).update(partner_file=partner_file, record_count=len(orders))
            IncomeWithholdingOrder.objects.filter(pk__in=[o.pk for o in orders]).update(
                eiwo_batch_control_number=batch.control_number, eiwo_exported_at=exported
            )

    return ExportResult(
        records=records,
        control_number=file_control.control_number or "",
        name=f"eiwo-{today:%Y%m%d}-{file_control.control_number}.txt",
        counts={"orders": len(pending), "employers": len(batches), **{k.lower(): v for k, v in counts.items()}},
        on_stored=on_stored,
    )


def _ncp_ssns(case_ids: set[int]) -> dict[int, str]:
    """The NCP SSN of each case (decrypted), in one query."""
    from cases.models import CaseParticipant

    out: dict[int, str] = {}
    rows = CaseParticipant.objects.filter(case_id__in=case_ids, role="ncp").select_related("person").order_by("id")
    for participant in rows.iterator(chunk_size=2000):
        ssn = participant.person.ssn
        out.setdefault(participant.case_id, ssn if isinstance(ssn, str) and len(ssn) == 9 else "")
    return out


def _employer_for(ack, *, on: date) -> Employer | None:
    fein, name = ack.get("new_employer_fein") or "", (ack.get("new_employer_name") or "").strip()
    if not fein and not name:
        return None
    employer = employer_by_fein(fein)
    if employer is None and name:
        employer = Employer.objects.filter(name__iexact=name).order_by("id").first()
    if employer is None:
        employer = Employer.objects.create(
            name=name or f"Employer {fein}",
            fein=fein,
            line1=ack.get("new_employer_line1") or "",
            city=ack.get("new_employer_city") or "",
            state=ack.get("new_employer_state") or "",
            postal_code=ack.get("new_employer_zip") or "",
        )
    return employer


def eiwo_acks_import(context: ImportContext) -> None:
    """Apply an acknowledgment file (see the module); refuse it whole on any unknown reference."""
    acks = [r for r in context.records if r.type == "ack"]
    tracking = {r["tracking_id"] for r in acks}
    orders = {
        iwo.control_number: iwo
        for iwo in IncomeWithholdingOrder.objects.filter(control_number__in=tracking)
        .filter(context.case_q("case__"))
        .select_related("case", "employer", "employment", "action")
    }
    errors = []
    for ack in acks:
        iwo = orders.get(ack["tracking_id"])
        if iwo is None:
            errors.append(
                {
                    "line": ack.line,
                    "reason": f"tracking_id: no income withholding order {ack['tracking_id']} was sent to an employer",
                }
            )
        elif iwo.remittance_id[:15] != ack["case_id"]:
            errors.append(
                {"line": ack.line, "reason": f"case_id: {ack['case_id']} is not the case of order {iwo.control_number}"}
            )
        elif _digits(iwo.employer_fein, 9) != ack["employer_fein"]:
            errors.append(
                {
                    "line": ack.line,
                    "reason": f"employer_fein: order {iwo.control_number} was not sent "
                    f"to employer {ack['employer_fein']}",
                }
            )
        elif ack["disposition_status"] == "R" and not ack.get("disposition_reason"):
            errors.append({"line": ack.line, "reason": "disposition_reason: a rejection needs its reason code"})
        elif ack.get("disposition_reason") == "N" and ack.get("termination_date") is None:
            errors.append(
                {
                    "line": ack.line,
                    "reason": "termination_date: an employee no longer employed needs the date of separation",
                }
            )
    if errors:
        raise PartnerFileRefused(errors)
    today = timezone.localdate()
    # The NCPs whose jobs a separation changes, their rows locked in one go (in id order) before any
    # job is read: a new-hire file or the desk recording their new job meanwhile takes turns with
    # this file, so the new employer gets one open job, not one from each.
    separating = [
        orders[ack["tracking_id"]].case_id
        for ack in acks
        if ack.get("disposition_reason") == "N" and not _acknowledged_before(orders[ack["tracking_id"]])
    ]
    if separating:
        people_lock(
            CaseParticipant.objects.filter(case_id__in=separating, role=ParticipantRole.NCP).values_list(
                "person_id", flat=True
            )
        )
    for ack in acks:
        iwo = orders[ack["tracking_id"]]
        if _acknowledged_before(iwo):  # (another file): nothing to do twice
            context.counts["already_acknowledged"] += 1
            continue
        _apply(ack, iwo, context=context, today=today)


def _acknowledged_before(iwo: IncomeWithholdingOrder) -> bool:
    return bool(iwo.ack_status and iwo.ack_on)


def _apply(ack, iwo: IncomeWithholdingOrder, *, context: ImportContext, today: date) -> None:
    reason = ack.get("disposition_reason") or ""
    label = context.actor_label or "e-IWO acknowledgment"
    fields = {"ack_on": today, "ack_reason": REASON_TEXT.get(reason, reason)[:200] if reason else ""}
    if ack.get("lump_sum_amount"):
        amount = ack["lump_sum_amount"]
        work_item_create(
            case=iwo.case,
            kind="iwo_lump_sum",
            due_on=today + timedelta(days=2),
            title=f"Lump sum of ${amount:,.2f} notified by the employer on IWO {iwo.control_number}: "
            "decide a lump sum IWO",
            dedupe_key=f"iwo-lump:{iwo.pk}:{ack.get('lump_sum_date') or today}",
            notes=f"e-IWO acknowledgment line {ack.line} ({ack.get('lump_sum_type') or 'type not given'}, "
            f"payment date {ack.get('lump_sum_date') or 'not given'}).",
        )
        context.counts["lump_sum_notices"] += 1
        context.add_total("lump_sums_notified", amount)
    if ack.get("lump_sum_amount") and ack["disposition_status"] == "A":
        fields["ack_status"] = IwoAckStatus.LUMP_SUM
        verb = "lump sum notified by the employer"
    elif ack["disposition_status"] == "A":
        fields["ack_status"] = IwoAckStatus.ACCEPTED
        context.counts["accepted"] += 1
        verb = "income withholding order accepted"
    elif reason == "N":
        fields.update(ack_status=IwoAckStatus.NOT_EMPLOYED, ended_on=ack["termination_date"])
        context.counts["not_employed"] += 1
        verb = "employee no longer employed"
        _separation(ack, iwo, context=context, today=today)
    else:
        fields["ack_status"] = IwoAckStatus.REJECTED
        context.counts["rejected"] += 1
        verb = "income withholding order rejected"
        work_item_create(
            case=iwo.case,
            kind="iwo_rejected",
            due_on=today + timedelta(days=5),
            title=f"IWO {iwo.control_number} rejected by the employer: {REASON_TEXT.get(reason, reason)}"[:200],
            dedupe_key=f"iwo-rejected:{iwo.pk}",
            notes=(ack.get("reason_text") or "")[:2000],
        )
    IncomeWithholdingOrder.objects.filter(pk=iwo.pk).update(**fields)
    event_about(
        iwo.action,
        verb=verb,
        actor_label=label[:200],
        summary=f"{iwo.control_number} ({iwo.kind}): {fields.get('ack_reason') or fields['ack_status']}",
        data={"iwo_id": iwo.pk, "partner_file_id": context.partner_file.pk, "line": ack.line},
    )


# The queue item of the new-hire rule when a former employer's reply names the new employer; frozen
# text, so it names no employer (FVI, see the module).
EIWO_WORK_ITEM_TITLE = (
    f"Send the income withholding order to {NEW_EMPLOYER} (named by the former employer's e-IWO reply; 42 USC 666(b))"
)


def _separation(ack, iwo: IncomeWithholdingOrder, *, context: ImportContext, today: date) -> None:
    """The employee left: end that employment, open a locate task and, when the reply names the new
    employer, start the new employment and apply the new-hire rule to it as the new-hire file and
    the desk do (``new_hires.new_job_withholding``, 42 USC 666(b): withholding follows the NCP to
    a new employer): on each open case of the NCP within the file's reach, the open withholding
    action is pointed at the new employer, or one is proposed under the rule, with one queue item
    per case and job (the file's dedupe key: the new employer's W-4 arriving later adds none).
    The action in force then sends the new employer its original (the nightly task)."""
    ended = ack["termination_date"]
    ncp = iwo.case.ncp
    # Not a job awaiting confirmation (typed at the desk for an FVI person): the employer's reply is
    # about the job it has, and ending the typed one would answer whether the FEIN typed is where the
    # person works (42 USC 654(26)).
    Employment.objects.withholding().filter(person=ncp, employer=iwo.employer, ended_on__isnull=True).filter(
        Q(started_on__lte=ended)
    ).update(ended_on=ended, ended_source=EmploymentSource.EIWO)
    new_employer = _employer_for(ack, on=today)
    proposed = moved = 0
    employment = None
    if new_employer is not None and ncp is not None:
        open_there = Employment.objects.filter(person=ncp, employer=new_employer, ended_on__isnull=True)
        if not open_there.withholding().exists():
            # An open job there awaiting confirmation (typed at the desk for an FVI person) is the
            # job the reply names: confirmed, the new-hire rule applies to it; else a new one.
            # Several typed there are one job: ``employments_confirm`` keeps the oldest open.
            if employments_confirm(jobs=open_there):
                employment = open_there.order_by("pk").first()
            else:
                employment = Employment.objects.create(
                    person=ncp,
                    employer=new_employer,
                    started_on=min(ended + timedelta(days=1), today),
                    source=EmploymentSource.EIWO,
                )
    if employment is not None:
        proposed, moved, no_rule = new_job_withholding(
            employment=employment,
            figures={
                "source": f"e-IWO reply: no longer employed at the employer of IWO {iwo.control_number}",
                "iwo_id": iwo.pk,
                "partner_file": context.partner_file.pk,
            },
            entered_on=today,
            title=EIWO_WORK_ITEM_TITLE,
            case_q=context.case_q("case__"),
        )
        for name, count in (
            ("withholding_proposed", proposed),
            ("withholding_redirected", moved),
            ("withholding_no_rule", no_rule),
        ):
            if count:
                context.counts[name] += count
    said = ""
    if new_employer is not None:
        said = " (new employer reported: confirm it" + (
            "; income withholding to it is on the queue)" if proposed or moved else ")"
        )
    work_item_create(
        case=iwo.case,
        kind="locate",
        due_on=today + timedelta(days=5),
        title=f"Locate: the NCP left the employer of IWO {iwo.control_number} on {display_date(ended)}{said}",
        dedupe_key=f"iwo-left:{iwo.pk}",
    )


def control_of(records) -> str:
    return records[0]["control_number"] if records and records[0].type == "fha" else ""
