"""enforcement migration 0012: text written before the fix that told staff without FTI clearance
that a payment was a tax refund offset is made neutral (IRS Publication 1075)."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from cases.models import Collection, WorkItem
from cases.services import collection_post
from core.models import DomainEvent
from tests.cases.factories import case_with_order

pytestmark = pytest.mark.django_db

migration = importlib.import_module("enforcement.migrations.0012_fti_neutral_text")
OLD_REF = "FTO-" + "ab" * 20
REASON = "Joint-return tax offset: held until May 19, 2027 for a possible injured spouse claim (45 CFR 303.72(h))"


def test_old_references_events_and_work_items_are_made_neutral_and_the_rest_kept():
    case = case_with_order()
    offset = collection_post(
        case_number=case.case_number,
        amount=Decimal("200.00"),
        received_on=date(2026, 11, 20),
        source="federal_tax_offset",
        source_reference=OLD_REF,
        received_via="file",
        hold_reason=REASON,
    ).collection
    payment = collection_post(
        case_number=case.case_number,
        amount=Decimal("50.00"),
        received_on=date(2026, 11, 20),
        source="direct_payment",
        source_reference="P-1",
        received_via="file",
        hold_reason="Payor asked us to wait",
    ).collection
    offset.save()  # a field-history row holding the old reference
    assert offset.history.count() == 1
    about = ContentType.objects.get_for_model(Collection)
    old_texts = {
        "collection.held": f"200.00 payment ref {OLD_REF} — held: {REASON}",
        "collection.released": f"200.00 ref {OLD_REF} released to {case.case_number} (was held: {REASON}). "
        "Joint-return hold ended (45 CFR 303.72(h))",
    }
    made = [
        DomainEvent.objects.create(
            verb=verb,
            subject_type=about,
            subject_id=offset.pk,
            case_id=case.pk,
            summary=summary,
            actor_label="offset collections file",
            data={"previous_hold_reason": REASON, "note": "Joint-return hold ended (45 CFR 303.72(h))"}
            if verb == "collection.released"
            else {},
        )
        for verb, summary in old_texts.items()
    ]
    kept = DomainEvent.objects.create(
        verb="collection.held",
        subject_type=about,
        subject_id=payment.pk,
        case_id=case.pk,
        summary="50.00 direct payment ref P-1 — held: Payor asked us to wait",
    )
    item = WorkItem.objects.create(
        case=case,
        kind="offset_adjustment",
        title="Federal tax offset adjustment: recover the amount reversed by the Treasury",
        due_on=date(2026, 12, 1),
        dedupe_key="offset-adjustment:7:3",
    )

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run changes nothing more

    offset.refresh_from_db()
    assert offset.source_reference == "COL-" + "ab" * 20 and offset.hold_reason == REASON  # kept for the cleared
    assert set(offset.history.values_list("source_reference", flat=True)) == {offset.source_reference}
    held, released = (DomainEvent.objects.get(pk=event.pk) for event in made)
    assert held.summary == f"200.00 payment ref {offset.source_reference} — held"
    assert (
        released.summary
        == f"200.00 ref {offset.source_reference} released to {case.case_number} (was held). Hold ended."
    )
    assert released.data == {"previous_hold_reason": "", "note": "Hold ended."}
    assert {held.actor_label, released.actor_label} == {"collections file"}
    assert DomainEvent.objects.get(pk=kept.pk).summary == kept.summary  # not a tax offset: untouched
    item.refresh_from_db()
    assert (item.kind, item.dedupe_key) == ("payment_adjustment", "payment-adjustment:7:3")
    assert "tax" not in item.title.lower() and "Treasury" not in item.title
