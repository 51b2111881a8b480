"""Partner API representations of cases. No addresses and no SSNs: whereabouts are released only
through a court's one-time FVI override (42 USC 654(26)); FTI never appears here."""

from __future__ import annotations

from rest_framework import serializers

from core.api.rows import field_representers, row_representer

from ..choices import ParticipantRole
from ..models import Address, Case, CaseBalance, CaseParticipant, Obligation, Person, SupportOrder
from ..redaction import PARENT_FVI, PERSON_WHEREABOUTS_FIELDS, WITHHELD, redact_person_data


class BalanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseBalance
        fields = [
            *CaseBalance.AMOUNT_FIELDS,
            "months_in_arrears",
            "last_payment_on",
            "last_payment_amount",
            "delinquent_since",
        ]


class ArrearsInterestSerializer(serializers.Serializer):
    """A California case's interest on its arrears (``cases.ledger.interest``), apart from the
    balance, whose arrears are principal only."""

    accrued = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        source="interest",
        help_text="Interest accrued on the arrears and not paid, as of `as_of` (the day itself not counted): "
        "simple interest at `rate_percent` a year (CCP 685.010) on each unpaid installment from the first "
        "day of the month after it was due (CCP 685.020(b); Fam. Code 17433.5); never on interest.",
    )
    principal = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="The arrears the interest accrues on, at the end of `as_of`."
    )
    rate_percent = serializers.CharField(source="rate_text", help_text="The rate in force on `as_of`, percent a year.")
    citation = serializers.CharField(help_text="The statute of the rate.")
    as_of = serializers.DateField()


class ParticipantSerializer(serializers.ModelSerializer):
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    family_violence = serializers.BooleanField(source="person.family_violence")
    person_id = serializers.IntegerField(source="person.id")
    # A child's participation that ended (emancipated, deceased, custody changed, adopted): null
    # while the child is on the case.
    ended_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = CaseParticipant
        fields = ["role", "person_id", "first_name", "last_name", "family_violence", "ended_on"]


class ObligationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = ["kind", "amount", "frequency", "start_on", "end_on"]


class OrderSerializer(serializers.ModelSerializer):
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = SupportOrder
        fields = ["order_number", "version", "kind", "court_name", "issued_on", "effective_on", "status", "obligations"]


class CaseSerializer(serializers.ModelSerializer):
    balance = BalanceSerializer(read_only=True, allow_null=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    arrears_interest = ArrearsInterestSerializer(
        read_only=True,
        allow_null=True,
        help_text="California: the interest the arrears carry, as of today, apart from `balance` (its arrears "
        "are principal only; CCP 695.211(c)). Null for a New York case: New York charges interest only in a "
        "money judgment a court enters for a willful default (FCA 460; CPLR 5004), which Caseworks does not "
        "record. Null too for a case enforcing another state's order (responding to it): that state's law "
        "governs the interest (UIFSA 604(a)(2), Fam. Code 5700.604(a)(2)).",
    )

    class Meta:
        model = Case
        fields = [
            "case_number",
            "county",
            "jurisdiction",
            "assistance_status",
            "status",
            "stage",
            "closure_reason",
            "closed_on",
            "application_received_on",
            "opened_on",
            "interstate_role",
            "other_state",
            "other_state_case_id",
            "interstate_referred_on",
            "next_deadline_on",
            "next_deadline_kind",
            "updated_at",
            "balance",
            "participants",
            "arrears_interest",
        ]


# The case's own columns of ``CaseSerializer`` (what the list reads with ``.values()``).
CASE_COLUMNS = tuple(f for f in CaseSerializer.Meta.fields if f not in ("balance", "participants", "arrears_interest"))


class CaseDetailSerializer(CaseSerializer):
    orders = OrderSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "orders"]


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["line1", "line2", "city", "state", "postal_code", "valid_from", "valid_to"]


class OverrideUseSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    court_order_reference = serializers.CharField()
    addresses = AddressSerializer(many=True)


def case_rows_represent(rows: list[dict], participants: list[dict], interest: dict | None = None) -> list[dict]:
    """The list's representation of ``rows`` (``CASE_LIST_VALUES`` from ``.values()``) and their
    ``participants`` (``PARTICIPANT_VALUES``), identical to ``CaseSerializer`` — each value goes
    through the serializer's own field ``to_representation`` — without model instances or DRF's
    attribute walk per field (issue 17.3: that walk cost four times the rows' queries). ``interest``:
    each case's ``cases.ledger.interest.InterestFigure`` or None, by case id."""
    case_fields = list(field_representers(CaseSerializer, CASE_COLUMNS).items())
    balance_fields = [
        (name, f"balance__{name}", show)
        for name, show in field_representers(BalanceSerializer, tuple(BalanceSerializer.Meta.fields)).items()
    ]
    people: dict[int, list[dict]] = {}
    for p in participants:
        people.setdefault(p["case_id"], []).append(
            {
                "role": p["role"],
                "person_id": p["person_id"],
                "first_name": p["person__first_name"],
                "last_name": p["person__last_name"],
                "family_violence": p["person__family_violence"],
                "ended_on": p["ended_on"].isoformat() if p["ended_on"] else None,
            }
        )
    case_item = row_representer([(name, name, show) for name, show in case_fields])
    balance_item = row_representer(balance_fields)
    out = []
    for row in rows:
        item = case_item(row)
        item["balance"] = None if row["balance__case_id"] is None else balance_item(row)
        item["participants"] = people.get(row["id"], [])
        figure = (interest or {}).get(row["id"])
        item["arrears_interest"] = figure.as_dict() if figure is not None else None
        out.append(item)
    return out


CASE_LIST_VALUES = (
    "id",
    *CASE_COLUMNS,
    "balance__case_id",
    *(f"balance__{name}" for name in BalanceSerializer.Meta.fields),
)
PARTICIPANT_VALUES = (
    "case_id",
    "role",
    "person_id",
    "person__first_name",
    "person__last_name",
    "person__family_violence",
    "ended_on",
)


class PersonCaseSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    role = serializers.ChoiceField(choices=ParticipantRole.choices)


class PersonSerializer(serializers.ModelSerializer):
    """A person of the key's cases (``GET /api/v1/people/``). ``id`` is the ``person_id`` of the
    cases API. No SSN and no address; ``phone`` and ``email`` say ``WITHHELD`` for a person with the
    family violence indicator, and for a child on a case whose custodial parent has it (cases.redaction). Date of birth, phone and e-mail are sensitive
    reads, logged per person shown."""

    phone = serializers.CharField(
        help_text=f'"{WITHHELD}" when one is on file and family_violence is true, or the person is a child '
        "on a case whose custodial parent has it (a child locates the parent they live with)."
    )
    email = serializers.CharField(
        help_text=f'"{WITHHELD}" when one is on file and family_violence is true, or the person is a child '
        "on a case whose custodial parent has it (a child locates the parent they live with)."
    )
    cases = PersonCaseSerializer(
        many=True, read_only=True, help_text="The person's roles on cases of the key's counties only."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "first_name",
            "middle_name",
            "last_name",
            "date_of_birth",
            "sex",
            "deceased_on",
            "family_violence",
            "preferred_language",
            "needs_interpreter",
            "paternity_status",
            "phone",
            "email",
            "updated_at",
            "cases",
        ]


PERSON_LIST_VALUES = tuple(PersonSerializer.Meta.fields[:-1])
# Read with the rows (``cases.redaction.parent_fvi_exists`` annotated as ``PARENT_FVI``): whether a
# custodial parent of the person's cases has the FVI; not represented.
PERSON_LIST_REDACTION_VALUES = (*PERSON_LIST_VALUES, PARENT_FVI)
PERSON_SENSITIVE_FIELDS = ("date_of_birth", *PERSON_WHEREABOUTS_FIELDS)


def person_rows_represent(rows: list[dict]) -> list[dict]:
    """The people list's representation of ``rows`` (``PERSON_LIST_REDACTION_VALUES`` from ``.values()``) as
    ``PersonSerializer`` would give it, whereabouts redacted by ``cases.redaction.redact_person_data``;
    ``cases`` empty until ``person_rows_cases_add`` fills it (the audit rows are written from what
    the representation shows, in the statement that reads the cases)."""
    represent = row_representer(
        [(name, name, show) for name, show in field_representers(PersonSerializer, PERSON_LIST_VALUES).items()]
    )
    out = []
    person = Person()  # one instance carries each row's indicator to the redaction rule (no model per row)
    for row in rows:
        item = represent(row)
        person.id, person.family_violence = row["id"], row["family_violence"]
        setattr(person, PARENT_FVI, row[PARENT_FVI])
        item = redact_person_data(person, item)
        item["cases"] = []
        out.append(item)
    return out


def person_rows_cases_add(items: list[dict], participations: list[dict]) -> None:
    """Each represented person's ``cases`` from their ``participations`` (``person_id``,
    ``case__case_number``, ``role``, in the order given)."""
    by_id = {item["id"]: item["cases"] for item in items}
    for p in participations:
        by_id[p["person_id"]].append({"case_number": p["case__case_number"], "role": p["role"]})


def person_rows_revealed(items: list[dict]) -> list[tuple[int, list[str], dict]]:
    """What each represented person's row revealed (for the sensitive-read log): the date of birth
    and the whereabouts actually shown (not empty, not withheld)."""
    reads = []
    for item in items:
        fields = [name for name in PERSON_SENSITIVE_FIELDS if (shown := item.get(name)) and shown != WITHHELD]
        name = " ".join(filter(None, (item["first_name"], item["middle_name"], item["last_name"])))
        reads.append((item["id"], fields, {"person_id": item["id"], "person": name, "via": "api"}))
    return reads
