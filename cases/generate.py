"""A realistic synthetic office, written with bulk inserts (``manage.py generate_office``).

Adds to whatever the database holds (demo data included): case numbers continue from the
highest in use, SSNs come from a range no demo or factory uses (9xx-prefixed numbers are never
issued as SSNs). Two years of charges and payments come from the ledger's set-based
``ledger_backfill`` so that ``verify_ledger`` finds no difference. Orders older than the ledger
window start charging at the window (their earlier history is not generated).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.db import bulk_load, rows_insert, tables_analyze
from core.models import DomainEvent
from core.services import events_bulk_record

from .choices import (
    AssistanceStatus,
    CaseStage,
    CaseStatus,
    ClosureReason,
    Frequency,
    InterstateRole,
    LocateResult,
    LocateSource,
    ObligationKind,
    OrderKind,
    OrderStatus,
    ParticipantRole,
    PaternityMethod,
    PaternityStatus,
    Sex,
)
from .deadlines import next_deadline
from .ledger_dates import month_start
from .models import (
    Address,
    Case,
    CaseParticipant,
    Employer,
    Employment,
    LocateAttempt,
    Obligation,
    Person,
    SupportOrder,
)

COUNTIES = {"NY": ["Albany", "Schenectady", "Rensselaer", "Saratoga"], "CA": ["Sacramento", "Placer", "Yolo", "El Dorado"]}
CITIES = {"NY": [("Albany", "122"), ("Schenectady", "123"), ("Troy", "121"), ("Saratoga Springs", "128")],
          "CA": [("Sacramento", "958"), ("Roseville", "956"), ("Davis", "956"), ("Placerville", "956")]}
OTHER_STATES = ["NJ", "PA", "CT", "MA", "FL", "TX", "NV", "OR", "AZ", "WA"]
FIRST_F = ["Maria", "Ashley", "Jessica", "Tanya", "Keisha", "Laura", "Rosa", "Emily", "Sarah", "Nicole", "Amanda",
           "Grace", "Linh", "Fatima", "Carmen", "Denise", "Monica", "Heather", "Brianna", "Olivia"]
FIRST_M = ["James", "Michael", "Robert", "Carlos", "Jose", "David", "Kevin", "Anthony", "Brandon", "Tyrone", "Luis",
           "Daniel", "Marcus", "Eric", "Jason", "Andre", "Minh", "Omar", "Victor", "Tyler"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
        "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores"]
STREETS = ["Main St", "Oak Ave", "Maple St", "Washington Ave", "Lake Rd", "Hillside Dr", "Park Pl", "Elm St",
           "Central Ave", "River Rd", "2nd St", "Pine St"]
EMPLOYER_WORDS = ["Valley", "Capital", "Summit", "Harbor", "Pioneer", "Riverside", "Empire", "Golden", "Northern",
                  "Union"]
EMPLOYER_KINDS = ["Logistics", "Health System", "Foods", "Construction", "Retail", "Manufacturing", "Staffing",
                  "Hospitality", "Auto Group", "Services"]
SSN_BASE = 900_000_000  # 9xx numbers are never issued as SSNs: synthetic and collision-free

# Rows go in as tuples (``core.db.rows_insert``): model instances and ``bulk_create``'s per-value
# preparation cost more than the inserts themselves at tens of thousands of rows.
EMPLOYER_FIELDS = ("name", "fein", "line1", "city", "state", "postal_code", "contact_email", "phone")
PERSON_FIELDS = ("first_name", "last_name", "name_search", "date_of_birth", "ssn", "ssn_last4", "ssn_index", "sex", "phone",
                 "preferred_language", "family_violence", "deceased_on", "born_in_wedlock", "paternity_status",
                 "paternity_established_on", "paternity_method", "genetic_test_ordered_on", "genetic_test_result")
PERSON_DEFAULTS = {name: Person._meta.get_field(name).get_default() for name in PERSON_FIELDS}
CASE_FIELDS = ("case_number", "county", "jurisdiction", "assistance_status", "application_received_on", "opened_on",
               "stage_changed_on", "caseworker_id", "locate_needed_on", "ncp_located_on", "status", "stage",
               "closure_reason", "closed_on", "interstate_role", "other_state", "other_state_case_id",
               "interstate_needed_on", "interstate_referred_on", "next_deadline_on", "next_deadline_kind")
ORDER_FIELDS = ("case_id", "order_number", "kind", "court_name", "issued_on", "effective_on", "version", "status")


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
    highest = (Case.objects.filter(case_number__startswith=f"{prefix}-").aggregate(m=Max("case_number"))["m"])
    tail = highest.split("-", 1)[1] if highest else "0"
    return int(tail) + 1 if tail.isdigit() else 1


def _next_ssn() -> int:
    highest = Person.objects.filter(ssn_last4__gt="").count()
    return SSN_BASE + highest * 3 + 7


def _orders_link(pairs: list[tuple[int, int]]) -> None:
    """Set ``supersedes`` of each (newer, older) order pair in one statement per chunk."""
    from .services.ledger_accrual import _rows

    table = connection.ops.quote_name(SupportOrder._meta.db_table)
    with connection.cursor() as cursor:
        for with_clause, params in _rows(pairs, (("id", "bigint"), ("older", "bigint"))):
            cursor.execute(f"{with_clause} UPDATE {table} SET supersedes_id = v.older FROM v"  # noqa: S608
                           f" WHERE {table}.id = v.id", params)


def office_generate(*, cases: int, seed: int, months: int = 24, ledger: bool = True, stdout=None) -> GenerateResult:
    """Add ``cases`` synthetic cases (with people, employers, orders, locate history and,
    with ``ledger``, ``months`` months of charges and payments)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    jurisdiction = settings.CASEWORKS_JURISDICTION
    counties = COUNTIES.get(jurisdiction, COUNTIES["NY"])
    cities = CITIES.get(jurisdiction, CITIES["NY"])
    window_start = month_start(today)
    for _ in range(months - 1):
        window_start = month_start(window_start - timedelta(days=1))
    User = get_user_model()
    workers_by_county: dict[str, list] = {}
    for user_id, county in User.objects.filter(groups__name="caseworker", is_active=True).values_list("id", "county"):
        workers_by_county.setdefault(county or "", []).append(user_id)

    def worker_for(county: str):
        pool = workers_by_county.get(county) or workers_by_county.get("") or []
        return rng.choice(pool) if pool else None

    with transaction.atomic(), bulk_load():
        number = _next_number(jurisdiction)
        ssn_next = _next_ssn()
        employers = [
            (f"{rng.choice(EMPLOYER_WORDS)} {rng.choice(EMPLOYER_KINDS)} {i + 1}",
             f"{rng.randint(10, 99)}{rng.randint(1000000, 9999999)}",
             f"{rng.randint(1, 999)} {rng.choice(STREETS)}", cities[i % len(cities)][0],
             jurisdiction, f"{cities[i % len(cities)][1]}{rng.randint(10, 99)}",
             f"payroll{seed}-{i}@employer.example", f"555-01{rng.randint(10, 99)}")
            for i in range(max(5, cases // 25))
        ]
        employer_ids = [pk for (pk,) in rows_insert(Employer, EMPLOYER_FIELDS, employers, returning=("id",))]

        people: list[dict] = []
        plan = []  # per case: (case fields, [(role, person index)], has_order)

        def person(sex: str, age_low: int, age_high: int, **extra) -> int:
            nonlocal ssn_next
            ssn = f"{ssn_next:09d}"
            ssn_next += 3
            first = rng.choice(FIRST_F if sex == Sex.FEMALE else FIRST_M)
            dob = today - timedelta(days=rng.randint(age_low * 365, age_high * 365))
            last = rng.choice(LAST)
            people.append({**PERSON_DEFAULTS, "first_name": first, "last_name": last, "date_of_birth": dob,
                           "name_search": Person.search_key(first, last),
                           "ssn": ssn, "sex": sex, "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                           "preferred_language": rng.choices(["English", "Spanish", "Vietnamese"], [85, 12, 3])[0],
                           **Person.ssn_columns(ssn), **extra})
            return len(people) - 1

        for _ in range(cases):
            county = rng.choice(counties)
            cp_sex = Sex.FEMALE if rng.random() < 0.85 else Sex.MALE
            ncp_sex = Sex.MALE if cp_sex == Sex.FEMALE else Sex.FEMALE
            roles = [(ParticipantRole.CP, person(cp_sex, 20, 50, family_violence=rng.random() < 0.03)),
                     (ParticipantRole.NCP, person(ncp_sex, 20, 55,
                                                  deceased_on=today - timedelta(days=400) if rng.random() < 0.003 else None))]
            for _child in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
                age_days = rng.randint(90, 17 * 365)
                dob = today - timedelta(days=age_days)
                wedlock = rng.random() < 0.4
                extra = {"born_in_wedlock": wedlock}
                if wedlock:
                    extra.update(paternity_status=PaternityStatus.ESTABLISHED, paternity_established_on=dob,
                                 paternity_method=PaternityMethod.MARITAL_PRESUMPTION)
                elif rng.random() < 0.75:
                    method = rng.choices([PaternityMethod.VOLUNTARY_ACKNOWLEDGMENT, PaternityMethod.GENETIC_TEST,
                                          PaternityMethod.COURT_ORDER], [60, 25, 15])[0]
                    established = min(today, dob + timedelta(days=rng.randint(0, 900)))
                    extra.update(paternity_status=PaternityStatus.ESTABLISHED, paternity_established_on=established,
                                 paternity_method=method)
                    if method == PaternityMethod.GENETIC_TEST:
                        extra.update(genetic_test_ordered_on=established - timedelta(days=45), genetic_test_result="positive")
                else:
                    extra.update(paternity_status=PaternityStatus.PENDING)
                    if rng.random() < 0.4:
                        extra.update(genetic_test_ordered_on=today - timedelta(days=rng.randint(5, 120)))
                first = rng.choice(FIRST_F + FIRST_M)
                people.append({**PERSON_DEFAULTS, "first_name": first, "last_name": people[roles[1][1]]["last_name"],
                               "date_of_birth": dob, "sex": Sex.FEMALE if first in FIRST_F else Sex.MALE, **extra})
                roles.append((ParticipantRole.CHILD, len(people) - 1))
            applied = today - timedelta(days=rng.randint(10, 6 * 365))
            opened = min(today, applied + timedelta(days=rng.choices([rng.randint(1, 20), rng.randint(21, 40)], [93, 7])[0]))
            closed = rng.random() < 0.08
            has_order = not closed and rng.random() < 0.75
            located = has_order or rng.random() < 0.55
            fields = {
                "case_number": f"{jurisdiction}-{number:06d}", "county": county, "jurisdiction": jurisdiction,
                "assistance_status": rng.choices(AssistanceStatus.values, [15, 35, 50])[0],
                "application_received_on": applied, "opened_on": opened, "stage_changed_on": opened,
                "caseworker_id": worker_for(county),
                "locate_needed_on": None if located and has_order else opened,
                "ncp_located_on": opened + timedelta(days=rng.randint(5, 120)) if located else None,
            }
            number += 1
            if fields["ncp_located_on"] and fields["ncp_located_on"] > today:
                fields["ncp_located_on"] = today
            if closed:
                reason = rng.choice([ClosureReason.RECIPIENT_REQUEST, ClosureReason.LOCATION_UNKNOWN,
                                     ClosureReason.NO_ORDER_LOW_ARREARS, ClosureReason.RECIPIENT_UNREACHABLE])
                fields.update(status=CaseStatus.CLOSED, stage=CaseStage.CLOSED, closure_reason=reason,
                              closed_on=min(today, opened + timedelta(days=rng.randint(60, 900))))
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
                fields.update(interstate_role=role, other_state=rng.choice(OTHER_STATES),
                              other_state_case_id=f"X{rng.randint(100000, 999999)}")
                if role == InterstateRole.INITIATING:
                    fields["interstate_needed_on"] = opened
                    if rng.random() < 0.8:
                        fields["interstate_referred_on"] = min(today, opened + timedelta(days=rng.randint(3, 25)))
            plan.append((fields, roles, has_order))

        person_ids = [pk for (pk,) in rows_insert(Person, PERSON_FIELDS, [tuple(p[f] for f in PERSON_FIELDS) for p in people],
                                                  returning=("id",))]
        case_rows = []
        for fields, _roles, _has_order in plan:
            case = Case(**fields)  # for the deadline rules; written as a row below
            upcoming = next_deadline(case)
            if upcoming:
                case.next_deadline_on, case.next_deadline_kind = upcoming.due_on, upcoming.kind
            case_rows.append(tuple(getattr(case, f) for f in CASE_FIELDS))
        case_ids = [pk for (pk,) in rows_insert(Case, CASE_FIELDS, case_rows, returning=("id",))]

        participants, addresses, employments, orders, locates = [], [], [], [], []
        for case_id, (fields, roles, has_order) in zip(case_ids, plan, strict=True):
            for role, index in roles:
                participants.append((case_id, person_ids[index], role))
                if role != ParticipantRole.CHILD:
                    city, zip3 = rng.choice(cities)
                    addresses.append((person_ids[index], f"{rng.randint(1, 9999)} {rng.choice(STREETS)}", city,
                                      jurisdiction, f"{zip3}{rng.randint(10, 99)}", fields["application_received_on"],
                                      "application"))
            ncp = person_ids[roles[1][1]]
            if rng.random() < 0.6:
                employments.append((ncp, rng.choice(employer_ids), today - timedelta(days=rng.randint(30, 3000)),
                                    _money(rng, 1800, 9000, 50)))
            if has_order:
                issued = min(today, (fields["ncp_located_on"] or fields["opened_on"]) + timedelta(days=rng.randint(20, 85)))
                orders.append((case_id, fields, issued))
            if fields["stage"] == CaseStage.LOCATE:
                for k in range(rng.randint(0, 3)):
                    locates.append((case_id, ncp, rng.choice(LocateSource.values),
                                    min(today, fields["locate_needed_on"] + timedelta(days=10 + 90 * k)),
                                    LocateResult.NOT_FOUND))
        rows_insert(CaseParticipant, ("case_id", "person_id", "role"), participants)
        rows_insert(Address, ("person_id", "line1", "city", "state", "postal_code", "valid_from", "source"), addresses)
        rows_insert(Employment, ("person_id", "employer_id", "started_on", "gross_monthly_income"), employments)
        rows_insert(LocateAttempt, ("case_id", "person_id", "source", "attempted_on", "result"), locates)

        order_rows, obligation_specs = [], []  # obligation specs point at their order by index
        for case_id, fields, issued in orders:
            modified = rng.random() < 0.12 and (today - issued).days > 400
            kind = OrderKind.ADMINISTRATIVE if rng.random() < 0.2 else OrderKind.COURT
            court = "" if kind == OrderKind.ADMINISTRATIVE else f"{fields['county']} County Family Court"
            base = (case_id, f"G{seed}-{fields['case_number']}", kind, court)
            monthly = _money(rng, 150, 1300)
            frequency = rng.choices([Frequency.MONTHLY, Frequency.BIWEEKLY, Frequency.WEEKLY, Frequency.SEMIMONTHLY],
                                    [60, 20, 15, 5])[0]
            if modified:
                change = issued + timedelta(days=rng.randint(365, (today - issued).days))
                change = month_start(change) if month_start(change) > issued else change
                order_rows += [(*base, issued, issued, 1, OrderStatus.SUPERSEDED),
                               (*base, change, change, 2, OrderStatus.ACTIVE)]
                obligation_specs.append((len(order_rows) - 2, monthly, frequency, issued, change - timedelta(days=1)))
                obligation_specs.append((len(order_rows) - 1, _money(rng, 150, 1300), frequency, change, None))
            else:
                order_rows.append((*base, issued, issued, 1, OrderStatus.ACTIVE))
                obligation_specs.append((len(order_rows) - 1, monthly, frequency, issued, None))
        order_ids = [pk for (pk,) in rows_insert(SupportOrder, ORDER_FIELDS, order_rows, returning=("id",))]
        # Each version 2 supersedes its version 1 (appended in pairs).
        _orders_link([(order_ids[i + 1], order_ids[i]) for i in range(len(order_rows) - 1)
                      if order_rows[i + 1][6] == 2 and order_rows[i][6] == 1 and order_rows[i + 1][0] == order_rows[i][0]])

        before = window_start - timedelta(days=1)
        obligations = []
        for index, monthly, frequency, start, end in obligation_specs:
            order_id = order_ids[index]
            per_due = (monthly / {"monthly": 1, "biweekly": Decimal(26) / 12, "weekly": Decimal(52) / 12,
                                  "semimonthly": 2}[frequency]).quantize(Decimal("0.01"))
            accrued = before if start <= before and ledger else None
            if end is not None and accrued is not None and end < accrued:
                accrued = end
            obligations.append((order_id, ObligationKind.CURRENT_SUPPORT, per_due, frequency, start, end, accrued))
            if rng.random() < 0.25:
                obligations.append((order_id, ObligationKind.MEDICAL_SUPPORT, _money(rng, 25, 150), Frequency.MONTHLY,
                                    start, end, accrued))
            if rng.random() < 0.08:
                obligations.append((order_id, ObligationKind.ARREARS_REPAYMENT, _money(rng, 25, 100), Frequency.MONTHLY,
                                    start, end, accrued))
        rows_insert(Obligation, ("order_id", "kind", "amount", "frequency", "start_on", "end_on", "accrued_through"),
                    obligations)
        tables_analyze(Person, Case, CaseParticipant, SupportOrder, Obligation)

        first_id, last_id = (case_ids[0], case_ids[-1]) if case_ids else (None, None)
        events_bulk_record(
            DomainEvent(verb="case.opened", case_id=case_id, actor_label=f"generate_office seed {seed}",
                        summary=f"Case {fields['case_number']} opened (generated)", data={"generated": True})
            for case_id, (fields, _roles, _has_order) in zip(case_ids, plan, strict=True)
        )
    counts: dict = {}
    if ledger and case_ids:
        from .services.ledger_backfill import ledger_backfill

        run = ledger_backfill(case_range=(first_id, last_id), months=months, seed=seed)
        counts = run.counts
    return GenerateResult(len(case_ids), first_id, last_id, len(people), len(order_rows), counts)
