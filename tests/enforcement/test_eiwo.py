"""e-IWO: the batch file out (per employer, control numbers never reused, counts that agree, read
back before storing) and acknowledgments in (accepted, rejected, left, lump sum; replay; refusals)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Employer, Employment, WorkItem
from enforcement.choices import IwoAckStatus, IwoDelivery
from enforcement.interchange.fixedwidth import Record, decode, read, write_text
from enforcement.interchange.layouts.eiwo import EIWO
from enforcement.models import EiwoControl, IncomeWithholdingOrder, PartnerFile
from enforcement.services.partner_files import partner_file_export
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import EmployerFactory
from tests.conftest import needs_postgres
from tests.enforcement.iwo_factories import ack, ack_file, active_withholding_action

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


def _import(tmp_path, content: bytes, name: str = "acks.txt") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    out = StringIO()
    call_command("import_eiwo_acks", str(path), stdout=out)
    return out.getvalue()


def test_acknowledgments_move_actions_on_reject_to_the_queue_and_follow_the_employee(two_employers, tmp_path):
    accepted, rejected, left = [o for o in two_employers if o.delivery == IwoDelivery.EIWO]
    content = ack_file(
        [
            ack(accepted),
            ack(rejected, "R", "D", reason_text="We already withhold for this case"),
            ack(
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
    assert output.strip().splitlines()[-1] == (
        "eiwo-acks accepted: records 7, accepted 1, rejected 1, not employed 1, withholding redirected 1"
    )
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
        ack_file([ack(iwo, lump_sum_amount=Decimal("2500.00"), lump_sum_date=date(2026, 12, 15), lump_sum_type="BON")]),
    )
    iwo.refresh_from_db()
    assert iwo.ack_status == IwoAckStatus.LUMP_SUM
    assert WorkItem.objects.filter(kind="iwo_lump_sum", case=iwo.case).count() == 1


def test_a_file_naming_an_unknown_order_is_refused_whole_with_its_line_and_field(two_employers, tmp_path):
    good, other = [o for o in two_employers if o.delivery == IwoDelivery.EIWO][:2]
    bad = ack(other)
    bad["tracking_id"] = "36IWO999999999999"
    with pytest.raises(CommandError) as exc:
        _import(tmp_path, ack_file([ack(good), bad]))
    assert "line 4: tracking_id" in str(exc.value)
    good.refresh_from_db()
    assert good.ack_status == ""  # nothing recorded
    wrong_employer = ack(good)
    wrong_employer["employer_fein"] = "199999999"
    with pytest.raises(CommandError) as exc:
        _import(tmp_path, ack_file([wrong_employer], control="36000F0000000009101"), name="b.txt")
    assert "line 3: employer_fein" in str(exc.value)


def test_a_malformed_file_names_the_line_and_field(tmp_path):
    lines = decode(ack_file([]))
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


# FVI (42 USC 654(26)): a work item's title, notes and events are frozen text, shown to anyone who may
# view the case, and the indicator can be set after they were written; so they never name the
# employer (whereabouts): they say "the employer" and name the order, whose page applies the
# indicator when it is shown (``enforcement.views.withholding``).

EMPLOYERS = ("Acme Foods", "Beta Health", "Gamma Logistics")


def _acknowledged(two_employers, tmp_path):
    accepted, rejected, left = [o for o in two_employers if o.delivery == IwoDelivery.EIWO]
    content = ack_file(
        [
            ack(accepted, lump_sum_amount=Decimal("2500.00"), lump_sum_date=date(2026, 12, 15), lump_sum_type="BON"),
            ack(rejected, "R", "D", reason_text="We already withhold for this case"),
            ack(
                left,
                "R",
                "N",
                termination_date=date(2026, 11, 20),
                new_employer_name="Gamma Logistics",
                new_employer_fein="143333333",
            ),
        ]
    )
    _import(tmp_path, content)
    return accepted, rejected, left


def _item(iwo, kind) -> WorkItem:
    return WorkItem.objects.get(case=iwo.case, kind=kind)


def test_acknowledgment_work_items_name_the_order_never_the_employer(two_employers, tmp_path):
    accepted, rejected, left = _acknowledged(two_employers, tmp_path)
    items = [_item(accepted, "iwo_lump_sum"), _item(rejected, "iwo_rejected"), _item(left, "locate")]
    assert [item.title for item in items] == [
        f"Lump sum of $2,500.00 notified by the employer on IWO {accepted.control_number}: decide a lump sum IWO",
        f"IWO {rejected.control_number} rejected by the employer: Duplicate IWO",
        f"Locate: the NCP left the employer of IWO {left.control_number} on Nov 20, 2026 "
        "(new employer reported: confirm it; income withholding to it is on the queue)",
    ]
    from django.contrib.contenttypes.models import ContentType

    from core.models import DomainEvent

    events = DomainEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(WorkItem), subject_id__in=[i.pk for i in items]
    )
    texts = [t for i in items for t in (i.title, i.notes)] + [e.summary for e in events] + [str(e.data) for e in events]
    assert len(events) == 3
    assert [(name, t) for t in texts for name in EMPLOYERS if name in t] == []


def test_an_ncp_given_the_indicator_after_the_acknowledgment_is_located_by_no_page(
    two_employers, tmp_path, client_as, role_user, client
):
    from django.urls import reverse

    # given acknowledgments that opened work items while the NCPs had no indicator
    acknowledged = _acknowledged(two_employers, tmp_path)
    # when the NCPs are given it afterwards
    for iwo in acknowledged:
        ncp = iwo.case.ncp
        ncp.family_violence = True
        ncp.save()
    items = WorkItem.objects.filter(
        case__in=[iwo.case for iwo in acknowledged], kind__in=["iwo_lump_sum", "iwo_rejected", "locate"]
    )
    assert items.count() == 3
    # then no page a caseworker or an administrator opens names the employer
    pages = [reverse("cases:case_detail", args=[iwo.case.case_number]) for iwo in acknowledged]
    pages += [reverse("cases:workitem_detail", args=[item.pk]) for item in items]
    pages += [reverse("cases:workitem_list") + query for query in ("?scope=all", "?scope=all&format=csv")]
    caseworker = client_as("caseworker")
    seen = {url: caseworker.get(url) for url in pages}
    client.force_login(role_user("administrator"))
    admin_pages = [reverse("admin:cases_workitem_changelist"), reverse("admin:core_domainevent_changelist")]
    admin_pages += [reverse("admin:cases_workitem_change", args=[item.pk]) for item in items]
    admin_pages += [reverse("enforcement:iwo_detail", args=[iwo.pk]) for iwo in acknowledged]
    admin_pages += [reverse("admin:enforcement_incomewithholdingorder_change", args=[iwo.pk]) for iwo in acknowledged]
    admin_pages += [reverse("admin:enforcement_incomewithholdingorder_changelist")]
    seen |= {url: client.get(url) for url in admin_pages}
    assert {url: r.status_code for url, r in seen.items() if r.status_code != 200} == {}
    leaks = [f"{url}: {name}" for url, r in seen.items() for name in EMPLOYERS if name.encode() in r.content]
    assert not leaks, "\n".join(leaks)


def test_the_order_a_work_item_names_shows_the_employer_while_the_ncp_has_no_indicator(
    two_employers, tmp_path, role_user, client
):
    from django.urls import reverse

    accepted, _rejected, _left = _acknowledged(two_employers, tmp_path)
    assert accepted.control_number in _item(accepted, "iwo_lump_sum").title
    client.force_login(role_user("administrator"))
    url = reverse("enforcement:iwo_detail", args=[accepted.pk])
    assert "Acme Foods" in client.get(url).content.decode()  # allowed: the order's own page names it
    ncp = accepted.case.ncp
    ncp.family_violence = True
    ncp.save()
    page = client.get(url).content.decode()
    assert "Acme Foods" not in page and "Withheld (family violence indicator" in page  # refused: withheld now


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_exports_at_once_send_each_order_to_its_employer_once(monkeypatch):
    """The nightly export and a person's run overlap: each pending order goes in one file only (the
    employer would otherwise receive it twice and could withhold twice)."""
    import contextlib
    import threading

    from django.db import connection

    from enforcement.services import eiwo

    first = _enrolled("Acme Foods", "141111111")
    for _ in range(2):
        iwo_reconcile_action(action=active_withholding_action(employer=first), on=ON)
    # Both exports pause once they have read the pending orders, until the other has too (or 3 s).
    barrier, real = threading.Barrier(2), eiwo._ncp_ssns

    def both_have_read(case_ids):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=3)
        return real(case_ids)

    monkeypatch.setattr(eiwo, "_ncp_ssns", both_have_read)
    files = []

    def export():
        try:
            files.append(partner_file_export(kind="eiwo"))
        finally:
            connection.close()

    threads = [threading.Thread(target=export) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    details = [r for f in files for r in read(decode(bytes(f.content)), EIWO) if r.type == "detail"]
    assert len(files) == 2 and len(details) == 2
    assert len({r["tracking_id"] for r in details}) == 2


# "No longer employed" with a new employer named: the new-hire rule (42 USC 666(b), 653a(g)(1);
# ``new_hires.withholding_propose_to_new_employer``) applies to the new job as it does to one the
# new-hire file or the desk records: on every open case where the person is the NCP with an active
# order, the open withholding action is pointed at the new employer or one is proposed, with the
# one work item per case and employer (the same dedupe key: a later W-4 of the same job adds none).


def test_a_new_employer_named_by_the_reply_gets_the_new_hire_rule_on_every_case_of_the_ncp(tmp_path):
    import time_machine

    from enforcement.choices import ActionStatus, FileVia, Remedy
    from enforcement.models import EnforcementAction
    from enforcement.services.partner_files import partner_file_submit
    from tests.enforcement.factories import delinquent_case
    from tests.enforcement.partner_files_data import new_hire_file, w4

    with time_machine.travel(datetime(2026, 11, 30, 17, tzinfo=UTC), tick=False):  # a Monday
        acme = _enrolled("Acme Foods", "141111111")
        withheld = active_withholding_action(employer=acme)
        (left,) = iwo_reconcile_action(action=withheld, on=ON)
        ncp = left.case.ncp
        other = delinquent_case(ncp=ncp, unassigned="900.00")  # an order, no withholding yet
        _import(
            tmp_path,
            ack_file(
                [
                    ack(
                        left,
                        "R",
                        "N",
                        termination_date=date(2026, 11, 20),
                        new_employer_name="Gamma Logistics",
                        new_employer_fein="143333333",
                    )
                ]
            ),
        )
        gamma = Employer.objects.get(fein="143333333")
        acks = PartnerFile.objects.get(kind="eiwo-acks")
        assert (acks.counts["withholding_proposed"], acks.counts["withholding_redirected"]) == (1, 1)
        assert "withholding_no_rule" not in acks.counts
        # the order's own case: its active action follows the NCP to the new employer
        withheld.refresh_from_db()
        assert withheld.status == ActionStatus.ACTIVE and withheld.partner == "the new employer"
        assert withheld.figures["employer_id"] == gamma.pk and "e-IWO" in withheld.figures["source"]
        # the NCP's other case with an order: withholding proposed to the new employer, due in 2
        # business days (Monday 30 November → Wednesday 2 December)
        proposed = EnforcementAction.objects.get(case=other, remedy=Remedy.INCOME_WITHHOLDING)
        assert proposed.status == ActionStatus.PROPOSED and proposed.partner == "the new employer"
        assert proposed.timeframe_due_on == date(2026, 12, 2) and proposed.figures["employer_id"] == gamma.pk
        items = WorkItem.objects.filter(kind="iwo_new_hire").order_by("case_id")
        job = Employment.objects.get(person=ncp, employer=gamma)  # one item per case and job
        assert [(i.case_id, i.dedupe_key) for i in items] == [
            (left.case_id, f"iwo-new-hire:{left.case_id}:{gamma.pk}:{job.pk}"),
            (other.pk, f"iwo-new-hire:{other.pk}:{gamma.pk}:{job.pk}"),
        ]
        assert all("Gamma" not in i.title for i in items)  # FVI: frozen text names no employer
        locate = WorkItem.objects.get(kind="locate", case=left.case)
        assert locate.title.endswith("(new employer reported: confirm it; income withholding to it is on the queue)")
        # the nightly task still sends the new employer its original (one)
        assert [(i.kind, i.employer_id) for i in iwo_reconcile_action(action=withheld, on=ON)] == [("ORG", gamma.pk)]

        # when: the new-hire file reports the same job (the new employer's W-4)
        nh, *_ = partner_file_submit(
            kind="new-hires",
            name="nh.txt",
            content=new_hire_file([w4(ncp.ssn, fein="143333333", employer="GAMMA LOGISTICS")], stamp=ON),
            via=FileVia.COMMAND,
        )
    # then: nothing proposed twice (both cases' actions are open: pointed again), no second work item
    assert nh.status == "accepted" and nh.counts["matched"] == 1, nh.errors  # one W-4, two cases
    assert (nh.counts.get("withholding_proposed", 0), nh.counts["withholding_redirected"]) == (0, 2)
    assert EnforcementAction.objects.filter(case=other, remedy=Remedy.INCOME_WITHHOLDING).count() == 1
    assert EnforcementAction.objects.filter(case=left.case, remedy=Remedy.INCOME_WITHHOLDING).count() == 1
    assert WorkItem.objects.filter(kind="iwo_new_hire").count() == 2
    assert Employment.objects.filter(person=ncp, employer=gamma).count() == 1


def test_a_reply_without_a_new_employer_proposes_nothing(two_employers, tmp_path):
    left = [o for o in two_employers if o.delivery == IwoDelivery.EIWO][2]
    _import(tmp_path, ack_file([ack(left, "R", "N", termination_date=date(2026, 11, 20))]))
    assert not WorkItem.objects.filter(kind="iwo_new_hire").exists()
    assert WorkItem.objects.get(kind="locate", case=left.case).title.endswith("on Nov 20, 2026")
    assert "withholding_proposed" not in PartnerFile.objects.get(kind="eiwo-acks").counts


def test_the_rule_reaches_only_the_cases_of_the_sending_keys_counties(api_client_with):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enforcement.models import EnforcementAction
    from tests.enforcement.factories import delinquent_case

    acme = _enrolled("Acme Foods", "141111111")
    withheld = active_withholding_action(employer=acme)
    (left,) = iwo_reconcile_action(action=withheld, on=ON)
    ncp = left.case.ncp
    here = delinquent_case(ncp=ncp, county=left.case.county)
    elsewhere = delinquent_case(ncp=ncp, county="Erie" if left.case.county != "Erie" else "Schenectady")
    api = api_client_with("partner_files:write", counties=[left.case.county])
    content = ack_file(
        [
            ack(
                left,
                "R",
                "N",
                termination_date=date(2026, 11, 20),
                new_employer_name="Gamma",
                new_employer_fein="143333333",
            )
        ]
    )
    response = api.post(
        "/api/v1/partner-files/eiwo-acks/", {"file": SimpleUploadedFile("acks.txt", content)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["counts"]["withholding_proposed"] == 1
    assert EnforcementAction.objects.filter(case=here, remedy="income_withholding").exists()
    assert not EnforcementAction.objects.filter(case=elsewhere).exists()
    assert not WorkItem.objects.filter(case=elsewhere).exists()
