"""Bank matches (issue 16.4): a FIDM match file records the account (number encrypted at rest)
and proposes a bank levy under the remedy rule; the levy and its release follow the action."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cases.models import CaseParticipant, Person, WorkItem
from cases.redaction import WITHHELD
from cases.services.whereabouts import person_fvi_set
from enforcement.choices import ActionStatus, FileVia, PartnerFileStatus, Remedy
from enforcement.interchange.fixedwidth import get_layout, write_text
from enforcement.models import BankMatch, EnforcementAction, RemedyRule
from enforcement.notices import notice_letter
from enforcement.services.actions import action_activate, action_end, action_notice_issue
from enforcement.services.partner_files import partner_file_submit
from tests.enforcement.factories import delinquent_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 11, 24), tick=False):
        yield


def ncp_of(case) -> Person:
    return CaseParticipant.objects.get(case=case, role="ncp").person


def account(ssn: str, number: str = "000123456789", *, balance: str = "1500", trust: str = "0") -> dict:
    return {
        "type": "account",
        "period": date(2026, 10, 1),
        "ssn": ssn,
        "name": "JOHN DOE",
        "account_number": number,
        "account_type": "04",
        "trust_fund": trust,
        "balance": Decimal(balance),
    }


def fidm_file(accounts: list[dict], *, period: date = date(2026, 10, 1)) -> bytes:
    rows = [
        {
            "type": "institution",
            "period": period,
            "fein": "131234567",
            "name": "FIRST EMPIRE BANK",
            "city": "ALBANY",
            "state": "NY",
            "data_match_file": "M",
        },
        *accounts,
        {"type": "total", "account_count": len(accounts)},
    ]
    return write_text(rows, get_layout("msfidm-match")).encode("ascii")


def submit(content: bytes):
    return partner_file_submit(kind="fidm", name="fidm.txt", content=content, via=FileVia.COMMAND)[0]


def test_a_match_records_the_account_encrypted_and_proposes_a_levy():
    case = delinquent_case(unassigned="1200.00")
    ncp = ncp_of(case)
    partner_file = submit(fidm_file([account(ncp.ssn), account("999001111")]))
    assert partner_file.status == PartnerFileStatus.ACCEPTED, partner_file.errors
    assert partner_file.counts["matched"] == 1 and partner_file.counts["unmatched"] == 1
    match = BankMatch.objects.get(person=ncp)
    assert match.account_number == "000123456789" and match.account_last4 == "6789"
    assert match.institution == "FIRST EMPIRE BANK" and match.balance == Decimal("1500.00")
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT account_number FROM enforcement_bankmatch WHERE id = %s", [match.pk])
        assert "000123456789" not in cursor.fetchone()[0]
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY)
    # the partner is frozen text: it names no bank (the match does), FVI or not (42 USC 654(26))
    assert action.status == ActionStatus.PROPOSED and action.partner == "the financial institution"
    assert match.action_id == action.pk and partner_file.counts["levies_proposed"] == 1


def test_the_levy_and_its_release_follow_the_action_life_cycle():
    case = delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(case).ssn)]))
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY)
    action = action_notice_issue(action=action, by=None)
    with time_machine.travel(date(2027, 1, 30), tick=False):
        action = action_activate(action=action, by=None)
    assert BankMatch.objects.get(action=action).status == "levied"
    action_end(action=action, by=None, release=True, reason="paid_up", note="paid")
    assert BankMatch.objects.get(action=action).status == "released"


def test_the_nightly_sweep_activating_a_levy_levies_its_account_too():
    # The sweep activates actions whose contest window is over in bulk: their open matches are
    # levied there as action_activate levies them one by one.
    from enforcement.services.sweep import sweep_run_inline

    case = delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(case).ssn)]))
    action = action_notice_issue(action=EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY), by=None)
    assert BankMatch.objects.get(action=action).status == "open"
    for day in (date(2027, 1, 10), date(2027, 1, 30)):  # notice period over, then the contest window
        with time_machine.travel(day, tick=False):
            sweep_run_inline(as_of=day)
    action.refresh_from_db()
    assert action.status == ActionStatus.ACTIVE
    assert BankMatch.objects.get(action=action).status == "levied"


def test_the_nightly_sweep_releasing_a_paid_up_levy_releases_its_account_as_a_person_would():
    # given a levy sent to the bank, its account levied, then the arrears paid in full
    from cases.models import CaseBalance
    from enforcement.services.sweep import sweep_run_inline

    case = delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(case).ssn)]))
    action = action_notice_issue(action=EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY), by=None)
    with time_machine.travel(date(2027, 1, 30), tick=False):
        action = action_activate(action=action, by=None)
    assert BankMatch.objects.get(action=action).status == "levied"
    CaseBalance.objects.filter(case=case).update(total_arrears=0, unassigned_arrears=0)
    # when the night's sweep releases it (paid up)
    with time_machine.travel(date(2027, 2, 1), tick=False):
        sweep_run_inline(as_of=date(2027, 2, 1))
    action.refresh_from_db()
    # then the account is released with it, as action_end releases it (docs/partner-files.md)
    assert (action.status, action.release_reason) == (ActionStatus.RELEASED, "paid_up")
    assert BankMatch.objects.get(action=action).status == "released"


def test_no_levy_when_the_rule_is_not_met():
    case = delinquent_case(unassigned="0.00")  # not delinquent
    partner_file = submit(fidm_file([account(ncp_of(case).ssn)]))
    assert partner_file.counts["matched"] == 1 and partner_file.counts.get("levies_proposed") == 0
    assert not EnforcementAction.objects.filter(case=case, remedy=Remedy.BANK_LEVY).exists()


def test_the_levy_rule_is_the_sweeps_own_query_with_arrears_added_across_the_ncps_cases():
    # The office's bank levy rule: arrears of at least $2,000 added across one NCP's open cases of
    # the jurisdiction (PIQ-01-06). Each of the NCP's two cases owes $1,200: alone neither meets
    # it, together ($2,400) both do; another NCP owing $1,200 on one case does not.
    RemedyRule.objects.filter(remedy=Remedy.BANK_LEVY).update(
        arrears_min=Decimal("2000.00"), arrears_comparison="gte", aggregate_by_ncp=True
    )
    first = delinquent_case(unassigned="1200.00")
    second = delinquent_case(unassigned="1200.00", ncp=ncp_of(first))
    alone = delinquent_case(unassigned="1200.00")
    partner_file = submit(fidm_file([account(ncp_of(first).ssn), account(ncp_of(alone).ssn, "000987654321")]))
    assert partner_file.status == PartnerFileStatus.ACCEPTED, partner_file.errors
    levied = set(EnforcementAction.objects.filter(remedy=Remedy.BANK_LEVY).values_list("case_id", flat=True))
    assert levied == {first.pk, second.pk}
    assert partner_file.counts["levy_rule_not_met"] == 1


def test_a_trust_account_goes_to_review_not_to_a_levy():
    case = delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(case).ssn, trust="1")]))
    assert WorkItem.objects.filter(case=case, kind="fidm_review").exists()
    assert not EnforcementAction.objects.filter(case=case, remedy=Remedy.BANK_LEVY).exists()


def test_the_same_account_next_quarter_updates_the_open_match():
    case = delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(case).ssn)]))
    second = submit(fidm_file([account(ncp_of(case).ssn, balance="90")], period=date(2027, 1, 1)))
    assert second.counts["accounts_updated"] == 1 and second.counts["accounts_recorded"] == 0
    assert BankMatch.objects.get().balance == Decimal("90.00")
    assert EnforcementAction.objects.filter(case=case, remedy=Remedy.BANK_LEVY).count() == 1


def test_an_fvi_ncps_levy_names_no_institution():
    case = delinquent_case(unassigned="1200.00")
    Person.objects.filter(pk=ncp_of(case).pk).update(family_violence=True)
    submit(fidm_file([account(ncp_of(case).ssn)]))
    assert EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY).partner == "the financial institution"


def test_a_minor_parent_living_with_an_fvi_mothers_levy_names_no_institution():
    from tests.cases.factories import living_with_an_fvi_parent

    case = delinquent_case(unassigned="1200.00")
    living_with_an_fvi_parent(ncp_of(case))
    submit(fidm_file([account(ncp_of(case).ssn)]))
    assert EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY).partner == "the financial institution"


def test_an_indicator_set_after_the_import_leaves_no_bank_named_by_the_api(api_client_with):
    # given a levy proposed while the NCP had no indicator, then the indicator set (red team finding)
    case = delinquent_case(unassigned="1200.00")
    ncp = ncp_of(case)
    submit(fidm_file([account(ncp.ssn)]))
    action = EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY)
    person_fvi_set(person=ncp, reason="Reported by the CP", reported_on=date(2026, 11, 20), by=None)
    # then the partner API names no bank
    api = api_client_with("enforcement:read", agency="Albany County Attorney", kind="county_attorney")
    listed = api.get("/api/v1/enforcement-actions/").content.decode()
    detail = api.get(f"/api/v1/enforcement-actions/{action.pk}/").content.decode()
    assert "the financial institution" in detail
    assert "FIRST EMPIRE BANK" not in listed and "FIRST EMPIRE BANK" not in detail


@pytest.mark.parametrize("fvi", [False, True])
def test_the_levys_page_and_notice_name_the_bank_through_the_whereabouts_rule(client_as, fvi):
    # given a noticed levy, the NCP's indicator set afterwards or not
    case = delinquent_case(unassigned="1200.00")
    ncp = ncp_of(case)
    submit(fidm_file([account(ncp.ssn)]))
    action = action_notice_issue(action=EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY), by=None)
    if fvi:
        person_fvi_set(person=ncp, reason="Reported by the CP", reported_on=date(2026, 11, 20), by=None)
    # when staff open the action's page and its notice letter
    client = client_as("enforcement_specialist")
    page = client.get(reverse("enforcement:action_detail", args=[action.pk])).content.decode()
    notice = client.get(reverse("enforcement:action_notice", args=[action.pk])).content.decode()
    spanish = " ".join(text for _, text in notice_letter(action, language="es").sections)
    # then the bank is named, from the match, only while the NCP's whereabouts may be shown
    if fvi:
        assert "FIRST EMPIRE BANK" not in page + notice + spanish
        assert WITHHELD in page and "sent to the financial institution." in notice
        assert "la institución financiera" in spanish
    else:
        assert "FIRST EMPIRE BANK" in page and "sent to FIRST EMPIRE BANK." in notice and "FIRST EMPIRE BANK" in spanish


def test_admin_shows_no_bank_match_of_an_fvi_ncp(client, role_user):
    shown, protected = delinquent_case(unassigned="1200.00"), delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(shown).ssn, "000000001111"), account(ncp_of(protected).ssn, "000000002222")]))
    Person.objects.filter(pk=ncp_of(protected).pk).update(family_violence=True)
    hidden = BankMatch.objects.get(person=ncp_of(protected))
    hidden.save()  # a history row, as an edit in admin writes
    client.force_login(role_user("administrator"))

    listing = client.get(reverse("admin:enforcement_bankmatch_changelist")).content.decode()
    change = client.get(reverse("admin:enforcement_bankmatch_change", args=[hidden.pk]))
    history = client.get(reverse("admin:enforcement_bankmatch_history", args=[hidden.pk]))

    assert "1111" in listing and "2222" not in listing
    assert change.status_code == 302 and history.status_code == 403  # admin's "does not exist" redirect


def test_import_fidm_command(tmp_path):
    case = delinquent_case(unassigned="1200.00")
    path = tmp_path / "fidm.txt"
    path.write_bytes(fidm_file([account(ncp_of(case).ssn)]))
    out = StringIO()
    call_command("import_fidm", str(path), stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("fidm accepted: records 3, matched 1, unmatched 0") and "levies proposed 1" in last
    out = StringIO()
    call_command("import_fidm", str(path), stdout=out)
    assert "already imported" in out.getvalue()


# --- records laid out by hand from the published charts ------------------------------------------
# A: FTB "Method 1 and 2 'A' Record" (ftb.ca.gov/businesses/fidm/method_1-2A.shtml), 371 from OCSE's
# MSFIDM response-file supplement (TCC-02-06a); B: FTB "Method 1 'B' Record"
# (ftb.ca.gov/businesses/fidm/method_1-B.shtml), whose SSN (15-23), name (162-201), pass-back
# (322-349) and balance (351-357) TCC-02-06a gives for the Method 2 match file too. Columns are
# 1-based as the charts number them; nothing here comes from the layout module.


def laid_out(columns: dict[int, str], length: int = 500) -> str:
    line = [" "] * length
    for start, text in columns.items():
        assert all(c == " " for c in line[start - 1 : start - 1 + len(text)]), f"overlap at {start}"
        line[start - 1 : start - 1 + len(text)] = text
    return "".join(line)


def hand_built_file(ssn: str, *, count: int = 1) -> bytes:
    a = laid_out(
        {
            1: "A",
            4: "001",  # 004-006 media sequence number
            7: "941234567",  # 007-015 institution FEIN
            16: "GOLD",  # 016-019 name control
            20: "202610",  # 020-025 year and month CCYYMM
            50: "GOLDEN STATE SAVINGS",  # 050-089 institution name
            131: "100 CAPITOL MALL",  # 131-170 street address
            171: "SACRAMENTO",  # 171-199 city
            200: "CA",  # 200-201 state
            202: "95814",  # 202-210 zip
            211: "941234567",  # 211-219 transmitter FEIN
            220: "GOLDEN STATE SAVINGS",  # 220-290 transmitter name
            371: "M",  # 371 data match file indicator: a match file
        }
    )
    b = laid_out(
        {
            1: "B",
            2: "202610",  # 002-007 year and month
            8: "DOEJ",  # 008-011 payee last name control
            15: ssn,  # 015-023 SSN
            24: "00987654321",  # 024-043 account number
            61: "JOHN DOE",  # 061-160 account full legal title
            162: "JOHN DOE",  # 162-201 payee name
            242: "1 MAIN ST",  # 242-281 payee street
            282: "FRESNO",  # 282-310 city
            311: "CA",  # 311-312 state
            313: "93721",  # 313-321 zip
            322: "CA",  # 322-326 FIPS code pass-back
            351: "0002500",  # 351-357 balance, whole dollars
            359: "0",  # 359 trust fund indicator: not a trust account
            361: "2",  # 361 account balance indicator: current balance
            371: "04",  # account type: no chart found (see the layout's docstring)
        }
    )
    t = laid_out({1: "T", 2: f"{count:08d}"})  # T: no chart found; our declaration (2-9)
    return f"{a}\r\n{b}\r\n{t}\r\n".encode("ascii")


def test_a_match_file_laid_out_by_the_charts_is_imported():
    case = delinquent_case(unassigned="1200.00")
    ncp = ncp_of(case)
    partner_file = submit(hand_built_file(ncp.ssn))
    assert partner_file.status == PartnerFileStatus.ACCEPTED, partner_file.errors
    assert partner_file.control_number == "941234567-202610"
    match = BankMatch.objects.get(person=ncp)
    assert match.institution == "GOLDEN STATE SAVINGS" and match.institution_fein == "941234567"
    assert match.account_number == "00987654321" and match.account_last4 == "4321"
    assert match.account_type == "04" and match.balance == Decimal("2500.00") and not match.trust_fund
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT account_number FROM enforcement_bankmatch WHERE id = %s", [match.pk])
        assert "00987654321" not in cursor.fetchone()[0]
    assert EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY).partner == "the financial institution"


def test_a_total_record_that_disagrees_refuses_the_file_and_changes_nothing():
    case = delinquent_case(unassigned="1200.00")
    partner_file = submit(hand_built_file(ncp_of(case).ssn, count=2))
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert partner_file.errors == [{"line": 3, "reason": "account_count says 2, the file has 1"}]
    assert not BankMatch.objects.exists()
    assert not EnforcementAction.objects.filter(remedy=Remedy.BANK_LEVY).exists()


def test_a_file_that_is_not_a_match_file_is_refused():
    # Position 371 of the A record says which file this is; only a match file ("M") is imported.
    case = delinquent_case(unassigned="1200.00")
    content = hand_built_file(ncp_of(case).ssn).decode("ascii")
    content = content[:370] + "P" + content[371:]
    partner_file = submit(content.encode("ascii"))
    assert partner_file.status == PartnerFileStatus.REFUSED
    assert "data_match_file (columns 371-371)" in partner_file.errors[0]["reason"]
    assert not BankMatch.objects.exists()


def test_trust_fund_codes_of_the_chart_go_to_review():
    # 1 UTMA/UGMA, 2 IOLTA, 3 mortgage escrow, 4 security deposits, 5 other trust/escrow.
    case = delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(case).ssn, trust="4")]))
    assert BankMatch.objects.get().trust_fund
    assert WorkItem.objects.filter(case=case, kind="fidm_review").exists()
    assert not EnforcementAction.objects.filter(case=case, remedy=Remedy.BANK_LEVY).exists()


def test_a_levy_paid_up_before_it_is_sent_levies_nothing():
    # RTMONEY: the levy was activated, and the account levied, for arrears paid in full.
    from cases.models import CaseBalance

    case = delinquent_case(unassigned="1200.00")
    submit(fidm_file([account(ncp_of(case).ssn)]))
    action = action_notice_issue(action=EnforcementAction.objects.get(case=case, remedy=Remedy.BANK_LEVY), by=None)
    CaseBalance.objects.filter(case=case).update(total_arrears=0, unassigned_arrears=0)
    with time_machine.travel(date(2027, 1, 30), tick=False):
        action = action_activate(action=action, by=None)
    assert (action.status, action.release_reason) == (ActionStatus.RELEASED, "paid_up")
    assert BankMatch.objects.get(action=action).status == "released"  # never levied, released with its action
