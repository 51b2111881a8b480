"""NACHA return files for the office's disbursements (issue 13.7): returns R01–R85 hold the
money undistributed with a work item; notifications of change correct the payee's account;
replays change nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.ledger_verify import ledger_differences
from cases.models import Case, Disbursement, WorkItem
from cases.services import charges_accrue, collection_post
from core.models import AccessLog, DomainEvent
from enforcement.choices import BankAccountPurpose, FileVia
from enforcement.models import DisbursementExportEntry, DisbursementReturn, NachaReturnFile, PayeeAccount
from enforcement.nacha import (
    BatchSpec,
    EntrySpec,
    NachaInvalid,
    build_file,
    noc_addenda,
    parse,
    payment_entries,
    return_addenda,
)
from enforcement.selectors import disbursement_returns_held
from enforcement.services.disbursements import disbursements_export
from enforcement.services.returns import nacha_return_import
from tests.cases.factories import case_with_order
from tests.enforcement.file_factories import BankAccountFactory

pytestmark = pytest.mark.django_db
ODFI = "02100002"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 15, 0), tick=False):
        yield


@pytest.fixture
def exported(role_user):
    """Two family disbursements sent in one disbursement file; the cases have a caseworker."""
    BankAccountFactory(
        name="SDU disbursements",
        account_number="555000111",
        routing_number="021000021",
        purpose=BankAccountPurpose.DISBURSEMENTS,
    )
    worker = role_user("caseworker")
    cases = []
    for amount in ("100.00", "60.25"):
        case = case_with_order(monthly=Decimal("500.00"), caseworker=worker)
        PayeeAccount.objects.create(person=case.cp, routing_number="091000019", account_number="987654321")
        collection_post(
            case_number=case.case_number,
            amount=Decimal(amount),
            received_on=date(2026, 11, 20),
            source="direct_payment",
            source_reference=f"T-{case.pk}",
            received_via="form",
        )
        cases.append(case)
    export = disbursements_export(on=date(2026, 11, 23)).export
    return export, cases


def _entry(case) -> DisbursementExportEntry:
    return DisbursementExportEntry.objects.get(disbursement__case=case)


def _return_spec(case, code: str = "R03") -> EntrySpec:
    entry = _entry(case)
    return EntrySpec(
        routing="091000019",
        account="987654321",
        amount=entry.amount,
        identification=case.case_number,
        name="PAYEE",
        transaction_code="21",
        addenda_type="99",
        addenda=return_addenda(code=code, original_trace=entry.trace_number, original_rdfi="09100001"),
    )


def _noc_spec(case, code: str, data: str) -> EntrySpec:
    entry = _entry(case)
    return EntrySpec(
        routing="091000019",
        account="987654321",
        amount=Decimal("0"),
        identification=case.case_number,
        transaction_code="21",
        addenda_type="98",
        addenda=noc_addenda(
            code=code, original_trace=entry.trace_number, original_rdfi="09100001", corrected_data=data
        ),
    )


def _file(specs: list[EntrySpec], *, sec: str = "PPD", minute: int = 0) -> bytes:
    text = build_file(
        destination="021000021",
        origin="1999999999",
        destination_name="SDU BANK",
        origin_name="CHILD SUPPORT SDU",
        created=datetime(2026, 11, 25, 9, minute),
        batches=[
            BatchSpec(
                company_name="CHILD SUPPORT SDU",
                company_id="1999999999",
                sec_code=sec,
                entry_description="RETURN",
                effective_date=date(2026, 11, 25),
                odfi="09100001",
                entries=specs,
            )
        ],
    )
    return text.encode()


def _import(content: bytes) -> NachaReturnFile:
    return nacha_return_import(name="returns.ach", content=content, via=FileVia.COMMAND, actor_label="test")


def test_trace_numbers_continue_from_the_last_disbursement_file(exported):
    export, _ = exported
    first = list(export.entries.values_list("trace_number", flat=True))
    assert first == [f"{ODFI}0000001", f"{ODFI}0000002"]
    assert [e.trace for e in parse(export.content).entries] == first
    later = case_with_order()
    PayeeAccount.objects.create(person=later.cp, routing_number="091000019", account_number="1")
    collection_post(
        case_number=later.case_number,
        amount=Decimal("10.00"),
        received_on=date(2026, 11, 24),
        source="direct_payment",
        source_reference="T-later",
        received_via="form",
    )
    second = disbursements_export(on=date(2026, 11, 25)).export
    assert [e.trace for e in parse(second.content).entries] == [f"{ODFI}0000003"]


def test_a_return_holds_the_money_and_gives_the_caseworker_a_work_item(exported):
    export, (returned, paid) = exported
    # when the bank returns the first disbursement: no account (R03)
    row = _import(_file([_return_spec(returned, "R03")]))
    # then the file is imported and the disbursement is returned with its reason
    assert (row.status, row.returns, row.notifications, row.unmatched) == ("imported", 1, 0, 0)
    assert row.report["held_amount"] == "100.00"
    disbursement = Disbursement.objects.get(case=returned)
    assert disbursement.status == "returned"
    assert Disbursement.objects.get(case=paid).status == "sent"
    item = DisbursementReturn.objects.get()
    assert (item.kind, item.code, item.reason, item.amount, item.outcome) == (
        "return",
        "R03",
        "No account / unable to locate account",
        Decimal("100.00"),
        "held",
    )
    # and the caseworker has a work item due in 2 business days
    work = WorkItem.objects.get(kind="disbursement_returned")
    # Wed 25 Nov + 2 business days: Thanksgiving (26th) is a holiday → Fri 27th, Mon 30th
    assert (work.case_id, work.assigned_to, work.due_on) == (returned.pk, returned.caseworker, date(2026, 11, 30))
    assert item.work_item == work
    assert DomainEvent.objects.filter(verb="disbursement.returned", case_id=returned.pk).count() == 1


def test_replaying_the_file_or_the_return_changes_nothing(exported):
    _, (returned, _) = exported
    content = _file([_return_spec(returned)])
    _import(content)
    again = _import(content)
    assert (again.status, again.returns, again.duplicates) == ("duplicate", 0, 1)
    other_file = _import(_file([_return_spec(returned)], minute=30))  # same return, another file
    assert (other_file.status, other_file.returns, other_file.duplicates) == ("imported", 0, 1)
    assert DisbursementReturn.objects.count() == 1
    assert WorkItem.objects.filter(kind="disbursement_returned").count() == 1
    assert DomainEvent.objects.filter(verb="disbursement.returned").count() == 1


def test_a_redistribution_after_a_return_leaves_the_money_held_and_pays_nothing_again(role_user):
    # given $300 (A, collected Nov 20) paid into the family's account and returned R03 by the bank
    BankAccountFactory(
        name="SDU", account_number="555000111", routing_number="021000021", purpose=BankAccountPurpose.DISBURSEMENTS
    )
    case = case_with_order(monthly=Decimal("500.00"), caseworker=role_user("caseworker"))
    PayeeAccount.objects.create(person=case.cp, routing_number="091000019", account_number="987654321")
    charges_accrue(through=date(2026, 11, 20))
    a = collection_post(
        case_number=case.case_number,
        amount=Decimal("300.00"),
        received_on=date(2026, 11, 20),
        source="direct_payment",
        source_reference="A",
        received_via="form",
    ).collection
    disbursements_export(on=date(2026, 11, 23))
    assert _import(_file([_return_spec(case)])).returns == 1
    # when a payment collected earlier (Nov 10) arrives: the case is redistributed by month of
    # collection and A's allocation lines change (A now pays arrears too), its family share not
    b = collection_post(
        case_number=case.case_number,
        amount=Decimal("400.00"),
        received_on=date(2026, 11, 24),
        collected_on=date(2026, 11, 10),
        source="income_withholding",
        source_reference="B",
        received_via="api",
    ).collection
    # then A's $300 is only the return's: held undistributed, to be paid again through its work
    # item, not a second time by a new pending disbursement
    assert list(Disbursement.objects.filter(collection=a).values_list("status", "amount")) == [
        ("returned", Decimal("300.00"))
    ]
    assert list(Disbursement.objects.filter(collection=b).values_list("status", "amount")) == [
        ("pending", Decimal("400.00"))
    ]
    assert list(DisbursementReturn.objects.values_list("outcome", "amount")) == [("held", Decimal("300.00"))]
    assert disbursement_returns_held() == {"count": 1, "total": Decimal("300.00")}
    assert WorkItem.objects.filter(kind="disbursement_returned", case=case).count() == 1
    event = DomainEvent.objects.get(verb="collections.redistributed", case_id=case.pk)
    (change,) = event.data["changes"]
    assert (change["collection"], change["family_to_recover"], change["family_returned_held"]) == (
        "A",
        "0.00",
        "300.00",
    )
    assert "to recover" not in event.summary
    assert "1 with a payment returned by the bank held undistributed" in event.summary
    assert ledger_differences() == []


def test_reversing_a_collection_whose_disbursement_was_returned_closes_the_pay_again_work_item(exported, role_user):
    # given the first family's disbursement returned by the bank: money held, a work item to pay again
    from cases.choices import WorkItemStatus
    from cases.models import Collection
    from cases.services import collection_reverse

    _, (returned, paid) = exported
    _import(_file([_return_spec(returned)]))
    work = WorkItem.objects.get(kind="disbursement_returned")
    assert disbursement_returns_held() == {"count": 1, "total": Decimal("100.00")}
    # when the payer's cheque bounces and the caseworker reverses the collection
    collection = Collection.objects.get(case=returned)
    collection_reverse(collection=collection, reason="Payer's cheque returned NSF", by=role_user("caseworker"))
    # then the work item is done, with a note saying why, and the money is no longer held to pay again
    work.refresh_from_db()
    assert (work.status, work.completed_on) == (WorkItemStatus.DONE, date(2026, 11, 25))
    assert f"collection {collection.source_reference} was reversed" in work.notes
    assert "Payer's cheque returned NSF" in work.notes and "not to be paid again" in work.notes
    assert disbursement_returns_held() == {"count": 0, "total": Decimal("0.00")}
    assert Disbursement.objects.get(case=returned).status == "returned"  # what the bank did stays recorded
    done = DomainEvent.objects.get(verb="work_item.done", subject_id=work.pk)
    assert done.case_id == returned.pk
    reversed_event = DomainEvent.objects.get(verb="collection.reversed")
    assert "1 returned-disbursement work item(s) closed" in reversed_event.summary
    assert "recover the overpayment" not in reversed_event.summary  # the bank sent the money back
    # and another family's return work item is untouched
    _import(_file([_return_spec(paid)], minute=30))
    assert WorkItem.objects.get(kind="disbursement_returned", case=paid).status == WorkItemStatus.OPEN
    assert ledger_differences() == []


def test_a_return_after_its_collection_was_reversed_asks_nobody_to_pay_again(exported):
    # given the first family's collection reversed after its disbursement was sent (overpayment to recover)
    from cases.models import Collection
    from cases.services import collection_reverse

    _, (returned, _) = exported
    collection_reverse(collection=Collection.objects.get(case=returned), reason="Payer's cheque returned NSF")
    assert "recover the overpayment" in DomainEvent.objects.get(verb="collection.reversed").summary
    # when the bank returns that disbursement
    row = _import(_file([_return_spec(returned)]))
    # then the return is recorded, but nothing is held to pay again and no one is asked to
    assert (row.returns, row.report["held_amount"]) == (1, "0.00")
    assert row.report["items"][0]["collection_reversed"] is True
    assert Disbursement.objects.get(case=returned).status == "returned"
    assert not WorkItem.objects.filter(kind="disbursement_returned").exists()
    assert disbursement_returns_held() == {"count": 0, "total": Decimal("0.00")}
    event = DomainEvent.objects.get(verb="disbursement.returned")
    assert "not to be paid again" in event.summary


# --- a trace number in two files (the sequence wraps after 9,999,999) ------------------------------


def _paid(amount: str, received: date, worker):
    case = case_with_order(monthly=Decimal("500.00"), caseworker=worker)
    PayeeAccount.objects.create(person=case.cp, routing_number="091000019", account_number="987654321")
    collection_post(
        case_number=case.case_number,
        amount=Decimal(amount),
        received_on=received,
        source="direct_payment",
        source_reference=f"T-{case.pk}",
        received_via="form",
    )
    return case


def _two_files(worker, *, old_on: date = date(2026, 9, 28)):
    """An old file (``old_on``) and the Nov 23 file, whose first entries share trace 0000001: the
    old file's last trace was 9,999,999, so the next file started the sequence again. Both pay
    $100.00, to different cases."""
    BankAccountFactory(
        name="SDU", account_number="555000111", routing_number="021000021", purpose=BankAccountPurpose.DISBURSEMENTS
    )
    old = _paid("100.00", old_on, worker)
    _paid("45.00", old_on, worker)
    old_file = disbursements_export(on=old_on).export
    DisbursementExportEntry.objects.filter(export=old_file, trace_number=f"{ODFI}0000002").update(
        trace_number=f"{ODFI}9999999"
    )
    new = _paid("100.00", date(2026, 11, 20), worker)
    new_file = disbursements_export(on=date(2026, 11, 23)).export
    trace = f"{ODFI}0000001"
    assert {e.disbursement.case for e in DisbursementExportEntry.objects.filter(trace_number=trace)} == {old, new}
    return old, new, old_file, new_file


def _return_of(trace: str, *, amount: str = "100.00", identification: str = "", code: str = "R03") -> EntrySpec:
    return EntrySpec(
        routing="091000019",
        account="987654321",
        amount=Decimal(amount),
        identification=identification,
        name="PAYEE",
        transaction_code="21",
        addenda_type="99",
        addenda=return_addenda(code=code, original_trace=trace, original_rdfi="09100001"),
    )


def test_a_return_finds_the_entry_of_the_file_it_names_when_a_trace_is_in_two_files(role_user):
    old, new, _, _ = _two_files(role_user("caseworker"))
    # the bank returns the Nov 23 entry: trace 0000001, $100.00, the new case's number
    content = _file([_return_of(f"{ODFI}0000001", identification=new.case_number)])
    row = _import(content)
    assert (row.status, row.returns, row.unmatched) == ("imported", 1, 0)
    assert Disbursement.objects.get(case=new).status == "returned"
    assert Disbursement.objects.get(case=old).status == "sent"
    assert DisbursementReturn.objects.get().disbursement.case == new
    assert WorkItem.objects.get(kind="disbursement_returned").case == new
    # importing the same file again, or the same return in another file, changes nothing
    again = _import(content)
    assert (again.status, again.returns, again.duplicates) == ("duplicate", 0, 1)
    other = _import(_file([_return_of(f"{ODFI}0000001", identification=new.case_number)], minute=30))
    assert (other.status, other.returns, other.duplicates, other.unmatched) == ("imported", 0, 1, 0)
    assert DisbursementReturn.objects.count() == 1
    assert list(Disbursement.objects.filter(status="returned").values_list("case", flat=True)) == [new.pk]
    assert WorkItem.objects.filter(kind="disbursement_returned").count() == 1


def test_a_late_return_of_the_older_entry_goes_to_its_own_family(role_user):
    # an unauthorized-credit return (R10, 60 days) of the September entry, 58 days on: the newer
    # file's entry has the same trace and amount, but another case number
    old, new, _, _ = _two_files(role_user("caseworker"))
    row = _import(_file([_return_of(f"{ODFI}0000001", identification=old.case_number, code="R10")]))
    assert (row.returns, row.unmatched) == (1, 0)
    assert Disbursement.objects.get(case=old).status == "returned"
    assert Disbursement.objects.get(case=new).status == "sent"


def test_a_return_that_two_entries_fit_is_unmatched_not_guessed(role_user):
    # no case number in the return and both entries are $100.00 within the return window
    _, _, old_file, new_file = _two_files(role_user("caseworker"))
    row = _import(_file([_return_of(f"{ODFI}0000001")]))
    assert (row.status, row.returns, row.unmatched) == ("imported", 0, 1)
    reason = row.report["items"][0]["reason"]
    assert old_file.reference in reason and new_file.reference in reason, reason
    assert reason.endswith(
        "2 entries sent within 65 days before 2026-11-25 with its amount (it names no case number): match it by hand"
    )
    assert Disbursement.objects.filter(status="returned").count() == 0
    assert not WorkItem.objects.filter(kind="disbursement_returned").exists()


def test_a_return_whose_trace_only_an_entry_outside_the_return_window_fits_is_unmatched(role_user):
    # the old file is 116 days old: a return naming its case is not matched to the newer entry
    old, _, _, _ = _two_files(role_user("caseworker"), old_on=date(2026, 8, 1))
    row = _import(_file([_return_of(f"{ODFI}0000001", identification=old.case_number)]))
    assert (row.returns, row.unmatched) == (0, 1)
    assert Disbursement.objects.filter(status="returned").count() == 0


def test_a_return_of_another_amount_than_the_entries_with_its_trace_is_unmatched(role_user):
    _, new, _, _ = _two_files(role_user("caseworker"))
    row = _import(_file([_return_of(f"{ODFI}0000001", amount="99.00", identification=new.case_number)]))
    assert (row.returns, row.unmatched) == (0, 1)
    assert Disbursement.objects.filter(status="returned").count() == 0


@pytest.mark.parametrize(
    ("amount", "named", "told"),
    [
        ("99.00", "own", "amount"),  # another amount than the one entry with its trace
        ("100.00", "other", "case number"),  # another family's case number
    ],
)
def test_a_return_whose_one_entry_does_not_fit_is_unmatched_not_applied(exported, amount, named, told):
    # given the trace number of the first family's entry, in one file only
    export, (returned, other) = exported
    trace = _entry(returned).trace_number
    identification = (returned if named == "own" else other).case_number
    # when the bank returns that trace with another amount or another case number
    row = _import(_file([_return_of(trace, amount=amount, identification=identification)]))
    # then nothing is applied to either family: the return is reported unmatched for a person
    assert (row.status, row.returns, row.unmatched) == ("imported", 0, 1)
    assert set(Disbursement.objects.values_list("status", flat=True)) == {"sent"}
    assert not DisbursementReturn.objects.exists()
    assert not WorkItem.objects.filter(kind="disbursement_returned").exists()
    (item,) = row.report["items"]
    assert item["outcome"] == "unmatched"
    assert item["reason"] == (
        f"trace number {trace} is in 1 disbursement file ({export.reference} of {export.export_date}); "
        f"its entry is not of the return's {told}: match it by hand"
    )


def test_a_return_of_the_one_entry_with_its_trace_that_names_no_case_number_is_matched(exported):
    _, (returned, _) = exported
    row = _import(_file([_return_of(_entry(returned).trace_number)]))
    assert (row.returns, row.unmatched) == (1, 0)
    assert Disbursement.objects.get(case=returned).status == "returned"


@pytest.mark.parametrize(
    ("code", "data", "expected"),
    [
        ("C01", "11223344", ("091000019", "11223344", "checking")),
        ("C02", "021000021", ("021000021", "987654321", "checking")),
        ("C03", "021000021   55667788", ("021000021", "55667788", "checking")),
        ("C05", "32", ("091000019", "987654321", "savings")),
        ("C06", "44556677".ljust(17) + "   32", ("091000019", "44556677", "savings")),
        ("C07", "021000021" + "998877".ljust(17) + "32", ("021000021", "998877", "savings")),
    ],
)
def test_a_notification_of_change_corrects_the_payees_account(exported, code, data, expected):
    _, (corrected, _) = exported
    row = _import(_file([_noc_spec(corrected, code, data)], sec="COR"))
    assert (row.status, row.notifications, row.returns) == ("imported", 1, 0)
    account = PayeeAccount.objects.get(person=corrected.cp)
    assert (account.routing_number, account.account_number, account.account_type) == expected
    assert DisbursementReturn.objects.get().outcome == "corrected"
    assert Disbursement.objects.get(case=corrected).status == "sent"  # a NOC returns no money
    # audited: the account's history and an event that never shows a whole account number
    assert account.history.count() == 2
    event = DomainEvent.objects.get(verb="payee.bank_details_corrected")
    assert event.case_id == corrected.pk and code in event.summary
    assert "987654321" not in event.summary and "55667788" not in event.summary


def test_a_replayed_notification_of_change_changes_nothing(exported):
    _, (corrected, _) = exported
    _import(_file([_noc_spec(corrected, "C01", "11223344")], sec="COR"))
    PayeeAccount.objects.filter(person=corrected.cp).update(account_number="55555")  # the payee changed it since
    again = _import(_file([_noc_spec(corrected, "C01", "11223344")], sec="COR", minute=5))
    assert (again.notifications, again.duplicates) == (0, 1)
    assert PayeeAccount.objects.get(person=corrected.cp).account_number == "55555"


def test_an_unknown_trace_number_is_reported_and_changes_nothing(exported):
    _, (case, _) = exported
    spec = _return_spec(case)
    spec.addenda = return_addenda(code="R01", original_trace=f"{ODFI}0999999", original_rdfi="09100001")
    row = _import(_file([spec]))
    assert (row.status, row.unmatched, row.returns) == ("imported", 1, 0)
    assert "no disbursement of the office has trace number 021000020999999" in row.report["items"][0]["reason"]
    assert Disbursement.objects.filter(status="returned").count() == 0


def test_unmatched_returns_raise_one_office_work_item_per_file(exported):
    """Money came back from the bank and no disbursement could be named: someone must match it.
    One work item for the file, without a case (office work, seen by everyone in the app): it says
    how many returns and how much, and where to look, never a case number or a trace."""
    _, (case, paid) = exported
    specs = []
    for trace, amount in ((f"{ODFI}0999999", "100.00"), (f"{ODFI}0999998", "45.50")):
        spec = _return_spec(case)
        spec.amount = Decimal(amount)
        spec.addenda = return_addenda(code="R01", original_trace=trace, original_rdfi="09100001")
        specs.append(spec)
    specs.append(_return_spec(paid))  # this one is matched: it raises its own case's item only
    row = _import(_file(specs))
    assert (row.status, row.returns, row.unmatched) == ("imported", 1, 2)
    item = WorkItem.objects.get(kind="return_unmatched")
    assert item.case is None and item.status == "open" and item.due_on == date(2026, 11, 30)
    assert "2 bank returns" in item.title and "145.50" in item.title
    assert row.name in item.notes and row.get_absolute_url() in item.notes
    for secret in (case.case_number, paid.case_number, "0999999"):
        assert secret not in item.title and secret not in item.notes
    # the same file again (a duplicate) raises nothing more
    assert _import(_file(specs)).status == "duplicate"
    assert WorkItem.objects.filter(kind="return_unmatched").count() == 1


def test_a_file_whose_returns_all_match_raises_no_office_work_item(exported):
    _, (case, _) = exported
    assert _import(_file([_return_spec(case)])).unmatched == 0
    assert not WorkItem.objects.filter(kind="return_unmatched").exists()


@pytest.mark.parametrize(
    ("mutate", "line", "reason"),
    [
        (
            lambda lines: lines.__setitem__(3, lines[3][:3] + "R86" + lines[3][6:]),
            4,
            "return reason code must be R01 to R85, found 'R86'",
        ),
        (
            lambda lines: lines.__setitem__(4, lines[4][:4] + "000003" + lines[4][10:]),
            5,
            "batch control for the batch at line 2: entry/addenda count says 3, the batch has 2",
        ),
        (
            lambda lines: lines.__setitem__(2, lines[2][:1] + "22" + lines[2][3:]),
            3,
            "transaction code 22 is not a return or notification of change (21, 26, 31, 36, 41, 46, 51, 56)",
        ),
    ],
)
def test_a_bad_file_is_rejected_line_by_line_and_changes_nothing(exported, mutate, line, reason):
    _, (case, _) = exported
    lines = _file([_return_spec(case)]).decode().splitlines()
    mutate(lines)
    row = _import("\n".join(lines).encode())
    assert row.status == "rejected"
    assert {"line": line, "reason": reason} in row.report["errors"]
    assert DisbursementReturn.objects.count() == 0
    assert Disbursement.objects.filter(status="returned").count() == 0


def test_a_return_file_is_never_posted_as_payments(exported):
    _, (case, _) = exported
    with pytest.raises(NachaInvalid, match="is a return or notification of change"):
        payment_entries(parse(_file([_return_spec(case)], sec="CCD")))


def test_command_prints_the_report_and_fails_on_a_rejected_file(exported, tmp_path, capsys):
    _, (case, _) = exported
    good = tmp_path / "r.ach"
    good.write_bytes(_file([_return_spec(case, "R02")]))
    call_command("import_nacha_returns", str(good))
    out = capsys.readouterr().out
    assert "imported — 1 returns (100.00 held undistributed)" in out and f"R02 {case.case_number}: held" in out
    bad = tmp_path / "bad.ach"
    bad.write_bytes(b"garbage")
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_nacha_returns", str(bad))


URL = "/api/v1/nacha-returns/"


def _upload(api, content: bytes):
    return api.post(URL, {"file": SimpleUploadedFile("r.ach", content)}, format="multipart")


def test_api_answers_201_then_200_and_needs_its_scope(exported, api_client_with):
    _, (case, _) = exported
    content = _file([_return_spec(case)])
    assert _upload(api_client_with("payment_files:write"), content).status_code == 403
    api = api_client_with("nacha_returns:write", agency="SDU Bank", all_counties=True)
    first = _upload(api, content)
    assert first.status_code == 201 and first.json()["returns"] == 1
    assert first.json()["items"][0]["outcome"] == "held"
    second = _upload(api, content)
    assert second.status_code == 200 and second.json()["duplicates"] == 1
    bad = _upload(api, b"nope")
    assert bad.status_code == 400 and bad.json()["status"] == "rejected"
    missing = api.post(URL, {}, format="multipart")
    assert missing.status_code == 400 and missing.json()["errors"][0]["line"] == 0


@pytest.mark.parametrize(
    "counties", [["Albany"], ["Albany", "Kings", "Schenectady"]], ids=["another county", "every county named"]
)
def test_api_refuses_a_key_limited_to_counties(exported, api_client_with, counties):
    """A return file answers the office's disbursement files, every county's payees in one: an
    Albany key's notification of change (C01) must not rewrite a Kings payee's bank account and
    redirect the family's disbursements ("a key reads and writes only its counties' objects")."""
    _, (kings, _) = exported
    Case.objects.filter(pk=kings.pk).update(county="Kings")
    content = _file([_noc_spec(kings, "C01", "11223344")], sec="COR")
    api = api_client_with("nacha_returns:write", agency="Albany Bank", counties=counties)

    response = _upload(api, content)

    assert response.status_code == 403 and "state-wide key" in response.json()["detail"]
    assert PayeeAccount.objects.get(person=kings.cp).account_number == "987654321"
    assert not NachaReturnFile.objects.exists()  # nothing stored either
    denial = AccessLog.objects.get(kind="access_denied")
    assert (denial.username, denial.outcome, denial.detail) == (
        "api:Albany Bank",
        "denied",
        {"reason": "state_wide_only"},
    )
    # the state-wide key's same file corrects the account
    state = api_client_with("nacha_returns:write", agency="SDU Bank", all_counties=True)
    assert _upload(state, content).status_code == 201
    assert PayeeAccount.objects.get(person=kings.cp).account_number == "11223344"


def test_a_body_the_multipart_parser_refuses_is_rejected_in_the_reports_shape(api_client_with):
    # Schemathesis (CI): a multipart body over the parser's header limit answered DRF's {"detail"},
    # not the documented 400 report
    api = api_client_with("nacha_returns:write", agency="SDU Bank", all_counties=True)
    response = api.generic("POST", URL, b"--x\r\nnot a part", content_type="multipart/form-data; boundary=")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "rejected" and body["errors"][0]["line"] == 0
    assert body["errors"][0]["reason"].startswith("file: Multipart form parse error")


def test_upload_page_imports_and_the_list_shows_what_is_held(exported, client_as):
    _, (case, _) = exported
    client = client_as("enforcement_specialist")
    response = client.post(
        reverse("enforcement:nachareturnfile_upload"),
        {"file": SimpleUploadedFile("r.ach", _file([_return_spec(case)]))},
    )
    assert response.status_code == 302
    detail = client.get(response.url)
    assert b"held" in detail.content and case.case_number.encode() in detail.content
    listing = client.get(reverse("enforcement:nachareturnfile_list")).content.decode()
    held = listing[listing.index('data-testid="held-total"') :]
    assert "1 returned disbursement, 100.00" in held[:200], held[:200]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("enforcement_specialist", True), ("coordinator", True), ("caseworker", False), ("quality_analyst", False)],
)
def test_who_may_upload_return_files(client_as, role, allowed):
    response = client_as(role).get(reverse("enforcement:nachareturnfile_upload"))
    assert response.status_code == (200 if allowed else 403)


# Data checks (manage.py integrity_report): returns applied before the matching and reversal fixes --


def _integrity(name: str) -> list:
    from core.integrity import declared_checks

    (check,) = [c for c in declared_checks() if c.name == name]
    return list(check.find())


def test_the_data_check_finds_a_return_matched_to_a_disbursement_of_another_amount(exported):
    _, (returned, _) = exported
    _import(_file([_return_spec(returned, "R03")]))
    assert _integrity("enforcement.returns_matched_to_another_amount") == []
    # as the one-file match stored it before the fix: the bank's $75.00 applied to a $100.00 entry
    item = DisbursementReturn.objects.get()
    DisbursementReturn.objects.filter(pk=item.pk).update(amount=Decimal("75.00"))
    (row,) = _integrity("enforcement.returns_matched_to_another_amount")
    assert row.reference == returned.case_number
    assert f"return {item.pk} of $75.00 (code R03" in row.detail and "of $100.00 returned" in row.detail


def test_the_data_check_finds_a_pay_again_item_left_open_by_a_reversal_before_the_fix(exported):
    from cases.choices import CollectionStatus
    from cases.models import Collection

    _, (returned, _) = exported
    _import(_file([_return_spec(returned, "R03")]))
    assert _integrity("enforcement.pay_again_for_reversed_collections") == []
    # reversed as before the fix: the collection's status changed, the return's work item left open
    Collection.objects.filter(case=returned).update(status=CollectionStatus.REVERSED)
    (row,) = _integrity("enforcement.pay_again_for_reversed_collections")
    work = WorkItem.objects.get(kind="disbursement_returned")
    assert row.reference == returned.case_number and f"work item {work.pk} still asks" in row.detail
    # once someone closes it, it is no longer listed
    WorkItem.objects.filter(pk=work.pk).update(status="done")
    assert _integrity("enforcement.pay_again_for_reversed_collections") == []
