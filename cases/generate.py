"""A realistic synthetic office (``manage.py generate_office``), computed in memory and written once.

Adds to whatever the database holds (demo data included): case numbers continue from the
highest in use, SSNs come from a range no demo or factory uses (9xx-prefixed numbers are never
issued as SSNs). Orders older than the ledger window start charging at the window (their
earlier history is not generated).

How (issue 17.1): the office is built a chunk of cases at a time (``chunk``, memory stays flat).
Each chunk's rows — people (SSNs encrypted and blind-indexed as the model does), cases,
participants, addresses, jobs, locate attempts, orders, obligations, assistance spells — are
computed in this process from the office's random stream. Their ``months`` months of ledger
history are computed per case from a random stream of the case's own (seed and case id), in
batches of ``LEDGER_BATCH`` cases, by ``workers`` forked processes when there are several (else
here): month by month the same steps the nightly jobs take (the obligation refresh, the month roll
that moves unpaid current support to arrears assigned or not by the month's assistance spells —
42 USC 608(a)(3) —, the accrual's due dates from ``ledger_dates.due_dates``, payments distributed
by the rules of ``cases.allocation.distribute`` (``_distributed`` asks its one question without
building objects; a test compares them) under the status the month's spells give, disbursements
due in two business days — 45 CFR 302.32(b)). What a history needs besides its case (the months,
the pass-through in force each month, the due date of a disbursement received on each day) is
worked out once per office (``_Plan``); a worker touches no database and returns its rows as COPY
text (``core.db.copy_text``). This process alone writes, in its one transaction, and writes a
chunk's histories after building the next chunk, so the workers compute meanwhile. Collection ids
are reserved per batch (a case can have at most one payment a month and a March tax offset): the
office — ids included — is the same whatever the number of workers; unused ids are gaps.
Each table is written with PostgreSQL ``COPY`` (``core.db.rows_copy``, ``copy_write``), SQLite
multi-row inserts. No balance row is rewritten month after month: each ``CaseBalance`` is
written once with its final figures. Primary keys the other rows point at come from
``core.db.IdBlock``. A large load (``rebuild_indexes``) drops the secondary indexes and
constraints of the tables it fills and builds them once at the end (``core.db.indexes_rebuilt``),
then ``ANALYZE``. One transaction: an error (in a worker too) leaves the database as it was.
``verify_ledger`` finds no difference.

Speed (docs/operations.md): ~790 cases per CPU-second (this process, two workers and the
PostgreSQL backend) at 50,000 cases; a history costs ~0.25–0.5 ms of CPU, this process's share
~0.35 ms a case, PostgreSQL's ~0.45 ms.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.functions import Length
from django.utils import timezone

from core.db import (
    IdBlock,
    bulk_load,
    copy_layout,
    copy_text,
    copy_write,
    indexes_rebuilt,
    rows_copy,
    tables_analyze,
)
from core.legal import LegalParameterMissing
from core.models import DomainEvent
from core.money import ZERO

from . import allocation as rules
from .choices import (
    AssistanceStatus,
    Bucket,
    CaseStage,
    CaseStatus,
    ClosureReason,
    CollectionSource,
    CollectionStatus,
    EntryType,
    Frequency,
    InterstateRole,
    LedgerRunKind,
    LocateResult,
    LocateSource,
    ObligationKind,
    OrderKind,
    OrderStatus,
    ParticipantRole,
    PaternityMethod,
    PaternityStatus,
    ReceivedVia,
    Sex,
)
from .deadlines import next_deadline
from .ledger_dates import due_dates, month_start, next_month
from .models import (
    Address,
    Allocation,
    AssistanceSpell,
    Case,
    CaseBalance,
    CaseParticipant,
    Collection,
    Disbursement,
    Employer,
    Employment,
    LedgerEntry,
    LedgerRun,
    LocateAttempt,
    Obligation,
    Person,
    SupportOrder,
)
from .services.assistance import spell_status_in_month
from .services.ledger import (
    ALLOCATION_COLUMNS,
    COLLECTION_COLUMNS,
    DISBURSED_COLUMNS,
    collection_content_hash,
    disbursement_due_by,
)
from .services.ledger import ROLL_DESCRIPTION as ROLLED
from .services.ledger_accrual import CURRENT_KINDS
from .services.ledger_backfill import family_disbursement_row

COUNTIES = {
    "NY": ["Albany", "Schenectady", "Rensselaer", "Saratoga"],
    "CA": ["Sacramento", "Placer", "Yolo", "El Dorado"],
}
CITIES = {
    "NY": [("Albany", "122"), ("Schenectady", "123"), ("Troy", "121"), ("Saratoga Springs", "128")],
    "CA": [("Sacramento", "958"), ("Roseville", "956"), ("Davis", "956"), ("Placerville", "956")],
}
OTHER_STATES = ["NJ", "PA", "CT", "MA", "FL", "TX", "NV", "OR", "AZ", "WA"]
FIRST_F = [
    "Maria",
    "Ashley",
    "Jessica",
    "Tanya",
    "Keisha",
    "Laura",
    "Rosa",
    "Emily",
    "Sarah",
    "Nicole",
    "Amanda",
    "Grace",
    "Linh",
    "Fatima",
    "Carmen",
    "Denise",
    "Monica",
    "Heather",
    "Brianna",
    "Olivia",
]
FIRST_M = [
    "James",
    "Michael",
    "Robert",
    "Carlos",
    "Jose",
    "David",
    "Kevin",
    "Anthony",
    "Brandon",
    "Tyrone",
    "Luis",
    "Daniel",
    "Marcus",
    "Eric",
    "Jason",
    "Andre",
    "Minh",
    "Omar",
    "Victor",
    "Tyler",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
]
STREETS = [
    "Main St",
    "Oak Ave",
    "Maple St",
    "Washington Ave",
    "Lake Rd",
    "Hillside Dr",
    "Park Pl",
    "Elm St",
    "Central Ave",
    "River Rd",
    "2nd St",
    "Pine St",
]
EMPLOYER_WORDS = [
    "Valley",
    "Capital",
    "Summit",
    "Harbor",
    "Pioneer",
    "Riverside",
    "Empire",
    "Golden",
    "Northern",
    "Union",
]
EMPLOYER_KINDS = [
    "Logistics",
    "Health System",
    "Foods",
    "Construction",
    "Retail",
    "Manufacturing",
    "Staffing",
    "Hospitality",
    "Auto Group",
    "Services",
]
SSN_BASE = 900_000_000  # 9xx numbers are never issued as SSNs: synthetic and collision-free

# Rows go in as tuples (``core.db.rows_insert``): model instances and ``bulk_create``'s per-value
# preparation cost more than the inserts themselves at tens of thousands of rows.
EMPLOYER_FIELDS = ("name", "fein", "line1", "city", "state", "postal_code", "contact_email", "phone")
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "name_search",
    "date_of_birth",
    "ssn",
    "ssn_last4",
    "ssn_index",
    "sex",
    "phone",
    "preferred_language",
    "needs_interpreter",
    "language_note",
    "family_violence",
    "deceased_on",
    "born_in_wedlock",
    "paternity_status",
    "paternity_established_on",
    "paternity_method",
    "genetic_test_ordered_on",
    "genetic_test_result",
)
# Codes as Person.preferred_language holds them (issue 15.6); Vietnamese is not a language the
# default office writes in, so it asks for an interpreter.
LANGUAGE_MIX = [
    {"preferred_language": "en", "needs_interpreter": False, "language_note": ""},
    {"preferred_language": "es", "needs_interpreter": False, "language_note": ""},
    {"preferred_language": "vi", "needs_interpreter": True, "language_note": "Vietnamese"},
]
PERSON_DEFAULTS = {name: Person._meta.get_field(name).get_default() for name in PERSON_FIELDS}
CASE_FIELDS = (
    "case_number",
    "county",
    "jurisdiction",
    "assistance_status",
    "application_received_on",
    "opened_on",
    "stage_changed_on",
    "caseworker_id",
    "locate_needed_on",
    "ncp_located_on",
    "status",
    "stage",
    "closure_reason",
    "closed_on",
    "interstate_role",
    "other_state",
    "other_state_case_id",
    "interstate_needed_on",
    "interstate_referred_on",
    "next_deadline_on",
    "next_deadline_kind",
)
ORDER_FIELDS = (
    "id",
    "case_id",
    "order_number",
    "kind",
    "court_name",
    "issued_on",
    "effective_on",
    "version",
    "status",
    "supersedes_id",
)
OBLIGATION_FIELDS = ("id", "order_id", "kind", "amount", "frequency", "start_on", "end_on", "accrued_through")
SPELL_FIELDS = ("case_id", "status", "start_on", "end_on")
BALANCE_FIELDS = (
    "case_id",
    *CaseBalance.AMOUNT_FIELDS,
    "last_payment_on",
    "last_payment_amount",
    "delinquent_since",
    "months_in_arrears",
    "current_month",
    "last_collected_on",
)
COLLECTION_FIELDS = ("id", *COLLECTION_COLUMNS)
ENTRY_FIELDS = (
    "case_id",
    "entry_type",
    "obligation_id",
    "obligation_kind",
    "bucket",
    "amount",
    "due_on",
    "posted_on",
    "collection_id",
    "description",
)
EVENT_FIELDS = ("case_id", "verb", "actor_label", "summary", "data")
# The tables a history batch fills, in the order it returns them.
LEDGER_TABLES = (
    (CaseBalance, BALANCE_FIELDS),
    (Collection, COLLECTION_FIELDS),
    (LedgerEntry, ENTRY_FIELDS),
    (Allocation, ALLOCATION_COLUMNS),
    (Disbursement, DISBURSED_COLUMNS),
)
LEDGER_BATCH = 500  # cases a history task computes (fixed: the office does not depend on the workers)
ALLOCATED = {
    (bucket, payee): f"Allocated to {bucket or 'excess'} ({payee})"
    for bucket in (rules.CURRENT, rules.ARREARS_UNASSIGNED, rules.ARREARS_ASSIGNED, rules.EXCESS)
    for payee in (rules.FAMILY, rules.STATE)
}
# The tables a large load fills: their secondary indexes and constraints are built once at the end.
LOADED = (
    Person,
    Case,
    CaseParticipant,
    Address,
    Employment,
    LocateAttempt,
    SupportOrder,
    Obligation,
    AssistanceSpell,
    CaseBalance,
    Collection,
    LedgerEntry,
    Allocation,
    Disbursement,
    DomainEvent,
)
REBUILD_FROM = 10000  # cases: from this size (and at least the office's size) a load rebuilds indexes

# Payer profiles (weights): steady 45% (pays the month's support, sometimes a little extra),
# partial 25% (40–90% of it), sporadic 15% (a third of the months, one to two months' worth),
# non-paying 15%. In March a case with arrears ≥ $500 may receive a federal tax refund offset.
PROFILES = (("steady", 45), ("partial", 25), ("sporadic", 15), ("none", 15))
PROFILE_NAMES: tuple[str, ...] = tuple(name for name, _ in PROFILES)
PROFILE_WEIGHTS: tuple[int, ...] = tuple(weight for _, weight in PROFILES)
CENT = Decimal("0.01")
# Monthly equivalents exactly as balances_refresh_obligation computes them in PostgreSQL
# (numeric 52.0 / 12 and 26.0 / 12), rounded half away from zero like ROUND(numeric, 2).
MONTHLY_FACTOR = {
    Frequency.MONTHLY: Decimal(1),
    Frequency.WEEKLY: Decimal("4.3333333333333333"),
    Frequency.BIWEEKLY: Decimal("2.1666666666666667"),
    Frequency.SEMIMONTHLY: Decimal(2),
}


@dataclass
class GenerateResult:
    cases: int
    first_case_id: int | None
    last_case_id: int | None
    people: int
    orders: int
    ledger_counts: dict


def _money(rng: random.Random, low: int, high: int, step: int = 5) -> Decimal:
    return Decimal(rng.randrange(low, high, step)).quantize(Decimal("0.01"))


def _next_number(prefix: str) -> int:
    """One past the highest numeric case number of ``prefix`` (``NY-000123``): numbers of another
    shape (a bench's ``NY-B96405034``) are skipped, and a longer number is a higher one."""
    highest = (
        Case.objects.filter(case_number__regex=rf"^{prefix}-[0-9]+$")
        .order_by(Length("case_number").desc(), "-case_number")
        .values_list("case_number", flat=True)
        .first()
    )
    return int(highest.split("-", 1)[1]) + 1 if highest else 1


def _next_ssn() -> int:
    highest = Person.objects.filter(ssn_last4__gt="").count()
    return SSN_BASE + highest * 3 + 7


@dataclass
class _Obligation:
    id: int
    kind: str
    amount: Decimal
    frequency: str
    start_on: date
    end_on: date | None
    accrued: date | None  # accrued_through: the last due date charged
    active: bool  # its order is active (a superseded order accrues up to its obligations' end)


@dataclass
class _Case:
    id: int
    number: str
    jurisdiction: str
    children: int
    status_today: str
    spells: list  # (status, start_on, end_on)
    obligations: list


class _Office:
    """The generation's running state: the random stream, the id blocks, the counters."""

    def __init__(self, *, seed: int, months: int, ledger: bool, today: date):
        self.rng = random.Random(seed)
        # Caseworkers are drawn from a stream of their own: how many the office already has must
        # not change the rest of the office a seed makes.
        self.worker_rng = random.Random(f"{seed}:caseworkers")
        self.seed, self.months, self.ledger, self.today = seed, months, ledger, today
        self.jurisdiction = settings.CASEWORKS_JURISDICTION
        self.counties = COUNTIES.get(self.jurisdiction, COUNTIES["NY"])
        self.cities = CITIES.get(self.jurisdiction, CITIES["NY"])
        window = month_start(today)
        for _ in range(months - 1):
            window = month_start(window - timedelta(days=1))
        self.window_start = window
        self.month_list = []
        month = window
        while month <= today:
            self.month_list.append(month)
            month = next_month(month)
        self.ids = {model: IdBlock(model) for model in (Person, Case, SupportOrder, Obligation, Collection)}
        self.number = _next_number(self.jurisdiction)
        self.ssn_next = _next_ssn()
        self.workers: dict[str, list] = {}
        for user_id, county in (
            get_user_model().objects.filter(groups__name="caseworker", is_active=True).values_list("id", "county")
        ):
            self.workers.setdefault(county or "", []).append(user_id)
        self.employer_ids: list[int] = []
        self.counts = {"cases": 0, "people": 0, "orders": 0, "charges": 0, "collections": 0, "entries": 0, "spells": 0}
        self.first_case_id: int | None = None
        self.last_case_id: int | None = None
        self.layouts: dict = {}
        self.plan = self._plan() if ledger else None
        self.pending: tuple | None = None  # a chunk whose histories are still to write (flush)
        # worker processes computing the histories (office_generate's workers)
        self.pool: multiprocessing.pool.Pool | None = None

    def worker_for(self, county: str):
        pool = self.workers.get(county) or self.workers.get("") or []
        return self.worker_rng.choice(pool) if pool else None

    def employers(self, cases: int) -> None:
        rng, cities, jurisdiction = self.rng, self.cities, self.jurisdiction
        rows = [
            (
                f"{rng.choice(EMPLOYER_WORDS)} {rng.choice(EMPLOYER_KINDS)} {i + 1}",
                f"{rng.randint(10, 99)}{rng.randint(1000000, 9999999)}",
                f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                cities[i % len(cities)][0],
                jurisdiction,
                f"{cities[i % len(cities)][1]}{rng.randint(10, 99)}",
                f"payroll{self.seed}-{i}@employer.example",
                f"555-01{rng.randint(10, 99)}",
            )
            for i in range(max(5, cases // 25))
        ]
        block = IdBlock(Employer, size=len(rows))
        self.employer_ids = [block() for _ in rows]
        rows_copy(
            Employer, ("id", *EMPLOYER_FIELDS), [(pk, *row) for pk, row in zip(self.employer_ids, rows, strict=True)]
        )

    # --- one chunk of cases -------------------------------------------------------------------

    def chunk(self, n: int) -> None:
        rng, today, jurisdiction = self.rng, self.today, self.jurisdiction
        person_id, case_id_of = self.ids[Person], self.ids[Case]
        people: list[tuple] = []
        cases: list[tuple] = []
        participants, addresses, employments, locates, spells, events = [], [], [], [], [], []
        plans: list[tuple[int, dict, int, bool]] = []  # (case id, fields, NCP id, has order)
        children_of: dict[int, int] = {}

        def person(sex: str, age_low: int, age_high: int, **extra) -> int:
            ssn = f"{self.ssn_next:09d}"
            self.ssn_next += 3
            first = rng.choice(FIRST_F if sex == Sex.FEMALE else FIRST_M)
            dob = today - timedelta(days=rng.randint(age_low * 365, age_high * 365))
            last = rng.choice(LAST)
            row = {
                **PERSON_DEFAULTS,
                "first_name": first,
                "last_name": last,
                "date_of_birth": dob,
                "name_search": Person.search_key(first, last),
                "ssn": ssn,
                "sex": sex,
                "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                **LANGUAGE_MIX[rng.choices(range(len(LANGUAGE_MIX)), [85, 12, 3])[0]],
                **Person.ssn_columns(ssn),
                **extra,
            }
            pk = person_id()
            people.append((pk, *(row[f] for f in PERSON_FIELDS)))
            return pk

        for _ in range(n):
            county = rng.choice(self.counties)
            cp_sex = Sex.FEMALE if rng.random() < 0.85 else Sex.MALE
            ncp_sex = Sex.MALE if cp_sex == Sex.FEMALE else Sex.FEMALE
            cp = person(cp_sex, 20, 50, family_violence=rng.random() < 0.03)
            ncp = person(ncp_sex, 20, 55, deceased_on=today - timedelta(days=400) if rng.random() < 0.003 else None)
            ncp_last = people[-1][1 + PERSON_FIELDS.index("last_name")]
            roles = [(ParticipantRole.CP, cp), (ParticipantRole.NCP, ncp)]
            for _child in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
                age_days = rng.randint(90, 17 * 365)
                dob = today - timedelta(days=age_days)
                wedlock = rng.random() < 0.4
                extra = {"born_in_wedlock": wedlock}
                if wedlock:
                    extra.update(
                        paternity_status=PaternityStatus.ESTABLISHED,
                        paternity_established_on=dob,
                        paternity_method=PaternityMethod.MARITAL_PRESUMPTION,
                    )
                elif rng.random() < 0.75:
                    method = rng.choices(
                        [
                            PaternityMethod.VOLUNTARY_ACKNOWLEDGMENT,
                            PaternityMethod.GENETIC_TEST,
                            PaternityMethod.COURT_ORDER,
                        ],
                        [60, 25, 15],
                    )[0]
                    established = min(today, dob + timedelta(days=rng.randint(0, 900)))
                    extra.update(
                        paternity_status=PaternityStatus.ESTABLISHED,
                        paternity_established_on=established,
                        paternity_method=method,
                    )
                    if method == PaternityMethod.GENETIC_TEST:
                        extra.update(
                            genetic_test_ordered_on=established - timedelta(days=45), genetic_test_result="positive"
                        )
                else:
                    extra.update(paternity_status=PaternityStatus.PENDING)
                    if rng.random() < 0.4:
                        extra.update(genetic_test_ordered_on=today - timedelta(days=rng.randint(5, 120)))
                first = rng.choice(FIRST_F + FIRST_M)
                row = {
                    **PERSON_DEFAULTS,
                    "first_name": first,
                    "last_name": ncp_last,
                    "date_of_birth": dob,
                    "name_search": Person.search_key(first, ncp_last),
                    "sex": Sex.FEMALE if first in FIRST_F else Sex.MALE,
                    **extra,
                }
                pk = person_id()
                people.append((pk, *(row[f] for f in PERSON_FIELDS)))
                roles.append((ParticipantRole.CHILD, pk))
            applied = today - timedelta(days=rng.randint(10, 6 * 365))
            opened = min(
                today, applied + timedelta(days=rng.choices([rng.randint(1, 20), rng.randint(21, 40)], [93, 7])[0])
            )
            closed = rng.random() < 0.08
            has_order = not closed and rng.random() < 0.75
            located = has_order or rng.random() < 0.55
            status_today = rng.choices(AssistanceStatus.values, [15, 35, 50])[0]
            fields = {
                "case_number": f"{jurisdiction}-{self.number:06d}",
                "county": county,
                "jurisdiction": jurisdiction,
                "assistance_status": status_today,
                "application_received_on": applied,
                "opened_on": opened,
                "stage_changed_on": opened,
                "caseworker_id": self.worker_for(county),
                "locate_needed_on": None if located and has_order else opened,
                "ncp_located_on": opened + timedelta(days=rng.randint(5, 120)) if located else None,
            }
            self.number += 1
            if fields["ncp_located_on"] and fields["ncp_located_on"] > today:
                fields["ncp_located_on"] = today
            if closed:
                reason = rng.choice(
                    [
                        ClosureReason.RECIPIENT_REQUEST,
                        ClosureReason.LOCATION_UNKNOWN,
                        ClosureReason.NO_ORDER_LOW_ARREARS,
                        ClosureReason.RECIPIENT_UNREACHABLE,
                    ]
                )
                fields.update(
                    status=CaseStatus.CLOSED,
                    stage=CaseStage.CLOSED,
                    closure_reason=reason,
                    closed_on=min(today, opened + timedelta(days=rng.randint(60, 900))),
                )
            elif has_order:
                fields["stage"] = CaseStage.ENFORCEMENT
            elif located:
                fields["stage"] = CaseStage.ESTABLISHMENT
                fields["ncp_located_on"] = today - timedelta(days=rng.randint(1, 150))
            else:
                fields["stage"] = CaseStage.LOCATE
                fields["locate_needed_on"] = today - timedelta(days=rng.randint(1, 400))
            if rng.random() < 0.06:
                role = rng.choice([InterstateRole.INITIATING, InterstateRole.RESPONDING])
                fields.update(
                    interstate_role=role,
                    other_state=rng.choice(OTHER_STATES),
                    other_state_case_id=f"X{rng.randint(100000, 999999)}",
                )
                if role == InterstateRole.INITIATING:
                    fields["interstate_needed_on"] = opened
                    if rng.random() < 0.8:
                        fields["interstate_referred_on"] = min(today, opened + timedelta(days=rng.randint(3, 25)))
            case = Case(**fields)  # for the deadline rules; written as a row below
            upcoming = next_deadline(case)
            if upcoming:
                case.next_deadline_on, case.next_deadline_kind = upcoming.due_on, upcoming.kind
            pk = case_id_of()
            cases.append((pk, *(getattr(case, f) for f in CASE_FIELDS)))
            spells += [(pk, *spell) for spell in self._spells(status_today, opened)]
            children_of[pk] = len(roles) - 2
            for role, person_pk in roles:
                participants.append((pk, person_pk, role))
                if role != ParticipantRole.CHILD:
                    city, zip3 = rng.choice(self.cities)
                    addresses.append(
                        (
                            person_pk,
                            f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
                            city,
                            jurisdiction,
                            f"{zip3}{rng.randint(10, 99)}",
                            applied,
                            "application",
                        )
                    )
            if rng.random() < 0.6:
                employments.append(
                    (
                        ncp,
                        rng.choice(self.employer_ids),
                        today - timedelta(days=rng.randint(30, 3000)),
                        _money(rng, 1800, 9000, 50),
                    )
                )
            if fields["stage"] == CaseStage.LOCATE:
                for k in range(rng.randint(0, 3)):
                    locates.append(
                        (
                            pk,
                            ncp,
                            rng.choice(LocateSource.values),
                            min(today, fields["locate_needed_on"] + timedelta(days=10 + 90 * k)),
                            LocateResult.NOT_FOUND,
                        )
                    )
            events.append(
                (
                    pk,
                    "case.opened",
                    f"generate_office seed {self.seed}",
                    f"Case {fields['case_number']} opened (generated)",
                    {"generated": True},
                )
            )
            plans.append((pk, fields, ncp, has_order))

        orders, obligations, by_case = self._orders(plans)
        results = None
        if self.ledger:  # submitted first: the workers compute while this process writes the rest
            spells_of: dict[int, list] = {}
            for case_pk, *spell in spells:
                spells_of.setdefault(case_pk, []).append(tuple(spell))
            ledger_cases = [
                _Case(
                    pk,
                    fields["case_number"],
                    jurisdiction,
                    children_of[pk],
                    fields["assistance_status"],
                    spells_of.get(pk, []),
                    by_case.get(pk, []),
                )
                for pk, fields, _ncp, _has_order in plans
            ]
            results = self._ledger(
                ledger_cases,
                open_ids={
                    pk for pk, fields, _n, _h in plans if fields.get("status", CaseStatus.OPEN) == CaseStatus.OPEN
                },
            )
        rows_copy(Person, ("id", *PERSON_FIELDS), people)
        rows_copy(Case, ("id", *CASE_FIELDS), cases)
        rows_copy(CaseParticipant, ("case_id", "person_id", "role"), participants)
        rows_copy(Address, ("person_id", "line1", "city", "state", "postal_code", "valid_from", "source"), addresses)
        rows_copy(Employment, ("person_id", "employer_id", "started_on", "gross_monthly_income"), employments)
        rows_copy(LocateAttempt, ("case_id", "person_id", "source", "attempted_on", "result"), locates)
        rows_copy(AssistanceSpell, SPELL_FIELDS, spells)
        rows_copy(DomainEvent, EVENT_FIELDS, events)
        self.flush()  # the previous chunk's histories: computed meanwhile by the workers
        self.pending = (results, orders, obligations)
        self.counts["cases"] += len(cases)
        self.counts["people"] += len(people)
        self.counts["orders"] += len(orders)
        self.counts["spells"] += len(spells)
        if cases:
            self.first_case_id = self.first_case_id or cases[0][0]
            self.last_case_id = cases[-1][0]

    def flush(self) -> None:
        """Write the last chunk's ledger histories as they come, then its orders and obligations
        (whose accrued_through the histories give)."""
        if self.pending is None:
            return
        results, orders, obligations = self.pending
        self.pending = None
        if results is not None:
            self._ledger_write(results, obligations)
        rows_copy(SupportOrder, ORDER_FIELDS, orders)
        rows_copy(Obligation, OBLIGATION_FIELDS, obligations)

    def _spells(self, status_today: str, opened: date) -> list[tuple]:
        """The family's assistance spells since the case opened, ending in ``status_today`` (as
        ``case_assistance_change`` writes them: each closes the day before the next begins).
        A former-assistance family received assistance once: half of them while the case was
        open (a current spell, then the former one); some families on assistance today went on
        it after the case opened."""
        rng, today = self.rng, self.today
        span = (today - opened).days
        changes = span > 60 and (
            (status_today == AssistanceStatus.FORMER and rng.random() < 0.5)
            or (status_today == AssistanceStatus.CURRENT and rng.random() < 0.2)
        )
        if not changes:
            return [(status_today, opened, None)]
        change = opened + timedelta(days=rng.randint(30, span - 1))
        before = (
            AssistanceStatus.CURRENT
            if status_today == AssistanceStatus.FORMER
            else rng.choice([AssistanceStatus.NEVER, AssistanceStatus.FORMER])
        )
        return [(before, opened, change - timedelta(days=1)), (status_today, change, None)]

    def _orders(self, plans) -> tuple[list[tuple], list[tuple], dict[int, list]]:
        rng, today, seed = self.rng, self.today, self.seed
        order_id, obligation_id = self.ids[SupportOrder], self.ids[Obligation]
        before = self.window_start - timedelta(days=1)
        orders: list[tuple] = []
        obligations: list[tuple] = []
        by_case: dict[int, list[_Obligation]] = {}

        def add(
            case_pk: int, order_pk: int, active: bool, monthly: Decimal, frequency: str, start: date, end: date | None
        ) -> None:
            per_due = (
                monthly
                / {"monthly": 1, "biweekly": Decimal(26) / 12, "weekly": Decimal(52) / 12, "semimonthly": 2}[frequency]
            ).quantize(Decimal("0.01"))
            accrued = before if start <= before and self.ledger else None
            if end is not None and accrued is not None and end < accrued:
                accrued = end
            specs = [(ObligationKind.CURRENT_SUPPORT, per_due, frequency)]
            if rng.random() < 0.25:
                specs.append((ObligationKind.MEDICAL_SUPPORT, _money(rng, 25, 150), Frequency.MONTHLY))
            if rng.random() < 0.08:
                specs.append((ObligationKind.ARREARS_REPAYMENT, _money(rng, 25, 100), Frequency.MONTHLY))
            for kind, amount, freq in specs:
                pk = obligation_id()
                ob = _Obligation(pk, kind, amount, freq, start, end, accrued, active)
                ob.index = len(obligations)  # type: ignore[attr-defined]
                obligations.append((pk, order_pk, kind, amount, freq, start, end, accrued))
                by_case.setdefault(case_pk, []).append(ob)

        for case_pk, fields, _ncp, has_order in plans:
            if not has_order:
                continue
            issued = min(today, (fields["ncp_located_on"] or fields["opened_on"]) + timedelta(days=rng.randint(20, 85)))
            modified = rng.random() < 0.12 and (today - issued).days > 400
            kind = OrderKind.ADMINISTRATIVE if rng.random() < 0.2 else OrderKind.COURT
            court = "" if kind == OrderKind.ADMINISTRATIVE else f"{fields['county']} County Family Court"
            number = f"G{seed}-{fields['case_number']}"
            monthly = _money(rng, 150, 1300)
            frequency = rng.choices(
                [Frequency.MONTHLY, Frequency.BIWEEKLY, Frequency.WEEKLY, Frequency.SEMIMONTHLY], [60, 20, 15, 5]
            )[0]
            if modified:
                change = issued + timedelta(days=rng.randint(365, (today - issued).days))
                change = month_start(change) if month_start(change) > issued else change
                first, second = order_id(), order_id()
                orders += [
                    (first, case_pk, number, kind, court, issued, issued, 1, OrderStatus.SUPERSEDED, None),
                    (second, case_pk, number, kind, court, change, change, 2, OrderStatus.ACTIVE, first),
                ]
                add(case_pk, first, False, monthly, frequency, issued, change - timedelta(days=1))
                add(case_pk, second, True, _money(rng, 150, 1300), frequency, change, None)
            else:
                pk = order_id()
                orders.append((pk, case_pk, number, kind, court, issued, issued, 1, OrderStatus.ACTIVE, None))
                add(case_pk, pk, True, monthly, frequency, issued, None)
        return orders, obligations, by_case

    # --- the ledger: months of history per case, computed in batches (worker processes) -------

    def _plan(self) -> _Plan:
        """What the history of a case needs besides the case, worked out once per office: the
        months, the pass-through in force each month, the disbursement due date of each day of
        the window (legal parameters and the holiday calendar read here, not per case), the COPY
        tails of the ledger tables."""
        today, jurisdiction = self.today, self.jurisdiction
        months = tuple(_Month(m, min(next_month(m) - timedelta(days=1), today)) for m in self.month_list)
        table = rules.pass_through_table((jurisdiction,))
        pass_through: dict[tuple[bool, date], Decimal | Exception] = {}
        for month in self.month_list:
            for two in (False, True):
                try:
                    pass_through[(two, month)] = rules.pass_through_limit(
                        jurisdiction=jurisdiction, children=2 if two else 1, on=month, table=table
                    )
                except LegalParameterMissing as error:  # raised where a payment needs it
                    pass_through[(two, month)] = error
        due_by: dict[date, date | Exception] = {}
        offset_due_by: dict[date, date | Exception] = {}
        former_assigned = rules.former_assigned_table((jurisdiction,))
        former_to_family: dict[date, bool] = {}
        day = self.window_start
        while day <= today:
            former_to_family[day] = rules.former_assigned_passed_through(
                jurisdiction=jurisdiction, on=day, table=former_assigned
            )
            for dues, source in ((due_by, ""), (offset_due_by, rules.FEDERAL_TAX_OFFSET)):
                try:
                    dues[day] = disbursement_due_by(day, jurisdiction, source=source)
                except LegalParameterMissing as error:  # raised where a payment needs it
                    dues[day] = error
            day += timedelta(days=1)
        tails = None
        if connection.vendor == "postgresql":
            self.layouts = {model: copy_layout(model, fields) for model, fields in LEDGER_TABLES}
            tails = tuple(layout.tail for layout in self.layouts.values())
        return _Plan(self.seed, today, months, pass_through, due_by, tails, offset_due_by, former_to_family)

    def _ledger(self, cases: list[_Case], *, open_ids: set[int]):
        """Submit the chunk's histories (``LEDGER_BATCH`` cases a task; collection ids reserved for
        each task in order, so the office is the same whatever the number of workers); returns
        an iterator of the tasks' results, in order (``_ledger_write``)."""
        plan = self.plan
        assert plan is not None
        bound = len(plan.months) + sum(1 for m in plan.months if m.start.month == 3)  # collections a case can have
        parts = [
            [(case, case.id in open_ids and bool(case.obligations)) for case in cases[i : i + LEDGER_BATCH]]
            for i in range(0, len(cases), LEDGER_BATCH)
        ]
        sizes = [bound * sum(1 for _case, has in part if has) for part in parts]
        first = self.ids[Collection].run(sum(sizes)) if sum(sizes) else 0
        tasks = []
        for part, size in zip(parts, sizes, strict=True):
            tasks.append((part, first))
            first += size
        if self.pool is not None:
            return self.pool.imap(_history_batch, tasks)
        return map(_history_batch, tasks)

    def _ledger_write(self, results, obligations: list[tuple]) -> None:
        assert self.plan is not None
        for tables, accrued, charges in results:
            if self.plan.tails is not None:
                for layout, text in zip(self.layouts.values(), tables, strict=True):
                    copy_write(layout, text)
            else:
                for (model, fields), rows in zip(LEDGER_TABLES, tables, strict=True):
                    rows_copy(model, fields, rows)
            for index, last in accrued:
                obligations[index] = (*obligations[index][:7], last)
            self.counts["charges"] += charges
            self.counts["collections"] += tables_counts(tables, 1)
            self.counts["entries"] += tables_counts(tables, 2)


def tables_counts(tables: tuple, index: int) -> int:
    """Rows of the ``index``-th ledger table of a batch (text: one line a row)."""
    item = tables[index]
    return item.count("\n") if isinstance(item, str) else len(item)


@dataclass(frozen=True)
class _Month:
    start: date
    last_day: date  # the month's last day, or today


@dataclass(frozen=True)
class _Plan:
    """What a history needs besides its case (``_Office._plan``); no database access."""

    seed: int
    today: date
    months: tuple[_Month, ...]
    pass_through: dict  # (two or more children, month) -> limit (or the error its lookup raised)
    due_by: dict  # received on -> family disbursement due by (or the error)
    tails: tuple[str, ...] | None  # COPY tails of LEDGER_TABLES (PostgreSQL: batches return text)
    offset_due_by: dict  # received on -> a Federal tax refund offset's family disbursement due by
    former_to_family: dict  # received on -> assigned support of a former recipient passed through (17504.2)


_PLAN: _Plan | None = None


def _plan_set(plan: _Plan) -> None:
    """The plan of this process's batches (the parent's, and each worker's at start)."""
    global _PLAN
    _PLAN = plan


def _looked_up(value):
    if isinstance(value, Exception):
        raise value
    return value


def _history_batch(task: tuple) -> tuple:
    """Histories of a batch of cases: ``(tables, accrued, charges)`` — ``tables`` the rows of
    ``LEDGER_TABLES`` (COPY text on PostgreSQL), ``accrued`` (obligation index, last due date
    charged) pairs. Runs in a worker process or in the parent; no database access."""
    part, collection_id = task
    plan = _PLAN
    assert plan is not None
    balances: list[tuple] = []
    out: tuple[list, list, list, list] = ([], [], [], [])
    accrued: list[tuple[int, date]] = []
    charges = 0
    today = plan.today
    for case, has_ledger in part:
        if has_ledger:
            row, collection_id, n = _case_history(plan, case, out, collection_id, accrued)
            balances.append(row)
            charges += n
        else:  # no order (or closed): a balance row of zeros, as balances_ensure makes it
            balances.append(
                (case.id, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, None, None, None, ZERO, month_start(today), None)
            )
    tables: tuple = (balances, *out)
    if plan.tails is not None:
        tables = tuple(copy_text(rows, tail) for rows, tail in zip(tables, plan.tails, strict=True))
    return tables, accrued, charges


def _case_history(plan: _Plan, case: _Case, out: tuple, collection_id: int, accrued: list) -> tuple:
    """The case's months: what ``charges_accrue`` (obligation refresh, month roll, charges) and
    the posting of each payment would have done, in that order. Returns its balance row, the
    next collection id and the number of charges."""
    collections, entries, allocations, disbursements = out
    add_entry, add_allocation = entries.append, allocations.append
    today, seed, months = plan.today, plan.seed, plan.months
    case_id, number, spells = case.id, case.number, case.spells
    # Seeded by the case number, not its id: PostgreSQL's sequences are wherever earlier work
    # (or a rolled-back load) left them, and the same seed must make the same office.
    rng = random.Random(f"{seed}:{number}")
    profile = rng.choices(PROFILE_NAMES, PROFILE_WEIGHTS)[0]
    due = paid = unassigned = assigned = ZERO
    since: date | None = None
    last_on: date | None = None
    last_amount: Decimal | None = None
    monthly = ZERO
    current_month: date | None = None
    charges = 0
    first = months[0].start
    base = first.year * 12 + first.month
    # Monthly equivalents of the active current obligations (balances_refresh_obligation).
    currents = [
        (ob.start_on, ob.end_on, (ob.amount * MONTHLY_FACTOR[ob.frequency]).quantize(CENT, ROUND_HALF_UP))
        for ob in case.obligations
        if ob.active and ob.kind in CURRENT_KINDS
    ]
    # Each obligation's due dates in the window, by month: the dates after accrued_through up to
    # a day are those of one call up to today (due_dates is a function of the interval).
    schedule = []
    for ob in case.obligations:
        if not (ob.active or ob.end_on):
            continue
        dates = due_dates(
            frequency=ob.frequency, start_on=ob.start_on, end_on=ob.end_on, after=ob.accrued, through=today
        )
        if not dates:
            continue
        ob.accrued = dates[-1]
        accrued.append((ob.index, ob.accrued))
        by_month: dict[int, list[date]] = {}
        for day in dates:
            by_month.setdefault(day.year * 12 + day.month - base, []).append(day)
        schedule.append((ob, Bucket.CURRENT if ob.kind in CURRENT_KINDS else "", by_month))
    # One spell (the present status since the case opened) governs every month alike.
    steady = case.status_today if len(spells) <= 1 and all(s[0] == case.status_today for s in spells) else None
    two_children = case.children >= 2
    pass_through, due_by, offset_due_by = plan.pass_through, plan.due_by, plan.offset_due_by
    former_to_family = plan.former_to_family
    for i, m in enumerate(months):
        month, last_day = m.start, m.last_day
        monthly = sum(
            (eq for start, end, eq in currents if start <= last_day and (end is None or end >= last_day)), ZERO
        )
        if current_month is not None:
            # The roll (balances_roll): unpaid current support becomes arrears, assigned when a
            # current assistance spell overlaps the month closed out (42 USC 608(a)(3)).
            unpaid = due - paid
            if unpaid > 0:
                on_assistance = (
                    any(
                        status == AssistanceStatus.CURRENT and start < month and (end is None or end >= current_month)
                        for status, start, end in spells
                    )
                    if spells
                    else (case.status_today == AssistanceStatus.CURRENT)
                )
                arrears_bucket = Bucket.ARREARS_ASSIGNED if on_assistance else Bucket.ARREARS_UNASSIGNED
                add_entry((case_id, EntryType.ADJUSTMENT, None, "", Bucket.CURRENT, -unpaid, None, month, None, ROLLED))
                add_entry((case_id, EntryType.ADJUSTMENT, None, "", arrears_bucket, unpaid, None, month, None, ROLLED))
                if on_assistance:
                    assigned += unpaid
                else:
                    unassigned += unpaid
            due = paid = ZERO
        current_month = month
        for ob, charge_bucket, by_month in schedule:
            month_dates = by_month.get(i)
            if not month_dates:
                continue
            kind, amount = ob.kind, ob.amount
            for due_on in month_dates:
                add_entry((case_id, EntryType.CHARGE, ob.id, kind, charge_bucket, amount, due_on, due_on, None, ""))
            charges += len(month_dates)
            if charge_bucket:
                due += amount * len(month_dates)
        # delinquent_since as the daily refresh sets it at the roll (45 CFR 303.6(b)).
        if monthly > 0 and unassigned + assigned >= monthly:
            since = since or month
        else:
            since = None
        status = steady or spell_status_in_month(spells, month, case.status_today)
        passed = ZERO
        for n, (received_on, amount, source) in enumerate(
            _payments(rng, profile, monthly, unassigned + assigned, month, last_day)
        ):
            pass_left = ZERO
            if status == rules.CURRENT_ASSISTANCE:
                pass_left = max(_looked_up(pass_through[(two_children, month)]) - passed, ZERO)
            lines, held_reason, policy = _distributed(
                status,
                source,
                amount,
                max(due - paid, ZERO),
                max(unassigned, ZERO),
                max(assigned, ZERO),
                pass_left,
                former_to_family[received_on],
            )
            family = ZERO
            reference = f"GEN-{seed}-{case_id}-{month:%Y%m}-{n}"
            collections.append(
                (
                    collection_id,
                    reference,
                    case_id,
                    number,
                    amount,
                    received_on,
                    received_on,
                    source,
                    CollectionStatus.POSTED,
                    held_reason,
                    policy,
                    ReceivedVia.GENERATOR,
                    collection_content_hash(case_number=number, amount=amount, received_on=received_on, source=source),
                    Collection.reference_key_of(reference),
                )
            )
            add_entry(
                (
                    case_id,
                    EntryType.COLLECTION,
                    None,
                    "",
                    "",
                    amount,
                    None,
                    received_on,
                    collection_id,
                    f"Collection received {received_on}",
                )
            )
            for bucket, payee, share in lines:
                if bucket == rules.CURRENT:
                    paid += share
                    if payee == rules.FAMILY:
                        passed += share
                elif bucket == rules.ARREARS_UNASSIGNED:
                    unassigned -= share
                elif bucket == rules.ARREARS_ASSIGNED:
                    assigned -= share
                if payee == rules.FAMILY:
                    family += share
                add_allocation((collection_id, case_id, bucket, payee, share, received_on, ""))
                add_entry(
                    (
                        case_id,
                        EntryType.ALLOCATION,
                        None,
                        "",
                        bucket,
                        -share,
                        None,
                        received_on,
                        collection_id,
                        ALLOCATED[bucket, payee],
                    )
                )
            if family > 0:
                disbursements.append(
                    family_disbursement_row(
                        rng,
                        case_id=case_id,
                        collection_id=collection_id,
                        amount=family,
                        received_on=received_on,
                        due_by=_looked_up(
                            (offset_due_by if source == rules.FEDERAL_TAX_OFFSET else due_by)[received_on]
                        ),
                        today=today,
                    )
                )
            last_on, last_amount = received_on, amount
            collection_id += 1
    total = unassigned + assigned
    if monthly > 0 and total >= monthly:  # balances_refresh_derived
        since = since or today
        months_behind = min(total / monthly, Decimal("999999.99")).quantize(CENT, ROUND_DOWN)  # months_in_arrears
    else:
        since, months_behind = None, ZERO
    row = (
        case_id,
        monthly,
        due,
        paid,
        unassigned,
        assigned,
        total,
        last_on,
        last_amount,
        since,
        months_behind,
        current_month,
        last_on,
    )
    return row, collection_id, charges


def _distributed(
    status: str,
    source: str,
    amount: Decimal,
    current: Decimal,
    unassigned: Decimal,
    assigned: Decimal,
    pass_left: Decimal,
    former_to_family: bool = False,
) -> tuple[list[tuple[str, str, Decimal]], str, str]:
    """``rules.distribute`` of a collection against one current-support slice and the two arrears
    slices (unassigned, then assigned), no URA cap, the family overpayment policy, and whether
    assigned support of a former recipient is passed through (``former_assigned_to_family``) — the only
    question the generator asks — as ``(lines (bucket, payee, amount), held reason, overpayment
    policy)``; the same answer (tests/cases/test_demo_and_generate.py compares them on many
    random questions) without building slices, lines and a distribution for each payment."""
    lines: list[tuple[str, str, Decimal]] = []
    left = amount
    offset = source == rules.FEDERAL_TAX_OFFSET  # past-due support only, assigned first; the excess is held
    # Fam. Code 17504.2: assigned support collected for a former recipient passed through to the family.
    to = rules.FAMILY if former_to_family and status == rules.FORMER else rules.STATE
    if offset or status == rules.CURRENT_ASSISTANCE:
        order = ((rules.ARREARS_ASSIGNED, to, assigned), (rules.ARREARS_UNASSIGNED, rules.FAMILY, unassigned))
    else:  # never and former assistance: unassigned arrears (the family's) first
        order = ((rules.ARREARS_UNASSIGNED, rules.FAMILY, unassigned), (rules.ARREARS_ASSIGNED, to, assigned))
    take = ZERO if offset else min(current, left)  # a tax offset never pays current support
    if take > 0 and status == rules.CURRENT_ASSISTANCE:
        to_family = min(take, max(pass_left, ZERO))
        if to_family > 0:
            lines.append((rules.CURRENT, rules.FAMILY, ZERO + to_family))
        if take - to_family > 0:
            lines.append((rules.CURRENT, rules.STATE, ZERO + (take - to_family)))
    elif take > 0:  # never and former assistance: current support to the family
        lines.append((rules.CURRENT, rules.FAMILY, ZERO + take))
    left -= take
    for bucket, payee, owed in order:
        if left <= 0:
            break
        take = min(owed, left)
        if take > 0:
            lines.append((bucket, payee, ZERO + take))
            left -= take
    if offset:
        return lines, rules.TAX_OFFSET_EXCESS_REASON if left > 0 else "", ""
    if left <= 0:
        return lines, "", ""
    lines.append((rules.EXCESS, rules.FAMILY, ZERO + left))
    return lines, "", rules.OVERPAYMENT_FAMILY


def _payments(
    rng: random.Random, profile: str, monthly: Decimal, arrears: Decimal, month: date, last_day: date
) -> list[tuple[date, Decimal, str]]:
    out: list[tuple[date, Decimal, str]] = []
    days = (last_day - month).days
    if monthly > 0:
        amount = ZERO
        if profile == "steady" and rng.random() < 0.93:
            amount = monthly * Decimal(rng.choice(["1", "1", "1", "1", "1.1", "1.25"]))
        elif profile == "partial" and rng.random() < 0.85:
            amount = monthly * Decimal(rng.randint(40, 90)) / 100
        elif profile == "sporadic" and rng.random() < 0.33:
            amount = monthly * Decimal(rng.choice(["1", "1.5", "2"]))
        amount = amount.quantize(CENT, ROUND_HALF_UP)
        if amount > 0:
            source = CollectionSource.INCOME_WITHHOLDING if rng.random() < 0.7 else CollectionSource.DIRECT_PAYMENT
            out.append((month + timedelta(days=rng.randint(0, days)), amount, source))
    if month.month == 3 and arrears >= 500 and rng.random() < 0.4:
        amount = min(arrears, Decimal(rng.randint(200, 2500))).quantize(CENT, ROUND_HALF_UP)
        out.append((month + timedelta(days=rng.randint(0, days)), amount, CollectionSource.FEDERAL_TAX_OFFSET))
    return sorted(out)


def office_generate(
    *,
    cases: int,
    seed: int,
    months: int = 24,
    ledger: bool = True,
    stdout=None,
    chunk: int = 10000,
    rebuild_indexes: bool | None = None,
    workers: int = 1,
) -> GenerateResult:
    """Add ``cases`` synthetic cases (people, employers, orders, assistance spells, locate history
    and, with ``ledger``, ``months`` months of charges, payments and their balances), ``chunk``
    cases at a time, in one transaction. ``rebuild_indexes`` (default: from ``REBUILD_FROM``
    cases when the office is not already larger) drops the loaded tables' secondary indexes
    and constraints for the load and builds them once at the end (PostgreSQL). ``workers`` > 1:
    the ledger histories are computed by that many forked processes, which return rows (COPY
    text on PostgreSQL) to this one, the only one to write; the office is the same."""
    today = timezone.localdate()
    months = max(months, 1)
    with transaction.atomic(), bulk_load():
        if rebuild_indexes is None:
            rebuild_indexes = (
                connection.vendor == "postgresql" and cases >= REBUILD_FROM and cases >= Case.objects.count()
            )
        with indexes_rebuilt(*LOADED, enabled=rebuild_indexes):
            office = _Office(seed=seed, months=months, ledger=ledger, today=today)
            office.employers(cases)
            if office.plan is not None:
                _plan_set(office.plan)
                if workers > 1:
                    # fork: the workers inherit the plan and never touch the parent's connection
                    office.pool = multiprocessing.get_context("fork").Pool(
                        workers, initializer=_plan_set, initargs=(office.plan,)
                    )
            try:
                done = 0
                started = time.perf_counter()
                while done < cases:
                    size = min(chunk, cases - done)
                    office.chunk(size)
                    done += size
                    if done == cases:
                        office.flush()
                    if stdout is not None:
                        stdout.write(
                            f"{done}/{cases} cases, {office.counts['entries']} ledger entries "
                            f"({time.perf_counter() - started:.0f} s)\n"
                        )
            finally:
                if office.pool is not None:
                    office.pool.terminate()
                    office.pool.join()
        if not rebuild_indexes:
            tables_analyze(*LOADED)
        counts = {}
        if ledger and office.first_case_id is not None:
            counts = {
                "cases": office.counts["cases"],
                "months": months,
                "charges": office.counts["charges"],
                "collections": office.counts["collections"],
                "spells": office.counts["spells"],
            }
            LedgerRun.objects.create(
                kind=LedgerRunKind.BACKFILL, run_on=today, counts=counts, finished_at=timezone.now()
            )
    return GenerateResult(
        office.counts["cases"],
        office.first_case_id,
        office.last_case_id,
        office.counts["people"],
        office.counts["orders"],
        counts,
    )
