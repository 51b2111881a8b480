"""Ledger API serializers: ledger entries (read) and collections (write)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from core.api.rows import field_representers, row_representer

from ...choices import Bucket, CollectionSource, CollectionStatus, ObligationKind, Payee
from ...models import Collection, LedgerEntry
from ..fti import shown_source


class LedgerEntrySerializer(serializers.ModelSerializer):
    source_reference = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField(help_text="Collection source; null for federal tax information.")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "entry_type",
            "bucket",
            "obligation_kind",
            "amount",
            "due_on",
            "posted_on",
            "description",
            "source_reference",
            "source",
            "reverses",
            "created_at",
        ]

    def get_source_reference(self, entry) -> str | None:
        return entry.collection.source_reference if entry.collection_id else None

    def get_source(self, entry) -> str | None:
        return shown_source(entry.collection.source, fti=False) if entry.collection_id else None


# ``.only()`` columns of an entry row: the serializer's fields (the collection's through the join)
# and the collection's key, which the join needs.
_ENTRY_COLUMN = {
    "reverses": "reverses_id",
    "source_reference": "collection__source_reference",
    "source": "collection__source",
}
LEDGER_ENTRY_COLUMNS = (*(_ENTRY_COLUMN.get(name, name) for name in LedgerEntrySerializer.Meta.fields), "collection_id")


class CollectionFieldsSerializer(serializers.Serializer):
    case_number = serializers.CharField(max_length=20)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    received_on = serializers.DateField()
    source = serializers.ChoiceField(choices=CollectionSource.choices)
    source_reference = serializers.CharField(
        max_length=64,
        help_text="Your agency's idempotency key for this payment: the same reference again (in any letter case) "
        "is a replay of your first receipt, never another agency's.",
    )
    collected_on = serializers.DateField(
        required=False,
        help_text="Date of collection (45 CFR 302.51(a)(1)): the day the employer withheld it or another state "
        "received it; the received date when left out. It decides the month whose support it pays.",
    )

    def validate_case_number(self, value: str) -> str:
        return value.strip().upper()

    def validate(self, attrs):
        collected, received = attrs.get("collected_on"), attrs.get("received_on")
        if collected is not None and received is not None and collected > received:
            raise serializers.ValidationError(
                {"collected_on": ["The date of collection cannot be after the date received."]}
            )
        return attrs

    def validate_received_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("A collection cannot be received in the future.")
        return value


# The API refuses unknown case numbers; files hold them instead (DOMAIN.md). A case outside the
# key's counties is unknown to it (the same answer: the key learns nothing of other counties).
UNKNOWN_CASE_NUMBER = "Unknown case number."


def _cases_in_scope(serializer):
    """The cases the calling key may write to (``context["user"]``: the partner principal)."""
    from ...models import Case

    return Case.objects.restrict(serializer.context.get("user"), "change")


class CollectionInSerializer(CollectionFieldsSerializer):
    def validate_case_number(self, value: str) -> str:
        value = super().validate_case_number(value)
        if not _cases_in_scope(self).filter(case_number=value).exists():
            raise serializers.ValidationError(UNKNOWN_CASE_NUMBER)
        return value


BATCH_MAX_ITEMS = 1000


class CollectionBatchInSerializer(serializers.Serializer):
    items = CollectionFieldsSerializer(many=True, allow_empty=False, max_length=BATCH_MAX_ITEMS)

    def validate_items(self, items: list[dict]) -> list[dict]:
        numbers = {item["case_number"] for item in items}
        known = set(_cases_in_scope(self).filter(case_number__in=numbers).values_list("case_number", flat=True))
        errors = {
            str(index): {"case_number": [UNKNOWN_CASE_NUMBER]}  # keyed by index, as DRF keys field errors
            for index, item in enumerate(items)
            if item["case_number"] not in known
        }
        if errors:
            raise serializers.ValidationError(errors)
        return items


class AllocationOutSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=[("", "Excess to the family"), *Bucket.choices])
    payee = serializers.ChoiceField(choices=Payee.choices)
    obligation_kind = serializers.ChoiceField(choices=[("", ""), *ObligationKind.choices])
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class CollectionOutSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case_number_received")
    status = serializers.ChoiceField(choices=CollectionStatus.choices)
    held_amount = serializers.SerializerMethodField()
    allocations = serializers.SerializerMethodField()

    class Meta:
        model = Collection
        fields = [
            "source_reference",
            "case_number",
            "amount",
            "received_on",
            "collected_on",
            "source",
            "status",
            "hold_reason",
            "overpayment_policy",
            "held_amount",
            "allocations",
        ]

    def get_allocations(self, collection) -> list[dict]:
        return AllocationOutSerializer(self.context["allocations"], many=True).data

    def get_held_amount(self, collection) -> str:
        allocated = sum((a.amount for a in self.context["allocations"]), Decimal("0.00"))
        return f"{collection.amount - allocated:.2f}"


class CollectionBatchResultSerializer(CollectionOutSerializer):
    created = serializers.SerializerMethodField(help_text="False for a replay of a reference already received.")

    class Meta(CollectionOutSerializer.Meta):
        fields = [*CollectionOutSerializer.Meta.fields, "created"]

    def get_created(self, collection) -> bool:
        return self.context["created"]


class CollectionBatchOutSerializer(serializers.Serializer):
    results = CollectionBatchResultSerializer(many=True)


class CollectionListSerializer(serializers.ModelSerializer):
    """A row of ``GET /api/v1/collections/``: no employer (it locates an FVI payor), and for a
    federal tax refund offset neither the source nor the hold reason (both would say so; FTI,
    IRS Publication 1075: no partner scope grants it)."""

    case_number = serializers.CharField(
        allow_null=True, help_text="The case it was posted to; null while unidentified."
    )
    case_number_received = serializers.CharField(help_text="The case number as the payment came in.")
    # A declared field named "source" (DRF moves it out of the class attributes; the stubs see it
    # shadow Field.source).
    source = serializers.ChoiceField(
        choices=CollectionSource.choices,
        allow_null=True,  # type: ignore[assignment]
        help_text="Collection source; null for federal tax information.",
    )
    hold_reason = serializers.CharField(allow_null=True, help_text="Why it is held; null for federal tax information.")

    class Meta:
        model = Collection
        fields = [
            "source_reference",
            "case_number",
            "case_number_received",
            "amount",
            "received_on",
            "collected_on",
            "source",
            "status",
            "hold_reason",
            "received_via",
            "posted_at",
        ]


# ``.values()`` columns of a collection row: the serializer's fields (the case's number through
# the join) and ``id`` for the cursor.
_LIST_COLUMN = {"case_number": "case__case_number"}
COLLECTION_LIST_VALUES = ("id", *(_LIST_COLUMN.get(name, name) for name in CollectionListSerializer.Meta.fields))


def collection_rows_represent(rows: list[dict]) -> list[dict]:
    """``CollectionListSerializer``'s representation of ``rows`` (``COLLECTION_LIST_VALUES``), built
    from ``.values()`` without model instances; tax-offset sources hidden (``fti.shown_source``)."""
    representers = field_representers(CollectionListSerializer, tuple(CollectionListSerializer.Meta.fields))
    represent = row_representer([(name, _LIST_COLUMN.get(name, name), show) for name, show in representers.items()])
    out = []
    for row in rows:
        item = represent(row)
        item["source"] = shown_source(row["source"], fti=False)
        if item["source"] is None:
            item["hold_reason"] = None
        out.append(item)
    return out
