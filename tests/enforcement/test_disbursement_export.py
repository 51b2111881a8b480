"""The family disbursement file (NACHA PPD credits)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.choices import CollectionSource, ReceivedVia
from cases.models import Disbursement, Person
from cases.services import collection_post
from core.models import AccessLog, DomainEvent
from enforcement.choices import BankAccountPurpose
from enforcement.models import DisbursementExport, DisbursementExportEntry, PayeeAccount
from enforcement.nacha import parse
from enforcement.services.disbursements import disbursements_export
from tests.cases.factories import case_with_order
from tests.enforcement.file_factories import BankAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        yield


@pytest.fixture
def office_accounts():
    BankAccountFactory(
        name="SDU disbursements",
        account_number="555000111",
        routing_number="021000021",
        purpose=BankAccountPurpose.DISBURSEMENTS,
    )


def _paid_case(amount="100.00", received=date(2026, 11, 18), *, account=True, county="Albany"):
    case = case_with_order(monthly=Decimal("500.00"), county=county)
    if account:
        PayeeAccount.objects.create(person=case.cp, routing_number="091000019", account_number="987654321")
    collection_post(
        case_number=case.case_number,
        amount=Decimal(amount),
        received_on=received,
        source=CollectionSource.DIRECT_PAYMENT,
        source_reference=f"T-{case.pk}",
        received_via=ReceivedVia.FORM,
    )
    return case


def test_export_writes_a_valid_ppd_file_and_marks_disbursements_sent(office_accounts):
    cases = [_paid_case("100.00"), _paid_case("60.25")]
    result = disbursements_export(on=date(2026, 11, 23))
    export = result.export
    parsed = parse(export.content)
    assert parsed.batches[0].sec_code == "PPD"
    assert parsed.total_credit == export.total_credit == Decimal("160.25")
    assert export.entry_count == 2 and export.entry_hash == parsed.entry_hash == 2 * 9100001
    assert {e.identification for e in parsed.entries} == {c.case_number for c in cases}
    sent = Disbursement.objects.filter(export_batch=export.reference)
    assert sent.count() == 2
    assert {d.status for d in sent} == {"sent"} and {d.disbursed_on for d in sent} == {date(2026, 11, 23)}


def test_each_disbursement_sent_and_the_file_are_recorded_as_events(office_accounts):
    # given two paid cases and one whose payee cannot be paid (skipped: no event for it)
    cases = [_paid_case("100.00"), _paid_case("60.25")]
    skipped = _paid_case(account=False)
    # when the export runs twice
    export = disbursements_export(on=date(2026, 11, 23)).export
    disbursements_export(on=date(2026, 11, 23))
    # then one event per disbursement sent, in the order of the file, and one for the file
    sent = DomainEvent.objects.filter(verb="disbursement.sent").order_by("pk")
    disbursements = [Disbursement.objects.get(case=case) for case in cases]
    assert [(e.case_id, e.summary, e.data, e.actor_label) for e in sent] == [
        (d.case_id, f"{d.amount} to the family in {export.reference}", {"disbursement": d.pk}, "export_disbursements")
        for d in disbursements
    ]
    assert not sent.filter(case_id=skipped.pk).exists()
    filed = DomainEvent.objects.get(verb="disbursement.file_exported")
    assert filed.subject_id == export.pk and filed.summary == f"{export.reference}: 2 entries, 160.25; 1 skipped"


def test_a_disbursement_is_never_exported_twice(office_accounts):
    _paid_case()
    first = disbursements_export(on=date(2026, 11, 23))
    second = disbursements_export(on=date(2026, 11, 23))
    assert first.export is not None and second.export is None
    assert DisbursementExport.objects.count() == 1


@pytest.mark.parametrize(("received", "late"), [(date(2026, 11, 19), False), (date(2026, 11, 18), True)])
def test_late_disbursements_are_marked(office_accounts, received, late):
    # due by = received + 2 business days (42 USC 654b(c)): 11-19 → 11-23 (on time), 11-18 → 11-20 (late)
    _paid_case(received=received)
    disbursements_export(on=date(2026, 11, 23))
    assert Disbursement.objects.get().is_late is late


def test_payee_without_account_is_skipped_and_stays_pending(office_accounts):
    _paid_case(account=False)
    result = disbursements_export(on=date(2026, 11, 23))
    assert result.export is None and len(result.skipped) == 1
    assert Disbursement.objects.get().status == "pending"


def test_card_program_pays_payees_without_direct_deposit(office_accounts):
    BankAccountFactory(
        name="Debit card program",
        account_number="777000",
        routing_number="091000019",
        purpose=BankAccountPurpose.CARD_PROGRAM,
    )
    _paid_case(account=False)
    assert disbursements_export(on=date(2026, 11, 23)).export.entry_count == 1


def test_later_receipts_wait_for_their_day(office_accounts):
    _paid_case(received=date(2026, 11, 23))
    assert disbursements_export(on=date(2026, 11, 20)).export is None


def _traces(export) -> list[str]:
    """The trace numbers of ``export`` as stored, checked against its file's."""
    stored = list(export.entries.order_by("pk").values_list("trace_number", flat=True))
    assert [entry.trace for entry in parse(export.content).entries] == stored
    return stored


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        # six entries fit after 9,999,993: the sequence runs to its last number
        ("9999993", [f"02100002{n:07d}" for n in range(9_999_994, 10_000_000)]),
        # they do not fit after 9,999,995: the file starts the sequence again at 0000001, although
        # an earlier file used those traces (NACHA: unique within a file)
        ("9999995", [f"02100002{n:07d}" for n in range(1, 7)]),
    ],
)
def test_the_trace_sequence_wraps_after_9999999_and_the_export_goes_on(office_accounts, last, expected):
    # given one real export, then (as after close to 10 million entries) the last trace near the top
    _paid_case("100.00"), _paid_case("60.25")
    first = disbursements_export(on=date(2026, 11, 23)).export
    assert _traces(first) == ["021000020000001", "021000020000002"]
    DisbursementExportEntry.objects.filter(export=first, trace_number="021000020000002").update(
        trace_number=f"02100002{last}"
    )
    # when six more disbursements are exported
    for _ in range(6):
        _paid_case("10.00")
    second = disbursements_export(on=date(2026, 11, 24)).export
    # then the file is written and stored, every one of them sent, its traces unique in it
    assert second is not None and second.entry_count == 6
    assert _traces(second) == expected
    assert Disbursement.objects.filter(export_batch=second.reference, status="sent").count() == 6
    # and the next file goes on from there
    _paid_case("20.00")
    third = disbursements_export(on=date(2026, 11, 24)).export
    assert _traces(third) == [f"02100002{int(expected[-1][8:]) % 9_999_999 + 1:07d}"]


def test_a_trace_number_is_unique_within_a_file_not_across_files(office_accounts):
    case = _paid_case("100.00")
    first = disbursements_export(on=date(2026, 11, 23)).export
    entry = first.entries.get()
    disbursement = Disbursement.objects.get(case=case)
    other = DisbursementExport.objects.create(
        reference="DX-20261124-001",
        export_date=date(2026, 11, 24),
        file_name="x.ach",
        content="",
        entry_count=1,
        total_credit=Decimal("100.00"),
        entry_hash=0,
    )
    # the same trace in another file is allowed (the sequence wraps after 9,999,999) ...
    DisbursementExportEntry.objects.create(
        export=other, disbursement=disbursement, trace_number=entry.trace_number, amount=Decimal("100.00")
    )
    # ... twice in one file it is not
    with pytest.raises(IntegrityError), transaction.atomic():
        DisbursementExportEntry.objects.create(
            export=other, disbursement=disbursement, trace_number=entry.trace_number, amount=Decimal("100.00")
        )


def test_command_needs_a_configured_account():
    with pytest.raises(CommandError):
        call_command("export_disbursements", "--date", "2026-11-23")


def test_command_writes_the_file(office_accounts, tmp_path, capsys):
    _paid_case()
    out = tmp_path / "dx.ach"
    call_command("export_disbursements", "--date", "2026-11-23", "--output", str(out))
    assert "1 entries, total 100.00" in capsys.readouterr().out
    assert parse(out.read_text()).total_credit == Decimal("100.00")


def test_download_is_logged_as_a_sensitive_read(office_accounts, client_as):
    _paid_case()
    export = disbursements_export(on=date(2026, 11, 23)).export
    response = client_as("coordinator").get(reverse("enforcement:disbursementexport_download", args=[export.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert AccessLog.objects.filter(kind="sensitive_read").exists()


# --- 13.4: the file reaches the bank ------------------------------------------------------------


def _named_case(first: str, last: str, **kwargs):
    case = _paid_case(**kwargs)
    Person.objects.filter(pk=case.cp.pk).update(first_name=first, last_name=last)
    return case


def test_accented_names_are_transliterated_to_upper_case_ascii(office_accounts, tmp_path):
    # given a payee named José Muñoz-Peña (and one whose name has no ASCII letters at all)
    _named_case("José", "Muñoz-Peña")
    _named_case("Zoë", "Straße")
    out = tmp_path / "dx.ach"
    # when the file is exported by the command
    call_command("export_disbursements", "--date", "2026-11-23", "--output", str(out))
    # then every record is 94 printable ASCII bytes, the names read in plain upper case,
    # and the stored file is what was written
    raw = out.read_bytes()
    assert raw.isascii() and {len(line) for line in raw.splitlines()} == {94}
    export = DisbursementExport.objects.get()
    assert raw.decode() == export.content
    assert {e.name for e in parse(raw).entries} == {"MUNOZ-PENA JOSE", "STRASSE ZOE"}
    assert set(Disbursement.objects.values_list("status", flat=True)) == {"sent"}


def test_keep_case_transliterates_without_upper_casing(office_accounts):
    _named_case("José", "Muñoz-Peña")
    export = disbursements_export(on=date(2026, 11, 23), uppercase=False).export
    assert [e.name for e in parse(export.content).entries] == ["Munoz-Pena Jose"]


def test_a_file_that_does_not_validate_marks_nothing_sent(office_accounts, monkeypatch):
    # given a writer that produces a broken record (the bug this guards against)
    from enforcement.services import disbursements as service

    real = service.build_file
    monkeypatch.setattr(
        service, "build_file", lambda **kw: real(**kw).replace("CHILD SUPPORT SDU", "CHILD SUPPORT SDÜ", 1)
    )
    _paid_case()
    # when the export runs, then it is refused with the parser's line-numbered reason
    with pytest.raises(ValidationError) as info:
        disbursements_export(on=date(2026, 11, 23))
    assert "line 1: the record contains control or non-printable characters" in str(info.value)
    # and nothing changed: the disbursement is still pending, no file stored
    assert Disbursement.objects.get().status == "pending"
    assert Disbursement.objects.get().export_batch == ""
    assert DisbursementExport.objects.count() == 0


def test_a_file_whose_entries_differ_from_the_claim_is_refused():
    from enforcement.services import disbursements as service

    spec = service.EntrySpec(routing="091000019", account="1", amount=Decimal("100.00"))
    content = service.build_file(
        destination="021000021",
        origin="1999999999",
        destination_name="B",
        origin_name="O",
        created=datetime(2026, 11, 23, 10),
        batches=[
            service.BatchSpec(
                company_name="O",
                company_id="1999999999",
                sec_code="PPD",
                entry_description="X",
                effective_date=date(2026, 11, 23),
                odfi="02100002",
                entries=[spec],
            )
        ],
    )
    other = service.EntrySpec(routing="091000019", account="1", amount=Decimal("100.01"))
    with pytest.raises(ValidationError, match="differ from the disbursements claimed"):
        service.file_check(content, [other])
    service.file_check(content, [spec])  # the same entries pass


def test_payee_with_an_invalid_routing_number_is_skipped_not_fatal(office_accounts):
    bad = _paid_case()
    PayeeAccount.objects.filter(person=bad.cp).update(routing_number="091000018")  # wrong check digit
    good = _paid_case("60.00")
    result = disbursements_export(on=date(2026, 11, 23))
    assert result.export.entry_count == 1
    assert result.skipped == [
        {
            "disbursement": Disbursement.objects.get(case=bad).pk,
            "case_number": bad.case_number,
            "reason": "the payee's bank routing number is not a valid 9-digit ABA number",
        }
    ]
    assert Disbursement.objects.get(case=bad).status == "pending"
    assert Disbursement.objects.get(case=good).status == "sent"


def test_command_that_cannot_write_keeps_the_stored_file(office_accounts, tmp_path):
    _paid_case()
    with pytest.raises(CommandError, match="could not be written"):
        call_command("export_disbursements", "--date", "2026-11-23", "--output", str(tmp_path / "no" / "dx.ach"))
    export = DisbursementExport.objects.get()
    assert parse(export.content).total_credit == Decimal("100.00")
    assert list(tmp_path.iterdir()) == []


def test_file_page_shows_figures_entries_and_download(office_accounts, client_as):
    case = _named_case("José", "Muñoz-Peña")
    export = disbursements_export(on=date(2026, 11, 23)).export
    page = client_as("coordinator").get(reverse("enforcement:disbursementexport_detail", args=[export.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert export.reference in body and case.case_number in body and "100.00" in body
    assert reverse("enforcement:disbursementexport_download", args=[export.pk]) in body
    download = client_as("coordinator").get(reverse("enforcement:disbursementexport_download", args=[export.pk]))
    assert download.content.decode("ascii") == export.content


API = "/api/v1/disbursement-files/{}/content/"


def test_api_returns_the_stored_file_and_logs_the_read(office_accounts, api_client_with):
    _named_case("José", "Muñoz-Peña")
    export = disbursements_export(on=date(2026, 11, 23)).export
    api = api_client_with("disbursement_files:read", agency="SDU Bank", all_counties=True)
    response = api.get(API.format(export.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=us-ascii"
    assert response.content.decode("ascii") == export.content
    assert parse(response.content).total_credit == Decimal("100.00")
    log = AccessLog.objects.get(kind="sensitive_read")
    assert (log.username, log.object_id, log.fields) == ("api:SDU Bank", str(export.pk), ["content"])


def test_a_county_key_is_refused_the_office_wide_file_and_the_refusal_logged(office_accounts, api_client_with):
    """One file pays every county's families, with their bank routing and account numbers (byte
    for byte: the bank's record, not cut by county): a key limited to counties is refused, as "a key
    reads and writes only its counties' objects" (docs/operations.md)."""
    _paid_case(county="Kings")
    export = disbursements_export(on=date(2026, 11, 23)).export
    assert "987654321" in export.content
    albany = api_client_with("disbursement_files:read", agency="Albany Family Court", kind="court")

    response = albany.get(API.format(export.pk))

    assert response.status_code == 403
    assert "987654321" not in response.content.decode(errors="replace"), "a Kings payee's account downloaded"
    assert not AccessLog.objects.filter(kind="sensitive_read").exists()
    denial = AccessLog.objects.get(kind="access_denied")
    assert (denial.username, denial.path, denial.detail) == (
        "api:Albany Family Court",
        API.format(export.pk),
        {"reason": "state_wide_only"},
    )
    # and it learns nothing of which files exist
    assert albany.get(API.format(export.pk + 1000)).status_code == 403


def test_api_needs_the_disbursement_files_scope_and_answers_json_404(office_accounts, api_client_with):
    _paid_case()
    export = disbursements_export(on=date(2026, 11, 23)).export
    assert api_client_with("payment_files:read").get(API.format(export.pk)).status_code == 403
    missing = api_client_with("disbursement_files:read", all_counties=True).get(API.format(export.pk + 1000))
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    assert not AccessLog.objects.filter(kind="sensitive_read").exists()
