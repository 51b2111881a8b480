"""New hires (issue 16.2): the State Directory of New Hires' W-4 records start withholding.

For each W-4 record of the file, matched by SSN to the noncustodial parents of open cases through
the SSN blind index (set-based: the file's SSNs are hashed in Python and looked up in a few
``IN`` queries of 20,000, never a query per record):

- a locate result (``LocateAttempt``, source new hire, found) per matched case; a case whose NCP
  was not yet located is located (its establishment or enforcement clock starts);
- the employer (by FEIN; created from the record when unknown) and an open employment at it
  (created when the NCP has none there);
- where the case has a support order in force for withholding (an active one, or an ended one
  whose arrears-repayment line still runs: ``withholding.order_in_force_q``), income withholding
  is proposed to the new employer: an ``EnforcementAction`` (remedy income withholding, under the
  rule in effect) due within 2 business days of the date the new hire entered the directory —
  42 USC 653a(g)(1): "within 2 business days after the date information regarding a newly hired
  employee is entered into the State Directory of New Hires, the State agency ... shall transmit a
  notice to the employer of the employee directing the employer to withhold" — with a work item on the queue
  due that day. The file's date stamp stands for the date of entry (the directory enters a record
  at the latest the day it transmits it), so a late file shows as overdue, never as more time.
  An open withholding action on the case is pointed at the new employer instead.
- Unmatched records are counted, never stored apart from the file itself.

FVI (42 USC 654(26)): a matched NCP with the family violence indicator gets the same locate and
employment rows (the redaction layer withholds them on pages, reading the indicator when they are
shown). The queue titles and the action's partner are frozen text, and the indicator can be set
after they were written: they name no employer for anyone ("the new employer"); the employment row
and the action's ``figures["employer_id"]`` say which.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from cases.choices import (
    CaseStatus,
    EmploymentSource,
    LocateResult,
    LocateSource,
    OrderStatus,
    ParticipantRole,
    WorkItemStatus,
)
from cases.models import (
    Address,
    CaseBalance,
    CaseParticipant,
    Employer,
    Employment,
    LocateAttempt,
    SupportOrder,
    WorkItem,
)
from cases.services.employment import employments_confirm
from cases.services.person_lock import people_lock
from core.business_days import add_business_days
from core.dates import display_date
from core.db import rows_insert, rows_update
from core.models import DomainEvent
from core.services import events_bulk_record

from ...choices import OPEN_ACTION_STATUSES, ActionStatus, Remedy
from ...interchange.fixedwidth import Record
from ...interchange.layouts.ndnh_w4 import control_number
from ...models import EnforcementAction, RemedyRule
from ..partner_files import WHEREABOUTS_WITHHELD, ImportContext, register_partner_file_kind
from ..sweep import ARREARS_FIGURES
from ..withholding import order_in_force_q

CHUNK = 20_000
# 42 USC 653a(g)(1): the notice to withhold goes to the employer within 2 business days.
NEW_HIRE_IWO_BUSINESS_DAYS = 2
WORK_ITEM_KIND = "iwo_new_hire"
# Frozen text names no employer (see the module): the action's partner and its queue item's title.
NEW_EMPLOYER = "the new employer"
WORK_ITEM_TITLE = f"Send the income withholding order to {NEW_EMPLOYER} (new hire; 42 USC 653a(g)(1))"


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _employers(records, context: ImportContext) -> dict[str, Employer]:
    """The employers of the matched records by FEIN: found, or created from the record."""
    feins = sorted({r["employer_fein"] for r in records})
    known: dict[str, Employer] = {}
    for chunk in _chunks(feins):
        for employer in Employer.objects.filter(fein__in=chunk).order_by("pk"):
            known.setdefault(employer.fein, employer)
    new: dict[str, Employer] = {}
    for r in records:
        fein = r["employer_fein"]
        if fein in known or fein in new:
            continue
        new[fein] = Employer(
            name=r["employer_name"][:200],
            fein=fein,
            line1=r["employer_address_1"][:120],
            line2=" ".join(x for x in (r["employer_address_2"], r["employer_address_3"]) if x)[:120],
            city=r["employer_city"][:80],
            state=r["employer_state"][:2],
            postal_code=r["employer_zip"] + (f"-{r['employer_zip4']}" if r["employer_zip4"] else ""),
        )
    if new:
        Employer.objects.bulk_create(new.values(), batch_size=2000)
        context.counts["employers_created"] += len(new)
        if any(e.pk is None for e in new.values()):  # a database without RETURNING
            for employer in Employer.objects.filter(fein__in=list(new)).order_by("pk"):
                known.setdefault(employer.fein, employer)
        else:
            known.update(new)
    return known


def new_hires_import(context: ImportContext) -> None:
    header = context.records[0]
    entered_on: date = min(header["date_stamp"], timezone.localdate())
    today = timezone.localdate()
    w4s = [r for r in context.records if r.type == "w4"]
    # The NCPs of open cases with these SSNs (within the file's reach), a few IN queries.
    matched, index_of, ncp_cases = context.ncp_matches(
        w4s,
        "employee_ssn",
        "person_id",
        WHEREABOUTS_WITHHELD,
        "case_id",
        "case__jurisdiction",
        "case__ncp_located_on",
        "case__caseworker_id",
    )
    if not matched:
        return
    # One hire per person: the latest hire date in the file decides the employer withheld from.
    latest: dict[int, Record] = {}
    for r in matched:
        for person_id, *_ in ncp_cases[index_of[r["employee_ssn"]]]:
            current = latest.get(person_id)
            if current is None or r["employee_hire_date"] >= current["employee_hire_date"]:
                latest[person_id] = r
    person_ids = sorted(latest)
    # Their rows locked before their jobs are read (and before any employer is added, the desk's
    # order): an e-IWO reply or the desk recording a job for one of them meanwhile waits, then
    # finds the job this file records — never a second open job at the same employer.
    people_lock(person_ids)
    employers = _employers(matched, context)
    case_rows = {row[2]: row for rows in ncp_cases.values() for row in rows}  # case_id → row
    case_ids = sorted(case_rows)

    # Employment: an open one at the employer, else a new one from the hire date. An open one there
    # awaiting confirmation (typed at the desk for an FVI person) is confirmed by the file: it is
    # the file's job, and the new-hire rule below applies to it.
    open_jobs: set[tuple[int, int]] = set()
    awaiting: dict[tuple[int, int], list[int]] = {}
    for chunk in _chunks(person_ids):
        for person_id, employer_id, employment_id, awaits in Employment.objects.filter(
            person_id__in=chunk, ended_on__isnull=True
        ).values_list("person_id", "employer_id", "id", "awaits_confirmation"):
            open_jobs.add((person_id, employer_id))
            if awaits:
                awaiting.setdefault((person_id, employer_id), []).append(employment_id)
    confirmed = sorted(
        {
            employment_id
            for r in matched
            for person_id, *_ in ncp_cases[index_of[r["employee_ssn"]]]
            for employment_id in awaiting.get((person_id, employers[r["employer_fein"]].pk), [])
        }
    )
    for chunk in _chunks(confirmed):
        context.counts["employments_confirmed"] += employments_confirm(jobs=Employment.objects.filter(pk__in=chunk))
    # Rows, not instances (rows_insert): tens of thousands of model instances cost more than their insert.
    jobs = []
    for r in matched:
        employer = employers[r["employer_fein"]]
        for person_id, *_ in ncp_cases[index_of[r["employee_ssn"]]]:
            if (person_id, employer.pk) not in open_jobs:
                open_jobs.add((person_id, employer.pk))
                jobs.append((person_id, employer.pk, min(r["employee_hire_date"], today)))
    rows_insert(
        Employment, ["person_id", "employer_id", "started_on"], jobs, values={"source": EmploymentSource.NEW_HIRE}
    )
    context.counts["employments_created"] = len(jobs)

    # A current address for a person who has none (the employee's own address on the W-4).
    has_address: set[int] = set()
    for chunk in _chunks(person_ids):
        has_address.update(
            Address.objects.filter(person_id__in=chunk, valid_to__isnull=True).values_list("person_id", flat=True)
        )
    addresses = [
        (
            person_id,
            r["employee_address_1"][:120],
            " ".join(x for x in (r["employee_address_2"], r["employee_address_3"]) if x)[:120],
            r["employee_city"][:80],
            r["employee_state"][:2],
            r["employee_zip"] + (f"-{r['employee_zip4']}" if r["employee_zip4"] else ""),
            min(r["employee_hire_date"], today),
            "new hire",
        )
        for person_id, r in latest.items()
        if person_id not in has_address and r["employee_zip"] and r["employee_city"] and r["employee_state"]
    ]
    rows_insert(
        Address, ["person_id", "line1", "line2", "city", "state", "postal_code", "valid_from", "source"], addresses
    )
    context.counts["addresses_added"] = len(addresses)

    # Locate results, one per matched case.
    attempts = []
    for case_id, (person_id, fvi, _, _, _, _) in case_rows.items():
        r = latest[person_id]
        attempts.append(
            (
                case_id,
                person_id,
                entered_on,
                "New hire reported"
                if fvi
                else f"New hire: {r['employer_name']} (FEIN {r['employer_fein']}), hired "
                f"{display_date(r['employee_hire_date'])}",
            )
        )
    rows_insert(
        LocateAttempt,
        ["case_id", "person_id", "attempted_on", "notes"],
        attempts,
        values={"source": LocateSource.NEW_HIRE, "result": LocateResult.FOUND},
    )
    context.counts["located"] = len(attempts)
    for chunk in _chunks(case_ids):
        WorkItem.objects.filter(case_id__in=chunk, kind="locate", status=WorkItemStatus.OPEN).update(
            status=WorkItemStatus.DONE, completed_on=entered_on
        )
    unlocated = [case_id for case_id, row in case_rows.items() if row[4] is None]
    if unlocated:
        # Few (a located NCP stays located): each starts its next clock through the case service.
        from cases.models import Case
        from cases.services import case_ncp_located

        for case in Case.objects.filter(pk__in=unlocated).order_by("pk"):
            case_ncp_located(case=case, on=entered_on, by=context.by)
    context.counts["newly_located"] = len(unlocated)

    _propose_withholding(context, latest=latest, employers=employers, case_rows=case_rows, entered_on=entered_on)
    events_bulk_record(
        DomainEvent(
            verb="new_hire.matched",
            case_id=case_id,
            actor_label=context.actor_label or "new hire file",
            summary="New hire reported by the State Directory of New Hires",
            data={"partner_file": context.partner_file.pk, "person_id": row[0]},
        )
        for case_id, row in case_rows.items()
    )


def _propose_withholding(context: ImportContext, *, latest, employers, case_rows, entered_on: date) -> None:
    # The open employment at each hire's employer (found or made above): the job withheld from.
    employment_of: dict[tuple[int, int], int] = {}
    for chunk in _chunks(sorted(latest)):
        for person_id, employer_id, employment_id in (
            Employment.objects.filter(person_id__in=chunk, ended_on__isnull=True)
            .order_by("id")
            .values_list("person_id", "employer_id", "id")
        ):
            employment_of[person_id, employer_id] = employment_id
    jobs = []
    for case_id in sorted(case_rows):
        person_id, _, _, jurisdiction, _, caseworker_id = case_rows[case_id]
        r = latest[person_id]
        employer = employers[r["employer_fein"]]
        employment_id = employment_of[person_id, employer.pk]
        figures = {
            "source": "new hire",
            "employer_id": employer.pk,
            "employment_id": employment_id,
            "hire_date": r["employee_hire_date"].isoformat(),
            "new_hire_entered_on": entered_on.isoformat(),
            "partner_file": context.partner_file.pk,
            "deadline": "42 USC 653a(g)(1): 2 business days",
        }
        jobs.append(NewJob(case_id, jurisdiction, caseworker_id, employer.pk, employment_id, figures))
    proposed, moved, no_rule = withholding_propose_to_new_employer(jobs=jobs, entered_on=entered_on)
    context.counts["withholding_proposed"] = proposed
    context.counts["withholding_redirected"] = moved
    if no_rule:
        context.counts["withholding_no_rule"] = no_rule


class NewJob(NamedTuple):
    """A case whose NCP has a new job: where income withholding is proposed."""

    case_id: int
    jurisdiction: str
    caseworker_id: int | None
    employer_id: int
    employment_id: int
    figures: dict


def new_hire_dedupe_key(*, case_id: int, employer_id: int, employment_id: int) -> str:
    """The queue item's key: one per case and job (employment), whichever channel reported it (the
    file, the desk, an e-IWO reply). A rehire by a former employer is a new employment, so a new
    item (42 USC 666(b)). Before the job was in the key it was ``iwo-new-hire:{case}:{employer}``
    (``_legacy_covered``)."""
    return f"iwo-new-hire:{case_id}:{employer_id}:{employment_id}"[:120]


def _legacy_covered(jobs: list[NewJob]) -> set[tuple[int, int]]:
    """The (case, employment) pairs of ``jobs`` whose job already has a queue item under the key
    without the employment (``iwo-new-hire:{case}:{employer}``, written before the key named the
    job): an item made after the employment row was, so about that job (a rehire is a newer row)."""
    created: dict[int, datetime] = {}
    for chunk in _chunks(sorted({job.employment_id for job in jobs})):
        created.update(Employment.objects.filter(pk__in=chunk).values_list("pk", "created_at"))
    old_key = {f"iwo-new-hire:{job.case_id}:{job.employer_id}": job for job in jobs}
    covered: set[tuple[int, int]] = set()
    for chunk in _chunks(sorted(old_key)):
        for key, made in WorkItem.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", "created_at"):
            job = old_key[key]
            if made >= created[job.employment_id]:
                covered.add((job.case_id, job.employment_id))
    return covered


def withholding_propose_to_new_employer(
    *, jobs: list[NewJob], entered_on: date, title: str = WORK_ITEM_TITLE
) -> tuple[int, int, int]:
    """The new-hire rule, for the file and for a job a caseworker records alike: on each case of
    ``jobs`` with a support order in force for withholding on ``entered_on`` (``order_in_force_q``,
    the rule the withholding order itself follows: an ended order whose arrears-repayment line
    still runs is, as the past-due support is withheld, 42 USC 666(b)) or an active one yet to take
    effect (withholding starts when it does), income withholding is proposed to the new employer
    (an ``EnforcementAction`` under the rule in effect, due 2 business days after ``entered_on``,
    the day the office learned of the job, 42 USC 653a(g)(1), 666(b)), with a work item on the queue
    due that day; an open withholding action on the case is pointed at the new employer instead.
    Set-based. Returns (proposed, redirected, cases without a rule in effect)."""
    by_case = {job.case_id: job for job in jobs}
    case_ids = sorted(by_case)
    with_order: set[int] = set()
    for chunk in _chunks(case_ids):
        with_order.update(
            SupportOrder.objects.filter(Q(status=OrderStatus.ACTIVE) | order_in_force_q(on=entered_on))
            .filter(case_id__in=chunk)
            .values_list("case_id", flat=True)
        )
    if not with_order:
        return 0, 0, 0
    rules = {
        rule.jurisdiction: rule
        for rule in RemedyRule.objects.in_effect(entered_on).filter(remedy=Remedy.INCOME_WITHHOLDING, enabled=True)
    }
    open_actions: dict[int, EnforcementAction] = {}
    balances: dict[int, tuple] = {}
    for chunk in _chunks(sorted(with_order)):
        for action in EnforcementAction.objects.filter(
            case_id__in=chunk, remedy=Remedy.INCOME_WITHHOLDING, status__in=OPEN_ACTION_STATUSES
        ):
            open_actions[action.case_id] = action
        for row in CaseBalance.objects.filter(case_id__in=chunk).values_list("case_id", *ARREARS_FIGURES):
            balances[row[0]] = row[1:]
    new_actions, moved, items = [], [], []
    no_rule = 0
    covered = _legacy_covered([by_case[case_id] for case_id in sorted(with_order)])
    for case_id in sorted(with_order):
        job = by_case[case_id]
        due_on = add_business_days(entered_on, NEW_HIRE_IWO_BUSINESS_DAYS, job.jurisdiction)
        action = open_actions.get(case_id)
        if action is not None:
            action.figures = {**(action.figures or {}), **job.figures}
            action.partner = NEW_EMPLOYER
            moved.append(action)
        elif job.jurisdiction in rules:
            arrears = balances.get(case_id, (0, 0, 0, 0, None))
            new_actions.append((case_id, rules[job.jurisdiction].pk, *arrears, job.figures, due_on, NEW_EMPLOYER))
        else:
            no_rule += 1
            continue
        if (case_id, job.employment_id) in covered:
            continue
        items.append(
            (
                case_id,
                due_on,
                job.caseworker_id,
                title,
                new_hire_dedupe_key(case_id=case_id, employer_id=job.employer_id, employment_id=job.employment_id),
            )
        )
    rows_insert(
        EnforcementAction,
        [
            "case_id",
            "rule_id",
            *ARREARS_FIGURES,
            "figures",
            "timeframe_due_on",
            "partner",
        ],
        new_actions,
        values={
            "remedy": Remedy.INCOME_WITHHOLDING,
            "status": ActionStatus.PROPOSED,
            "proposed_on": entered_on,
            "timeframe_start_on": entered_on,
        },
    )
    now = timezone.now()
    rows_update(
        EnforcementAction,
        ["figures", "partner", "updated_at"],
        [(action.pk, action.figures, action.partner, now) for action in moved],
    )
    rows_insert(
        WorkItem,
        ["case_id", "due_on", "assigned_to_id", "title", "dedupe_key"],
        items,
        values={"kind": WORK_ITEM_KIND},
        ignore_conflicts=True,
    )
    return len(new_actions), len(moved), no_rule


# A job recorded on the person page (cases.services.employment, through core.hooks).
DESK_WORK_ITEM_TITLE = (
    f"Send the income withholding order to {NEW_EMPLOYER} (new job on file; 42 USC 666(b), 653a(g)(1))"
)


def new_job_withholding(
    *, employment: Employment, figures: dict, entered_on: date, title: str, case_q: Q | None = None
) -> tuple[int, int, int]:
    """The new-hire rule for one job the office learned of on ``entered_on`` outside the new-hire
    file (a caseworker recorded it; a former employer's e-IWO reply named the new employer): each
    open case where the person is the NCP (within ``case_q``: a partner file's reach) goes through
    ``withholding_propose_to_new_employer``, ``figures`` saying what fired it. The work item's
    dedupe key is the file's (case and job, ``new_hire_dedupe_key``): the same job reported again by
    another channel proposes nothing twice; a rehire (a new employment) is a new job. Returns
    (proposed, redirected, cases without a rule in effect)."""
    rows = (
        CaseParticipant.objects.filter(
            person_id=employment.person_id, role=ParticipantRole.NCP, case__status=CaseStatus.OPEN
        )
        .filter(case_q or Q())
        .order_by("case_id")
        .values_list("case_id", "case__jurisdiction", "case__caseworker_id")
    )
    jobs = [
        NewJob(
            case_id,
            jurisdiction,
            caseworker_id,
            employment.employer_id,
            employment.pk,
            {
                **figures,
                "employer_id": employment.employer_id,
                "employment_id": employment.pk,
                "hire_date": employment.started_on.isoformat(),
                "reported_on": entered_on.isoformat(),
                "deadline": "42 USC 653a(g)(1): 2 business days",
            },
        )
        for case_id, jurisdiction, caseworker_id in rows
    ]
    if not jobs:
        return 0, 0, 0
    return withholding_propose_to_new_employer(jobs=jobs, entered_on=entered_on, title=title)


def employment_recorded_withholding(*, employment: Employment, by, case_q: Q | None = None) -> str:
    """``core.hooks.employment_recorded``: a job a caseworker recorded (the parent said so, a pay
    stub) is a new hire the office learned of today, and the file's rule applies to it
    (``new_job_withholding``) on each open case where the person is the NCP. The phrase names no
    employer (FVI). Each job raises its own work item (keyed by the job, ``new_hire_dedupe_key``): an
    FVI person's FEIN typed that is their employer on file is recorded as a new job
    (``cases.services.employment``) and raises one as any other FEIN does, or the case's work items
    would answer the guess (42 USC 654(26)); the file and the desk reporting one job of theirs raise
    two. A job awaiting confirmation (recorded for a person whose whereabouts are withheld:
    ``Employment.awaits_confirmation``) proposes and redirects nothing, and says nothing, until a
    source outside the desk confirms it: what follows it may not tell whether the FEIN typed is
    the employer on file (42 USC 654(26)). ``case_q``: only the open cases within it (a coordinator's
    confirmation reaches the cases they may change)."""
    if employment.awaits_confirmation:
        return ""
    proposed, moved, _ = new_job_withholding(
        employment=employment,
        figures={"source": f"recorded on the person page ({employment.get_source_display().lower()})"},
        entered_on=timezone.localdate(),
        title=DESK_WORK_ITEM_TITLE,
        case_q=case_q,
    )
    said = []
    if proposed:
        said.append(f"income withholding proposed to the new employer on {proposed} case{'s' if proposed != 1 else ''}")
    if moved:
        said.append(f"open income withholding pointed at the new employer on {moved} case{'s' if moved != 1 else ''}")
    return "; ".join(said)


register_partner_file_kind(
    "new-hires",
    label="New hires (State Directory of New Hires, W-4 records)",
    layout="ndnh-w4",
    importer=new_hires_import,
    control_number=control_number,
    command="import_new_hires",
    description="Matched by SSN to the noncustodial parents of open cases; a match with an order proposes income "
    "withholding to the new employer, due within 2 business days (42 USC 653a(g)(1)).",
)
