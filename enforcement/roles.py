"""What each role may do in enforcement (see accounts/roles.py and docs/roles.md)."""

_COURT_WORK = [
    "enforcement.add_petition",
    "enforcement.change_petition",
    "enforcement.add_courthearing",
    "enforcement.change_courthearing",
    "enforcement.add_appearance",
    "enforcement.change_appearance",
    "enforcement.add_criminalreferral",
    "enforcement.change_criminalreferral",
]

# Employer payment files, disbursement files and bank reconciliation: specialists upload and work
# exceptions; the coordinator also resolves them.
_PAYMENT_FILE_WORK = [
    "enforcement.view_paymentfile",
    "enforcement.add_paymentfile",
    "enforcement.view_disbursementexport",
    "enforcement.view_bankaccount",
    "enforcement.view_bankstatement",
    "enforcement.add_bankstatement",
    "enforcement.view_banktransaction",
    "enforcement.view_reconciliationexception",
    "enforcement.change_reconciliationexception",
    "enforcement.view_nachareturnfile",
    "enforcement.add_nachareturnfile",
    "enforcement.view_disbursementreturn",
    "enforcement.view_partnerfile",
    "enforcement.add_partnerfile",
]

PERMISSIONS: dict[str, list[str]] = {
    "coordinator": [
        "enforcement.view_*",
        "enforcement.change_remedyrule",  # a new dated version of a rule (the rules page)
        "enforcement.work_enforcementaction",
        "enforcement.decide_contest",
        "enforcement.run_sweep",
        *_COURT_WORK,
        *_PAYMENT_FILE_WORK,
        "enforcement.resolve_reconciliationexception",
    ],
    "enforcement_specialist": [
        "enforcement.view_remedyrule",
        "enforcement.view_sweeprun",
        "enforcement.view_enforcementaction",
        "enforcement.work_enforcementaction",
        "enforcement.view_incomewithholdingorder",
        "enforcement.view_bankmatch",
        "enforcement.view_petition",
        "enforcement.view_courthearing",
        "enforcement.view_appearance",
        "enforcement.view_criminalreferral",
        *_COURT_WORK,
        *_PAYMENT_FILE_WORK,
    ],
    "caseworker": [
        "enforcement.view_enforcementaction",
        "enforcement.view_incomewithholdingorder",
        "enforcement.view_petition",
        "enforcement.view_courthearing",
        "enforcement.view_criminalreferral",
        "enforcement.view_remedyrule",
    ],
    "hearing_officer": ["enforcement.view_petition", "enforcement.view_courthearing"],
    "quality_analyst": [
        "enforcement.view_enforcementaction",
        "enforcement.view_incomewithholdingorder",
        "enforcement.view_remedyrule",
        "enforcement.view_petition",
        "enforcement.view_sweeprun",
    ],
    "ombudsperson": [
        "enforcement.view_enforcementaction",
        "enforcement.view_incomewithholdingorder",
        "enforcement.view_remedyrule",
    ],
}
