"""The domain events the cases app writes (``DomainEvent.verb``): one vocabulary, one style.

Verbs are ``<subject>.<what happened>`` in lower case (``collection.posted``); the label is what the
audit pages show. ``core.events`` finds this module by name (``label_for``); a verb written but
not listed here fails ``tests/core/test_event_verbs.py``."""

from django.db import models


class CaseEvent(models.TextChoices):
    ACCRUAL_RUN_RESUMED = "accrual.run_resumed", "Accrual run resumed"
    ACCRUAL_STARTED = "accrual.started", "Accrual started"
    ARREARS_REASSIGNED = "arrears.reassigned", "Arrears reassigned"
    ASSISTANCE_CHANGED = "assistance.changed", "Assistance changed"
    ASSISTANCE_PAID_RECORDED = "assistance.paid_recorded", "Assistance paid recorded"
    CASE_CLOSED = "case.closed", "Case closed"
    CASE_INTERSTATE_REFERRED = "case.interstate_referred", "Case interstate referred"
    CASE_NOTE_ADDED = "case.note_added", "Case note added"
    CASE_OPENED = "case.opened", "Case opened"
    CASE_REASSIGNED = "case.reassigned", "Case reassigned"
    CASE_STAGE_CHANGED = "case.stage_changed", "Case stage changed"
    CHARGES_ACCRUED = "charges.accrued", "Charges accrued"
    COLLECTION_HELD = "collection.held", "Collection held"
    COLLECTION_POSTED = "collection.posted", "Collection posted"
    COLLECTION_RELEASED = "collection.released", "Collection released"
    COLLECTION_REVERSED = "collection.reversed", "Collection reversed"
    COLLECTIONS_REDISTRIBUTED = "collections.redistributed", "Collections redistributed"
    DEMO_CASES_SEEDED = "demo.cases_seeded", "Demo cases seeded"
    DISBURSEMENTS_SWEPT = "disbursements.swept", "Disbursements swept"
    FVI_OVERRIDE_GRANTED = "fvi.override_granted", "FVI override granted"
    FVI_OVERRIDE_USED = "fvi.override_used", "FVI override used"
    LOCATE_ATTEMPTED = "locate.attempted", "Locate attempted"
    ORDER_CREATED = "order.created", "Order created"
    ORDER_ESTABLISHED = "order.established", "Order established"
    ORDER_MODIFIED = "order.modified", "Order modified"
    ORDER_REVIEW_ADJUSTMENT = "order.review_adjustment", "Order review adjustment"
    ORDER_REVIEW_CALCULATED = "order.review_calculated", "Order review calculated"
    ORDER_REVIEW_NO_CHANGE = "order.review_no_change", "Order review no change"
    ORDER_REVIEW_OPENED = "order.review_opened", "Order review opened"
    ORDER_REVIEW_PETITION = "order.review_petition", "Order review petition"
    PERSON_MERGE_UNDONE = "person.merge_undone", "Person merge undone"
    PERSON_MERGED = "person.merged", "Person merged"
    WORK_ITEM_CREATED = "work_item.created", "Work item created"
    WORK_ITEM_DONE = "work_item.done", "Work item done"
    WORK_ITEM_REASSIGNED = "work_item.reassigned", "Work item reassigned"
