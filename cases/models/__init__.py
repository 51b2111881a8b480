"""Cases models (re-exported here: ``from cases.models import Case``)."""

from .cases import Case, CaseNote, CaseParticipant, FviOverride
from .documents import CaseDocument
from .ledger import Allocation, AssistanceSpell, CaseBalance, Collection, Disbursement, LedgerEntry, LedgerRun
from .letters import LetterChannel, SentLetter
from .orders import MONTHLY_FACTOR, Obligation, SupportOrder
from .people import Address, Employer, Employment, Person
from .reviews import OrderReview
from .work import LocateAttempt, WorkItem

__all__ = [
    "MONTHLY_FACTOR",
    "Address",
    "Allocation",
    "AssistanceSpell",
    "Case",
    "CaseBalance",
    "CaseDocument",
    "CaseNote",
    "CaseParticipant",
    "Collection",
    "Disbursement",
    "Employer",
    "Employment",
    "FviOverride",
    "LedgerEntry",
    "LetterChannel",
    "SentLetter",
    "LedgerRun",
    "LocateAttempt",
    "Obligation",
    "OrderReview",
    "Person",
    "SupportOrder",
    "WorkItem",
]
