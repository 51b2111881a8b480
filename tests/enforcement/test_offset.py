"""Federal tax refund offset and passport denial (issue 16.3): certification of changes only,
thresholds from the legal parameters, passport by office rule, collections posted by the offset
rules (FTI), joint-return collections held."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases.models import CaseParticipant, Collection, Person, WorkItem
from cases.services import case_close
from core.models import DomainEvent
from enforcement.choices import ActionStatus, FileVia, PartnerFileStatus, Remedy
from enforcement.interchange.fixedwidth import get_layout, read, write_text
from enforcement.models import EnforcementAction, OffsetCertification, OffsetCollection, PartnerFile, RemedyRule
from enforcement.services.partner_files import partner_file_export, partner_file_submit
from enforcement.services.partner_kinds.offset import offset_joint_holds_release
from tests.conftest import needs_postgres
from tests.enforcement.factories import delinquent_case

pytestmark = pytest.mark.django_db

# Words that would tell a reader without FTI clearance that a payment was a tax refund offset.
FTI_WORDS = re.compile(r"tax|offset|treasury|joint.return|injured spouse|303\.72|FTO-", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 11, 24), tick=False):
        yield


def active(case, remedy=Remedy.FEDERAL_TAX_OFFSET):
    rule = RemedyRule.objects.filter(remedy=remedy).order_by("pk").first()
    return EnforcementAction.objects.create(
        case=case,
        remedy=remedy,
        rule=rule,
        status=ActionStatus.ACTIVE,
        proposed_on=date(2026, 9, 1),
        total_arrears=0,
        timeframe_start_on=date(2026, 9, 1),
        timeframe_due_on=date(2026, 10, 1),
        notice_issued_on=date(2026, 9, 2),
        notice_total_arrears=0,
        taken_on=date(2026, 9, 2),
        activated_on=date(2026, 10, 15),
    )


def ncp_of(case) -> Person:
    return CaseParticipant.objects.get(case=case, role="ncp").person


def certify():
    partner_file = partner_file_export(kind="offset-certification", actor_label="test")
    return partner_file, read(bytes(partner_file.content).decode().splitlines(), get_layout("fop-case-submission"))


def test_only_active_actions_over_the_thresholds_are_certified_by_case_type():
    tanf = delinquent_case(assigned="150.99", unassigned="499.00")  # TANF 150 ≥ 150; non-TANF 499 < 500
    active(tanf)
    family = delinquent_case(unassigned="800.00")
    active(family)
    delinquent_case(unassigned="9000.00")  # no active offset action: not yet through due process
    partner_file, records = certify()
    details = [r for r in records if r.type == "case"]
    assert [(r["ssn"], r["case_type"], r["arrears"], r["transaction"]) for r in details] == [
        (ncp_of(tanf).ssn, "A", 150, "A"),
        (ncp_of(family).ssn, "N", 800, "A"),
    ]
    control = records[-1]
    assert (
        control["tanf_records"],
        control["non_tanf_records"],
        control["tanf_amount"],
        control["non_tanf_amount"],
    ) == (1, 1, 150, 800)
    assert partner_file.counts == {"added": 2, "passport": 0}
    assert all(r["exclusions"] == "PAS" for r in details)  # no passport action: excluded by office rule
    assert OffsetCertification.objects.filter(current=True).count() == 2


def test_the_next_certification_sends_only_modifications_and_deletions():
    one = delinquent_case(unassigned="800.00")
    two = delinquent_case(unassigned="900.00")
    active(one), active(two)
    certify()
    _, nothing = certify()
    assert [r.type for r in nothing] == ["control"]
    from cases.models import CaseBalance

    CaseBalance.objects.filter(case=one).update(unassigned_arrears=Decimal("1000.00"))
    CaseBalance.objects.filter(case=two).update(unassigned_arrears=Decimal("100.00"))
    _, records = certify()
    assert [(r["ssn"], r["transaction"], r["arrears"]) for r in records if r.type == "case"] == [
        (ncp_of(one).ssn, "M", 1000),
        (ncp_of(two).ssn, "D", 0),
    ]
    history = OffsetCertification.objects.filter(person=ncp_of(one)).order_by("pk")
    assert [(h.transaction, h.amount, h.current) for h in history] == [("A", 800, False), ("M", 1000, True)]
    assert all(h.certified_on == timezone.localdate() for h in history)


def test_passport_denial_follows_the_office_rule_and_the_2500_threshold():
    over = delinquent_case(unassigned="2600.00")
    active(over), active(over, Remedy.PASSPORT_DENIAL)
    at = delinquent_case(unassigned="2500.00")  # must exceed $2,500 (42 USC 652(k))
    active(at), active(at, Remedy.PASSPORT_DENIAL)
    partner_file, records = certify()
    by_ssn = {r["ssn"]: r["exclusions"] for r in records if r.type == "case"}
    assert by_ssn[ncp_of(over).ssn] == "" and by_ssn[ncp_of(at).ssn] == "PAS"
    assert partner_file.counts["passport"] == 1


def test_a_passport_referral_after_the_first_certification_replaces_the_exclusion_with_r():
    """FOP release 07-01: "A new Exclusion Indicator submitted on an 'A' (Add) or 'R' (Replace
    Exclusion Indicator) transaction" -- an 'M' modifies the arrearage only, so the PAS exclusion
    sent on the add must be replaced with an 'R' once the passport denial action is active."""
    case = delinquent_case(unassigned="3000.00")
    active(case)
    _, first = certify()
    assert [(r["transaction"], r["arrears"], r["exclusions"]) for r in first if r.type == "case"] == [
        ("A", 3000, "PAS")
    ]
    active(case, Remedy.PASSPORT_DENIAL)
    partner_file, records = certify()
    assert [(r["transaction"], r["arrears"], r["exclusions"]) for r in records if r.type == "case"] == [("R", 3000, "")]
    assert records[-1]["non_tanf_records"] == 1
    assert partner_file.counts == {"exclusions_replaced": 1, "passport": 1}
    current = OffsetCertification.objects.get(person=ncp_of(case), current=True)
    assert (current.transaction, current.amount, current.exclusions, current.passport) == ("R", 3000, "", True)
    _, again = certify()
    assert [r.type for r in again] == ["control"]  # nothing changed since


def test_an_amount_and_exclusion_change_together_send_m_then_r():
    from cases.models import CaseBalance

    case = delinquent_case(unassigned="3000.00")
    active(case)
    certify()
    CaseBalance.objects.filter(case=case).update(unassigned_arrears=Decimal("3500.00"))
    active(case, Remedy.PASSPORT_DENIAL)
    partner_file, records = certify()
    assert [(r["transaction"], r["arrears"], r["exclusions"]) for r in records if r.type == "case"] == [
        ("M", 3500, "PAS"),
        ("R", 3500, ""),
    ]
    assert partner_file.counts == {"modified": 1, "exclusions_replaced": 1, "passport": 1}
    history = OffsetCertification.objects.filter(person=ncp_of(case)).order_by("pk")
    assert [(h.transaction, h.amount, h.exclusions, h.current) for h in history] == [
        ("A", 3000, "PAS", False),
        ("M", 3500, "PAS", False),
        ("R", 3500, "", True),
    ]
    _, again = certify()
    assert [r.type for r in again] == ["control"]


def test_combined_arrears_over_2500_with_cents_are_certified_for_passport_denial():
    """42 USC 652(k)(1): "exceeding $2,500" is the combined arrearage to the cent, not each part cut
    to whole dollars first: $1,250.60 + $1,249.60 = $2,500.20 exceeds it."""
    from enforcement.services.partner_kinds.offset import offset_certification_plan

    case = delinquent_case(assigned="1250.60", unassigned="1249.60")
    active(case)
    active(case, remedy=Remedy.PASSPORT_DENIAL)
    plan = offset_certification_plan(on=date(2026, 11, 24))
    assert plan[(ncp_of(case).pk, "A")]["passport"], "$2,500.20 exceeds $2,500 but is not certified for passport"


def test_a_corrected_ssn_deletes_the_old_one_at_fop_and_adds_the_new(make_user):
    """FOP keys a debtor by SSN: once the SSN is corrected, the wrong one (perhaps another person's,
    whose refund would be taken) is deleted and the NCP's own added, in that order."""
    from cases.services.people import person_ssn_correct

    case = delinquent_case(unassigned="800.00")
    active(case)
    ncp = ncp_of(case)
    wrong = ncp.ssn
    _, first = certify()
    assert [(r["ssn"], r["transaction"]) for r in first if r.type == "case"] == [(wrong, "A")]
    person_ssn_correct(person=ncp, ssn="219099998", reason="typo at intake", by=make_user("coordinator"))
    partner_file, records = certify()
    assert [(r["ssn"], r["transaction"], r["arrears"]) for r in records if r.type == "case"] == [
        (wrong, "D", 0),
        ("219099998", "A", 800),
    ]
    assert partner_file.counts == {"deleted": 1, "added": 1, "passport": 0}
    history = OffsetCertification.objects.filter(person=ncp).order_by("pk")
    assert [(h.transaction, h.ssn, h.current) for h in history] == [
        ("A", wrong, False),
        ("D", wrong, True),
        ("A", "219099998", True),
    ]
    _, again = certify()
    assert [r.type for r in again] == ["control"]  # nothing left to send


def test_a_removed_ssn_deletes_the_certification(make_user):
    from cases.services.people import person_ssn_correct

    case = delinquent_case(unassigned="800.00")
    active(case)
    ncp = ncp_of(case)
    wrong = ncp.ssn
    certify()
    person_ssn_correct(person=ncp, ssn="", reason="not his number", by=make_user("coordinator"))
    partner_file, records = certify()
    assert [(r["ssn"], r["transaction"]) for r in records if r.type == "case"] == [(wrong, "D")]
    assert partner_file.counts == {"deleted": 1, "skipped_no_ssn": 1, "passport": 0}
    _, again = certify()
    assert [r.type for r in again] == ["control"]


def two_records_of_one_ncp():
    """Two cases of $800 and $900 under an active offset action, their NCPs two records of one man
    (same name and birth date) with different SSNs."""
    one, two = delinquent_case(unassigned="800.00"), delinquent_case(unassigned="900.00")
    active(one), active(two)
    survivor, duplicate = ncp_of(one), ncp_of(two)
    duplicate.first_name, duplicate.last_name, duplicate.date_of_birth = (
        survivor.first_name,
        survivor.last_name,
        survivor.date_of_birth,
    )
    duplicate.save()
    return one, two, survivor, duplicate


def test_a_merge_after_a_wrong_ssn_was_removed_keeps_one_certification_per_ssn(make_user):
    """Two records of one NCP, each certified under its SSN; one SSN was wrong and is removed, and
    the records are merged: the merge must not fail on the certifications it moves, and the next
    certification deletes the wrong SSN and modifies the right one to the combined arrears."""
    from cases.services.people import person_merge, person_ssn_correct

    one, two, survivor, duplicate = two_records_of_one_ncp()
    wrong = duplicate.ssn
    certify()
    coordinator = make_user("coordinator")
    person_ssn_correct(person=duplicate, ssn="", reason="belongs to someone else", by=coordinator)
    person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="same man")
    assert CaseParticipant.objects.filter(case=two, role="ncp", person=survivor).exists()
    _, records = certify()
    assert [(r["ssn"], r["transaction"], r["arrears"]) for r in records if r.type == "case"] == [
        (wrong, "D", 0),
        (survivor.ssn, "M", 1700),
    ]
    _, again = certify()
    assert [r.type for r in again] == ["control"]


def test_a_merge_after_the_wrong_ssn_was_deleted_at_fop_keeps_the_survivors_certification(make_user):
    """The removed SSN's delete was sent before the merge: the merge ends that certification (FOP
    holds nothing for it) and the survivor's stays the one compared against."""
    from cases.services.people import person_merge, person_ssn_correct

    one, two, survivor, duplicate = two_records_of_one_ncp()
    certify()
    coordinator = make_user("coordinator")
    person_ssn_correct(person=duplicate, ssn="", reason="belongs to someone else", by=coordinator)
    certify()  # the delete of the removed SSN
    person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="same man")
    _, records = certify()
    assert [(r["ssn"], r["transaction"], r["arrears"]) for r in records if r.type == "case"] == [
        (survivor.ssn, "M", 1700)
    ]


def test_an_ssn_moved_between_two_records_is_deleted_before_it_is_added_and_merges_into_one(make_user):
    """The SSN removed from one record is given to the other: the file deletes it (and the other's
    old SSN) before adding it again. Merging the two records then keeps one certification of that
    SSN, the later (the add: what FOP holds), and the next file modifies it to the combined arrears."""
    from cases.services.people import person_merge, person_ssn_correct

    one, two, survivor, duplicate = two_records_of_one_ncp()
    certify()
    coordinator = make_user("coordinator")
    old, moving = survivor.ssn, duplicate.ssn
    person_ssn_correct(person=duplicate, ssn="", reason="his brother's", by=coordinator)
    person_ssn_correct(person=survivor, ssn=moving, reason="his own after all", by=coordinator)
    _, between = certify()
    assert [(r["ssn"], r["transaction"], r["arrears"]) for r in between if r.type == "case"] == [
        (old, "D", 0),
        (moving, "D", 0),
        (moving, "A", 800),
    ]
    person_merge(survivor=survivor, duplicate=duplicate, by=coordinator, reason="same man")
    current = OffsetCertification.objects.filter(person=survivor, current=True).order_by("pk")
    assert sorted((c.transaction, c.ssn) for c in current) == [("A", moving), ("D", old)]
    _, records = certify()
    assert [(r["ssn"], r["transaction"], r["arrears"]) for r in records if r.type == "case"] == [(moving, "M", 1700)]


def test_an_index_key_rotation_half_done_is_no_ssn_correction():
    """``rotate_field_keys`` recomputes the person's blind index and the certification's in turn:
    between the two, the indexes differ for one SSN. The SSNs are compared, nothing is deleted and
    added again at FOP, and a modify sent meanwhile takes the person's index."""
    from cases.models import CaseBalance

    case = delinquent_case(unassigned="800.00")
    active(case)
    certify()
    OffsetCertification.objects.update(ssn_index="0" * 32)  # as under the former key
    _, nothing = certify()
    assert [r.type for r in nothing] == ["control"]
    CaseBalance.objects.filter(case=case).update(unassigned_arrears=Decimal("900.00"))
    _, records = certify()
    assert [(r["ssn"], r["transaction"], r["arrears"]) for r in records if r.type == "case"] == [
        (ncp_of(case).ssn, "M", 900)
    ]
    current = OffsetCertification.objects.get(current=True)
    assert (current.transaction, current.ssn_index) == ("M", ncp_of(case).ssn_index)


def test_certifications_from_before_the_ssn_was_kept_take_the_persons_ssn():
    """enforcement migration 0019: a certification written before the SSN sent was kept gets the
    person's SSN now (the only one known), ciphertext and blind index copied as they are."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("enforcement.migrations.0020_offset_certification_ssn_sent")
    case = delinquent_case(unassigned="800.00")
    active(case)
    certify()
    OffsetCertification.objects.update(ssn="", ssn_index="")
    migration.backfill_ssn_sent(apps, None)
    row = OffsetCertification.objects.get()
    ncp = ncp_of(case)
    assert (row.ssn, row.ssn_index) == (ncp.ssn, ncp.ssn_index) and ncp.ssn_index
    _, again = certify()
    assert [r.type for r in again] == ["control"]


def test_an_fvi_ncps_address_is_never_sent():
    from tests.cases.factories import AddressFactory

    case = delinquent_case(unassigned="800.00")
    active(case)
    ncp = ncp_of(case)
    AddressFactory(person=ncp, line1="7 SECRET LANE", city="HIDDEN")
    Person.objects.filter(pk=ncp.pk).update(family_violence=True)
    partner_file, records = certify()
    assert records[0]["address_1"] == "" and b"SECRET" not in bytes(partner_file.content)


def test_a_minor_parent_living_with_an_fvi_mother_has_no_address_sent():
    # given an NCP who is a child on their mother's case, the mother with the FVI (red team)
    from tests.cases.factories import AddressFactory, living_with_an_fvi_parent

    case = delinquent_case(unassigned="800.00")
    active(case)
    teen = ncp_of(case)
    AddressFactory(person=teen, line1="7 MOTHERS LANE", city="HIDDEN")
    living_with_an_fvi_parent(teen)
    # when the certification file is written, then it holds no address: it is the mother's
    partner_file, records = certify()
    assert records[0]["address_1"] == "" and b"MOTHERS" not in bytes(partner_file.content)


def test_export_command_writes_the_file_and_prints_counts(tmp_path):
    active(delinquent_case(unassigned="800.00"))
    out = StringIO()
    call_command("export_offset_certification", "--output", str(tmp_path / "fop.txt"), stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("offset-certification sent: records 2, added 1")
    assert len((tmp_path / "fop.txt").read_bytes().splitlines()[0]) == 245


# --- collections -------------------------------------------------------------------------------


def collection(
    ssn: str,
    amount: str,
    *,
    joint: str = "N",
    injured: str = "N",
    case_type: str = "N",
    adjustment: bool = False,
    case_id: str = "",
    certified: str = "1000.00",
) -> dict:
    """A Collection and Adjustment record (FCE Output Record Specifications, Chart F-4): the
    certified arrearage (65-75), then either a collection amount (76-86) or an adjustment amount
    (87-97), the other being zeroes."""
    return {
        "type": "collection",
        "state": "NY",
        "ssn": ssn,
        "case_id": case_id,
        "last_name": "DOE",
        "certified_arrears": Decimal(certified),
        "collection_amount": Decimal(0) if adjustment else Decimal(amount),
        "adjustment_amount": Decimal(amount) if adjustment else Decimal(0),
        "case_type": case_type,
        "offset_date": date(2026, 11, 20),
        "tax_year": "2025",
        "joint_return": joint,
        "injured_spouse": injured,
    }


def collections_file(records: list[dict], batch: date = date(2026, 11, 21)) -> bytes:
    def dollars(r: dict) -> int:
        return int(r["collection_amount"] + r["adjustment_amount"])

    tanf = [r for r in records if r["case_type"] == "A"]
    rows = [
        *records,
        {
            "type": "control",
            "state": "NY",
            "tanf_records": len(tanf),
            "non_tanf_records": len(records) - len(tanf),
            "tanf_amount": sum(dollars(r) for r in tanf),
            "non_tanf_amount": sum(dollars(r) for r in records if r["case_type"] == "N"),
            "batch_date": batch,
        },
    ]
    return write_text(rows, get_layout("fop-collections")).encode("ascii")


def submit(content: bytes):
    return partner_file_submit(kind="offset-collections", name="fop.txt", content=content, via=FileVia.COMMAND)[0]


def test_an_offset_pays_past_due_support_only_never_current():
    case = delinquent_case(unassigned="300.00")
    partner_file = submit(collections_file([collection(ncp_of(case).ssn, "450.00")]))
    assert partner_file.status == PartnerFileStatus.ACCEPTED, partner_file.errors
    assert partner_file.counts == {"posted": 1} and partner_file.totals == {"collected": "450.00"}
    posted = Collection.objects.get(source="federal_tax_offset")
    assert posted.case == case and posted.collected_on == date(2026, 11, 20)
    assert OffsetCollection.objects.get().collection == posted
    # 42 USC 657(a)(2)(B)(iv): the offset pays the 300.00 of arrears; the excess is not current support
    assert sum(a.amount for a in posted.allocations.all()) == Decimal("300.00")


def test_the_files_event_keeps_no_tax_offset_totals():
    # RT2: the partner_file.accepted event carried the file's offset totals (FTI) to anyone who
    # reads events (the DomainEvent admin); they stay on the file, shown to the cleared only
    case = delinquent_case(unassigned="300.00")
    partner_file = submit(collections_file([collection(ncp_of(case).ssn, "450.00")]))
    event = DomainEvent.objects.get(verb="partner_file.accepted", subject_id=partner_file.pk)
    assert event.data["totals"] == {} and event.data["counts"] == {"posted": 1}
    assert "450" not in str(event.data) + event.summary


def test_a_joint_return_offset_is_held_then_released():
    case = delinquent_case(unassigned="300.00")
    submit(collections_file([collection(ncp_of(case).ssn, "200.00", joint="Y")]))
    row = OffsetCollection.objects.get()
    assert row.status == "held" and row.held_until == date(2027, 5, 19)
    assert row.collection.status == "held" and "303.72(h)" in row.collection.hold_reason
    assert offset_joint_holds_release(on=date(2027, 5, 18)) == 0
    assert offset_joint_holds_release(on=date(2027, 5, 19)) == 1
    row.refresh_from_db()
    assert row.status == "released" and row.collection.status == "posted"


def test_a_held_joint_return_offset_reversed_is_marked_reversed_never_released():
    """The offset record follows its collection in the reversal's transaction
    (``core.hooks.collection_reversed``): the offset queue and reports no longer show it held, the
    release task never picks it up, and the reversal's event (read by everyone who sees the case)
    says nothing of it (FTI)."""
    from cases.services import collection_reverse

    case = delinquent_case(unassigned="300.00")
    submit(collections_file([collection(ncp_of(case).ssn, "200.00", joint="Y")]))
    row = OffsetCollection.objects.get()
    collection_reverse(collection=row.collection, reason="Payer reversed it")
    row.refresh_from_db()
    assert row.status == "reversed" and row.collection.status == "reversed"
    assert row.held_until == date(2027, 5, 19)  # kept: when it would have been released
    assert offset_joint_holds_release(on=date(2027, 5, 19)) == 0
    row.refresh_from_db()
    assert row.status == "reversed"
    assert row.history.first().status == "reversed"  # in its field history
    event = DomainEvent.objects.get(verb="collection.reversed")
    assert not FTI_WORDS.search(event.summary) and not FTI_WORDS.search(str(event.data["follow_ups"]))


def test_a_held_offset_reversed_before_the_reversed_status_existed_is_never_said_released():
    """Enforcement 0016 added ``reversed`` without rewriting the records reversed before it: one of
    them is still ``held`` with its collection reversed. The release task neither releases it nor
    marks it released (its ``exclude`` of reversed collections, not the status filter, keeps it out)."""
    from cases.services import collection_reverse

    case = delinquent_case(unassigned="300.00")
    submit(collections_file([collection(ncp_of(case).ssn, "200.00", joint="Y")]))
    row = OffsetCollection.objects.get()
    collection_reverse(collection=row.collection, reason="Payer reversed it")
    OffsetCollection.objects.filter(pk=row.pk).update(status="held")  # as it was left before 0016
    assert offset_joint_holds_release(on=date(2027, 5, 19)) == 0
    row.refresh_from_db()
    assert row.status == "held" and row.collection.status == "reversed"
    assert not WorkItem.objects.filter(kind="held_release_review").exists()


def test_a_posted_offset_reversed_keeps_its_record_posted():
    """Only a held offset's record changes: a posted one was distributed, and its reversal is the
    ledger's (its record says what the file did with it)."""
    from cases.services import collection_reverse

    case = delinquent_case(unassigned="300.00")
    submit(collections_file([collection(ncp_of(case).ssn, "200.00")]))
    row = OffsetCollection.objects.get()
    collection_reverse(collection=row.collection, reason="Payer reversed it")
    row.refresh_from_db()
    assert row.status == "posted" and row.collection.status == "reversed"


def test_what_everyone_who_sees_the_case_reads_of_a_held_offset_does_not_say_it_is_one(client_as):
    """IRS Publication 1075: the case's history, its work items and the payment's reference are read
    by staff without FTI clearance; none of them says tax offset (the hold reason stays on the
    collection, for those cleared)."""
    case = delinquent_case(unassigned="300.00", county="Albany")
    submit(collections_file([collection(ncp_of(case).ssn, "200.00", joint="Y")]))
    assert offset_joint_holds_release(on=date(2027, 5, 19)) == 1
    held = Collection.objects.get()
    assert held.source_reference.startswith("COL-")
    summaries = list(DomainEvent.objects.filter(case_id=case.pk).values_list("summary", "data"))
    assert set(DomainEvent.objects.filter(case_id=case.pk).values_list("verb", flat=True)) >= {
        "collection.held",
        "collection.released",
    }
    assert not [row for row in summaries if FTI_WORDS.search(f"{row}")], summaries
    page = client_as("caseworker").get(f"/cases/{case.case_number}/").content.decode()
    assert held.source_reference in page and not FTI_WORDS.search(page.split("<main", 1)[1]), "case page"


def test_a_hold_that_cannot_be_released_does_not_stop_the_others():
    """A case closed since the offset was held: that one stays held with a work item to decide where
    the money goes; the next family's hold still ends on time (45 CFR 303.72(h)), and the next
    day's run makes no second work item."""
    first, second = delinquent_case(unassigned="300.00"), delinquent_case(unassigned="300.00")
    submit(
        collections_file(
            [collection(ncp_of(first).ssn, "200.00", joint="Y"), collection(ncp_of(second).ssn, "150.00", joint="Y")]
        )
    )
    case_close(case=first, reason="recipient_request", by=None)
    assert offset_joint_holds_release(on=date(2027, 5, 19)) == 1
    assert offset_joint_holds_release(on=date(2027, 5, 20)) == 0
    states = dict(OffsetCollection.objects.values_list("case__case_number", "status"))
    assert states == {first.case_number: "held", second.case_number: "released"}
    assert Collection.objects.get(case=second).status == "posted"
    review = WorkItem.objects.get(kind="held_release_review")
    reference = Collection.objects.get(case=first).source_reference
    assert review.case == first and reference in review.title and "open case" in review.title
    assert not FTI_WORDS.search(review.title.replace(reference, "")), review.title


def test_an_injured_spouse_claim_processed_is_not_held():
    case = delinquent_case(unassigned="300.00")
    submit(collections_file([collection(ncp_of(case).ssn, "200.00", joint="Y", injured="Y")]))
    assert OffsetCollection.objects.get().status == "posted"


def test_unknown_ssns_are_held_never_dropped_and_adjustments_queued():
    case = delinquent_case(unassigned="300.00")
    partner_file = submit(
        collections_file([collection("123450000", "75.00"), collection(ncp_of(case).ssn, "20.00", adjustment=True)])
    )
    assert partner_file.counts == {"unmatched": 1, "adjustments": 1}
    assert Collection.objects.get().status == "held"
    adjustment = WorkItem.objects.get(kind="payment_adjustment", case=case)
    assert not FTI_WORDS.search(adjustment.title), adjustment.title  # read by everyone who sees the case


def test_a_replayed_collections_file_posts_nothing_twice():
    case = delinquent_case(unassigned="300.00")
    content = collections_file([collection(ncp_of(case).ssn, "100.00")])
    submit(content)
    assert submit(content).status == PartnerFileStatus.REPLAY
    assert Collection.objects.count() == 1


def test_a_file_repeating_a_posted_record_still_posts_its_new_ones():
    """FOP sends a record again in a later file (another batch date: not a replay of the file).
    The record posted before is counted, not posted or recorded again; the file's new collections
    post all the same."""
    case, other = delinquent_case(unassigned="300.00"), delinquent_case(unassigned="400.00")
    old = collection(ncp_of(case).ssn, "100.00")
    submit(collections_file([old], batch=date(2026, 11, 21)))
    second = submit(collections_file([old, collection(ncp_of(other).ssn, "150.00")], batch=date(2026, 11, 28)))
    assert second.status == PartnerFileStatus.ACCEPTED, second.errors
    assert second.counts == {"already_posted": 1, "posted": 1} and second.totals == {"collected": "150.00"}
    assert Collection.objects.filter(case=other).count() == 1 and Collection.objects.filter(case=case).count() == 1
    assert OffsetCollection.objects.count() == 2


def test_a_record_sent_again_on_a_later_day_is_not_a_conflict():
    """The receipt's content holds the day it was received: the record sent again a week later is
    still the collection posted before (its reference), not one "received with other content"."""
    case = delinquent_case(unassigned="300.00")
    record = collection(ncp_of(case).ssn, "100.00")
    submit(collections_file([record], batch=date(2026, 11, 21)))
    with time_machine.travel(date(2026, 12, 1), tick=False):
        again = submit(collections_file([record], batch=date(2026, 11, 28)))
    assert again.status == PartnerFileStatus.ACCEPTED, again.errors
    assert again.counts == {"already_posted": 1}
    assert Collection.objects.count() == OffsetCollection.objects.count() == 1


def test_a_joint_return_record_sent_again_is_released_once_without_a_false_work_item():
    case = delinquent_case(unassigned="300.00")
    record = collection(ncp_of(case).ssn, "200.00", joint="Y", injured="N")
    first = submit(collections_file([record], batch=date(2026, 11, 21)))
    second = submit(collections_file([record], batch=date(2026, 11, 22)))
    assert first.status == second.status == PartnerFileStatus.ACCEPTED, (first.errors, second.errors)
    assert Collection.objects.count() == 1  # the collection is not posted twice
    assert offset_joint_holds_release(on=date(2027, 6, 1)) == 1
    review = WorkItem.objects.filter(case=case, kind="held_release_review")
    assert not review.exists(), [w.title for w in review]
    assert OffsetCollection.objects.filter(status="held").count() == 0


def test_an_adjustment_sent_again_is_queued_for_recovery_once():
    case = delinquent_case(unassigned="300.00")
    record = collection(ncp_of(case).ssn, "20.00", adjustment=True)
    submit(collections_file([record], batch=date(2026, 11, 21)))
    again = submit(collections_file([record], batch=date(2026, 11, 22)))
    assert again.counts == {"already_posted": 1}
    assert WorkItem.objects.filter(kind="payment_adjustment", case=case).count() == 1
    assert OffsetCollection.objects.filter(status="adjustment").count() == 1


def test_two_equal_adjustments_in_one_file_are_each_queued():
    """Two records of the same content in one file are two adjustments (``_reference``'s
    occurrence), each to be recovered."""
    case = delinquent_case(unassigned="300.00")
    record = collection(ncp_of(case).ssn, "20.00", adjustment=True)
    submit(collections_file([record, record]))
    assert WorkItem.objects.filter(kind="payment_adjustment", case=case).count() == 2


def test_control_totals_must_agree():
    content = collections_file([collection("123450000", "75.00")]).decode().split("\r\n")
    content[1] = content[1][:14] + "000000002" + content[1][23:]
    partner_file = submit("\r\n".join(content).encode())
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert partner_file.errors[0] == {"line": 2, "reason": "non_tanf_records says 2, the file has 1"}
    assert not Collection.objects.exists()


def test_the_collections_file_download_needs_fti_clearance(client_as):
    partner_file = submit(collections_file([collection("123450000", "75.00")]))
    client = client_as("enforcement_specialist")
    response = client.get(f"/enforcement/partner-files/{partner_file.pk}/download/")
    from cases.access import can_view_fti
    from tests.conftest import CAST_COUNTY  # noqa: F401

    user = response.wsgi_request.user
    assert response.status_code == (200 if can_view_fti(user) else 403)
    assert PartnerFile.objects.get(pk=partner_file.pk).kind == "offset-collections"


def test_import_command_last_line(tmp_path):
    case = delinquent_case(unassigned="300.00")
    path = tmp_path / "fop.txt"
    path.write_bytes(collections_file([collection(ncp_of(case).ssn, "100.00")]))
    out = StringIO()
    call_command("import_offset_collections", str(path), stdout=out)
    assert (
        out.getvalue().strip().splitlines()[-1] == "offset-collections accepted: records 2, posted 1, collected 100.00"
    )


def chart_f4_line(ssn: str, *, collected: str, adjusted: str, joint: str, injured: str) -> str:
    """One Collection and Adjustment record laid out by hand from Chart F-4's positions (FCE
    Payment File Charts 4-5, OMB 0970-0161), not through the layout under test. Positions
    98-224 are our unconfirmed reading (docs/partner-files.md); 225 is FOP release 05-01's."""
    line = (
        "NY"  # 1-2 submitting state code
        "   "  # 3-5 local code
        + ssn  # 6-14 SSN
        + " " * 15  # 15-29 case ID
        + "DOE                 "  # 30-49 NCP last name
        + "JOHN           "  # 50-64 NCP first name
        + "00000100000"  # 65-75 certified arrearage amount, 1,000.00 (two decimals assumed)
        + collected  # 76-86 collection amount
        + adjusted  # 87-97 adjustment amount
        + "N"  # 98 case type (unconfirmed)
        + "20261120"  # 99-106 transaction date CCYYMMDD (unconfirmed)
        + "2025"  # 107-110 tax year (unconfirmed)
        + joint  # 111 joint return indicator (unconfirmed)
        + " " * 113  # 112-224
        + injured  # 225 injured spouse indicator (FOP release 05-01)
        + " " * 20  # 226-245
    )
    assert len(line) == 245
    return line


def test_a_file_laid_out_by_the_chart_imports_collections_adjustments_and_joint_returns():
    """Collection vs adjustment is which amount is non-zero (Chart F-4: "If the adjustment amount
    contains a value greater than zero, the collection amount is zeroes"); a joint return is held
    unless an injured spouse claim was processed (FOP release 05-01, position 225)."""
    paid, adjusted, joint, injured = (delinquent_case(unassigned="500.00") for _ in range(4))
    lines = [
        chart_f4_line(ncp_of(paid).ssn, collected="00000045000", adjusted="00000000000", joint="N", injured=" "),
        chart_f4_line(ncp_of(adjusted).ssn, collected="00000000000", adjusted="00000002000", joint="N", injured=" "),
        chart_f4_line(ncp_of(joint).ssn, collected="00000020000", adjusted="00000000000", joint="Y", injured="N"),
        chart_f4_line(ncp_of(injured).ssn, collected="00000015050", adjusted="00000000000", joint="Y", injured="Y"),
        # control (Chart F-5, unconfirmed after CTL): 0 TANF, 4 non-TANF, $0, $820 (450+20+200+150), batch date
        "NYCTL" + "000000000" + "000000004" + "00000000000" + "00000000820" + "20261121" + " " * 192,
    ]
    partner_file = submit("\r\n".join(lines).encode("ascii"))
    assert partner_file.status == PartnerFileStatus.ACCEPTED, partner_file.errors
    assert partner_file.counts == {"posted": 2, "held_joint_return": 1, "adjustments": 1}
    assert partner_file.totals == {"collected": "800.50", "adjusted": "20.00"}
    rows = {row.case_id: row for row in OffsetCollection.objects.all()}
    assert (rows[paid.pk].status, rows[paid.pk].amount, rows[paid.pk].transaction) == ("posted", Decimal("450.00"), "C")
    assert (rows[adjusted.pk].status, rows[adjusted.pk].amount) == ("adjustment", Decimal("20.00"))
    assert rows[adjusted.pk].collection is None and WorkItem.objects.filter(kind="payment_adjustment", case=adjusted)
    assert rows[joint.pk].status == "held" and rows[joint.pk].collection.status == "held"
    assert rows[injured.pk].status == "posted" and rows[injured.pk].amount == Decimal("150.50")
    assert rows[paid.pk].offset_date == date(2026, 11, 20) and rows[paid.pk].tax_year == "2025"


def test_a_record_with_both_amounts_or_neither_is_refused():
    case = delinquent_case(unassigned="300.00")
    both = collection(ncp_of(case).ssn, "20.00") | {"adjustment_amount": Decimal("5.00")}
    neither = collection(ncp_of(case).ssn, "0.00")
    for record in (both, neither):
        partner_file = submit(collections_file([record]))
        assert partner_file.status == PartnerFileStatus.REFUSED
        assert "collection amount (76-86)" in partner_file.errors[0]["reason"], partner_file.errors
    assert not Collection.objects.exists()


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_certifications_at_once_send_each_change_once(monkeypatch):
    """The nightly certification and a person's run overlap: each NCP's add goes in one file only,
    and the second run, waiting for the first, finds nothing left to send (not a database error)."""
    import contextlib
    import threading

    from django.db import connection

    from enforcement.services.partner_kinds import offset

    for arrears in ("800.00", "900.00"):
        active(delinquent_case(unassigned=arrears))
    # Both runs pause once they have worked out the plan, until the other has too (or 3 s).
    barrier, real = threading.Barrier(2), offset.offset_certification_plan

    def both_have_planned(**kwargs):
        plan = real(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return plan

    monkeypatch.setattr(offset, "offset_certification_plan", both_have_planned)
    files, errors = [], []

    def export():
        try:
            files.append(partner_file_export(kind="offset-certification", actor_label="test"))
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=export) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and len(files) == 2
    layout = get_layout("fop-case-submission")
    details = [r for f in files for r in read(bytes(f.content).decode().splitlines(), layout) if r.type == "case"]
    assert sorted(r["transaction"] for r in details) == ["A", "A"]
    assert len({r["ssn"] for r in details}) == 2
    assert len({f.control_number for f in files}) == 2
    assert OffsetCertification.objects.filter(current=True).count() == 2
