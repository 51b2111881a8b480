"""Cases writes (services: ``<entity>_<action>``, keyword-only, transactional).

A package so the case life cycle (``cases.services.cases``), work items
(``cases.services.work``) and the ledger (``cases.services.ledger``, written by the ledger
helper) live in separate modules; everything callers use is re-exported here.
"""

from .assistance import assistance_by_month, case_assistance_change, case_assistance_paid
from .case_details import case_details_correct, counties_staffed
from .cases import (
    CLOSURE_LOW_ARREARS_LIMIT,
    CaseAlreadyOpened,
    ObligationData,
    PartyData,
    ProbableMatches,
    SsnOnFileDiffers,
    case_close,
    case_create,
    case_deadline_refresh,
    case_interstate_referred,
    case_ncp_located,
    case_note_add,
    case_number_next,
    case_reassign,
    case_stage_change,
    closure_shown,
    locate_attempt_record,
    order_create,
    work_item_complete,
    work_item_reassign,
)
from .closure import (
    case_close_request,
    closure_notice_answer,
    closure_notice_due_sweep,
    closure_notice_send,
)
from .letters import letter_deliver, letter_mark_returned, letter_record
from .locate import fvi_override_grant, fvi_override_use, locate_due_sweep, locate_next_due
from .participants import PaternityData, case_child_add, case_child_end, paternity_record, paternity_shown
from .people import (
    PersonUpdate,
    SsnOnFileForAnother,
    SsnSameAsOnFile,
    person_merge,
    person_merge_undo,
    person_ssn_correct,
    person_update,
)
from .work import work_item_create, work_item_settle_refusal, work_item_update

__all__ = [
    "CLOSURE_LOW_ARREARS_LIMIT",
    "CaseAlreadyOpened",
    "assistance_by_month",
    "case_assistance_change",
    "case_assistance_paid",
    "ObligationData",
    "PartyData",
    "ProbableMatches",
    "SsnOnFileDiffers",
    "PaternityData",
    "case_child_add",
    "case_child_end",
    "paternity_record",
    "paternity_shown",
    "person_merge",
    "person_merge_undo",
    "PersonUpdate",
    "SsnOnFileForAnother",
    "SsnSameAsOnFile",
    "person_ssn_correct",
    "person_update",
    "case_close",
    "case_close_request",
    "closure_shown",
    "closure_notice_answer",
    "closure_notice_due_sweep",
    "closure_notice_send",
    "case_create",
    "case_deadline_refresh",
    "case_interstate_referred",
    "case_details_correct",
    "counties_staffed",
    "case_ncp_located",
    "case_note_add",
    "case_number_next",
    "case_reassign",
    "case_stage_change",
    "fvi_override_grant",
    "fvi_override_use",
    "letter_mark_returned",
    "letter_deliver",
    "letter_record",
    "locate_attempt_record",
    "locate_due_sweep",
    "locate_next_due",
    "order_create",
    "work_item_complete",
    "work_item_create",
    "work_item_reassign",
    "work_item_settle_refusal",
    "work_item_update",
]

# The ledger part (cases/services/ledger.py, ledger_accrual.py; see docs/ledger.md).
from .ledger import (  # noqa: E402
    CollectionItem,
    CollectionResult,
    collection_post,
    collection_release,
    collection_reverse,
    collections_post_batch,
)
from .ledger_accrual import charges_accrue  # noqa: E402

__all__ += [
    "CollectionItem",
    "CollectionResult",
    "charges_accrue",
    "collection_post",
    "collection_release",
    "collection_reverse",
    "collections_post_batch",
]
