"""Bank matches (issue 16.4): a Multistate/State FIDM match file is matched by SSN; each match
records the account at the institution (``BankMatch``: account number encrypted at rest) and
proposes a bank levy under the remedy rule in effect (42 USC 666(a)(17); ``RemedyRule`` bank levy:
a delinquent case, the rule's arrears/months/days conditions); the levy's notice, contest,
activation (the match becomes ``levied``) and release (``released``) follow the action's life cycle
(``enforcement.services.actions``).

A trust or custodial account (trust fund indicator) is recorded but not levied without review: a
work item asks a person to look at it. A match already open for the same account (keyed hash of
institution and account number) is updated (balance, date), not repeated.

FVI (42 USC 654(26)): an account locates its holder. The action's partner and the work item's title
are frozen text, and the indicator can be set after they were written: they name no institution for
anyone ("the financial institution"), as the new-hire import names no employer. The ``BankMatch``
row says which; pages and the NCP's notice read it through ``cases.redaction``
(``enforcement.action_selectors.levy_institutions_shown``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.utils import timezone

from cases.models import CaseBalance, WorkItem
from core.fields import blind_index

from ...choices import OPEN_ACTION_STATUSES, ActionStatus, BankMatchStatus, Remedy
from ...interchange.layouts.fidm import TRUST_ACCOUNT_CODES
from ...legal_floors import rule_under_law
from ...models import BankMatch, EnforcementAction, RemedyRule
from ..partner_files import ImportContext, register_partner_file_kind
from ..sweep import ARREARS_FIGURES, _figures_fill, action_timeframe_days, qualifying_balances

# Frozen text names no institution (see the module): the levy's partner.
FINANCIAL_INSTITUTION = "the financial institution"


def levy_rule_met_case_ids(rules: dict[str, RemedyRule], case_ids: list[int], *, as_of: date) -> set[int]:
    """The cases among ``case_ids`` that meet their jurisdiction's bank levy rule on ``as_of``, by
    the sweep's own query (``qualifying_balances``: NCP aggregation, every threshold, the open bank
    match the rule requires), against the stricter of the office's and the law's values."""
    if not case_ids or not rules:
        return set()
    _figures_fill(low=min(case_ids), high=max(case_ids) + 1)
    balances = CaseBalance.objects.filter(case_id__in=case_ids, case__status="open")
    met: set[int] = set()
    for rule in rules.values():
        met |= set(
            qualifying_balances(rule=rule_under_law(rule, on=as_of), as_of=as_of, balances=balances).values_list(
                "case_id", flat=True
            )
        )
    return met


def fidm_import(context: ImportContext) -> None:
    today = timezone.localdate()
    institution = context.records[0]
    accounts = [r for r in context.records if r.type == "account"]
    matched, index_of, ncp_cases = context.ncp_matches(
        accounts, "ssn", "person_id", "case_id", "case__jurisdiction", "case__caseworker_id"
    )
    if not matched:
        return
    fein = institution["fein"]
    name = institution["name"][:120]
    keyed = {
        (row[0], blind_index(f"{fein}:{r['account_number']}")): (r, row)
        for r in matched
        for row in ncp_cases[index_of[r["ssn"]]][:1]
    }  # one match per person and account
    open_matches = {
        (m.person_id, m.account_key): m
        for m in BankMatch.objects.filter(
            person_id__in={k[0] for k in keyed}, status=BankMatchStatus.OPEN, account_key__in={k[1] for k in keyed}
        )
    }
    new, updated = [], []
    for (person_id, key), (r, _) in keyed.items():
        existing = open_matches.get((person_id, key))
        if existing is not None:
            existing.balance, existing.matched_on, existing.partner_file = r["balance"], today, context.partner_file
            updated.append(existing)
            continue
        new.append(
            BankMatch(
                person_id=person_id,
                institution=name,
                institution_fein=fein,
                account_number=r["account_number"],
                account_last4=r["account_number"][-4:],
                account_key=key,
                account_type=r["account_type"],
                balance=r["balance"],
                trust_fund=r["trust_fund"] in TRUST_ACCOUNT_CODES,
                matched_on=today,
                partner_file=context.partner_file,
            )
        )
    for match in new:
        match.full_clean(exclude=["person", "partner_file", "action"])
    BankMatch.objects.bulk_create(new, batch_size=2000)
    BankMatch.objects.bulk_update(updated, ["balance", "matched_on", "partner_file"], batch_size=500)
    context.counts["accounts_recorded"] = len(new)
    context.counts["accounts_updated"] = len(updated)
    if new and any(m.pk is None for m in new):
        new = list(
            BankMatch.objects.filter(partner_file=context.partner_file, account_key__in=[m.account_key for m in new])
        )
    _propose_levies(context, matches=new, ncp_cases=ncp_cases, today=today)


def _propose_levies(context: ImportContext, *, matches: list[BankMatch], ncp_cases, today: date) -> None:
    by_person: dict[int, list[BankMatch]] = defaultdict(list)
    for match in matches:
        by_person[match.person_id].append(match)
    cases = [row for rows in ncp_cases.values() for row in rows if row[0] in by_person]
    case_ids = [row[1] for row in cases]
    balances = CaseBalance.objects.in_bulk(case_ids)
    open_levies = set(
        EnforcementAction.objects.filter(
            case_id__in=case_ids, remedy=Remedy.BANK_LEVY, status__in=OPEN_ACTION_STATUSES
        ).values_list("case_id", flat=True)
    )
    rules = {
        r.jurisdiction: r for r in RemedyRule.objects.in_effect(today).filter(remedy=Remedy.BANK_LEVY, enabled=True)
    }
    rule_met = levy_rule_met_case_ids(rules, case_ids, as_of=today)
    proposed, review = [], []
    for person_id, case_id, jurisdiction, caseworker_id in cases:
        levyable = [m for m in by_person[person_id] if not m.trust_fund]
        for match in by_person[person_id]:
            if match.trust_fund:
                review.append(
                    WorkItem(
                        case_id=case_id,
                        kind="fidm_review",
                        due_on=today + timedelta(days=5),
                        assigned_to_id=caseworker_id,
                        title="Bank match on a trust or custodial account: review before any levy",
                        dedupe_key=f"fidm-review:{match.pk}:{case_id}",
                    )
                )
        rule, balance = rules.get(jurisdiction), balances.get(case_id)
        if not levyable or rule is None or balance is None or case_id in open_levies:
            continue
        if case_id not in rule_met:
            context.counts["levy_rule_not_met"] += 1
            continue
        days = action_timeframe_days(rule, today)
        action = EnforcementAction(
            case_id=case_id,
            remedy=Remedy.BANK_LEVY,
            rule=rule,
            status=ActionStatus.PROPOSED,
            proposed_on=today,
            **{name: getattr(balance, name) for name in ARREARS_FIGURES},
            timeframe_start_on=today,
            timeframe_due_on=today + timedelta(days=days),
            partner=FINANCIAL_INSTITUTION,
            figures={
                "source": "FIDM match",
                "partner_file": context.partner_file.pk,
                "rule_version": rule.version,
                "thresholds": rule.threshold_text(),
                "bank_match_ids": [m.pk for m in levyable],
                "balance": str(sum((m.balance or 0) for m in levyable)),
            },
        )
        proposed.append((action, levyable))
        open_levies.add(case_id)
    EnforcementAction.objects.bulk_create([a for a, _ in proposed], batch_size=1000)
    for action, levyable in proposed:
        BankMatch.objects.filter(pk__in=[m.pk for m in levyable], action__isnull=True).update(action=action)
    WorkItem.objects.bulk_create(review, ignore_conflicts=True)
    context.counts["levies_proposed"] = len(proposed)
    if review:
        context.counts["trust_accounts_for_review"] = len(review)


register_partner_file_kind(
    "fidm",
    label="Bank matches (Multistate/State FIDM)",
    layout="msfidm-match",
    importer=fidm_import,
    command="import_fidm",
    control_number=lambda records: f"{records[0]['fein']}-{records[0]['period']:%Y%m}",
    description="Accounts of NCPs found at a financial institution: recorded (account numbers encrypted) and a "
    "bank levy proposed under the remedy rule (42 USC 666(a)(17)).",
)
