"""Enforcement models, one module per area (re-exported here).

- ``rules``: remedy rules as dated, versioned data;
- ``sweeps``: nightly sweep runs and their chunks;
- ``actions``: enforcement actions and bank matches;
- ``courts``: petitions, hearings, appearances, criminal referrals;
- ``withholding``: income withholding orders sent to employers (IWO, e-IWO).
Other modules of the app (payment files, bank reconciliation) live beside these.
"""

from .actions import BankMatch, EnforcementAction, LicenceIncomeCheck
from .bank import BankAccount, BankStatement, BankTransaction, ReconciliationException
from .courts import Appearance, CourtHearing, CriminalReferral, Petition
from .offset import OffsetCertification, OffsetCollection
from .partner_files import PartnerFile
from .payments import DisbursementExport, PayeeAccount, PaymentFile
from .returns import DisbursementExportEntry, DisbursementReturn, NachaReturnFile
from .rules import RemedyRule
from .sweeps import SweepChunk, SweepRun
from .withholding import EiwoControl, IncomeWithholdingOrder

__all__ = [
    "Appearance",
    "BankAccount",
    "BankMatch",
    "BankStatement",
    "BankTransaction",
    "CourtHearing",
    "CriminalReferral",
    "DisbursementExport",
    "DisbursementExportEntry",
    "DisbursementReturn",
    "EiwoControl",
    "EnforcementAction",
    "IncomeWithholdingOrder",
    "LicenceIncomeCheck",
    "NachaReturnFile",
    "OffsetCertification",
    "OffsetCollection",
    "PartnerFile",
    "PayeeAccount",
    "PaymentFile",
    "Petition",
    "ReconciliationException",
    "RemedyRule",
    "SweepChunk",
    "SweepRun",
]
