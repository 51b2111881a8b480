"""What each role may do in cases (see accounts/roles.py and docs/roles.md).

Case scope (cases.models.scope): holders of ``cases.view_all_cases`` see every case; others see
their county's cases, and a user without a county none. Writes to a case (notes, payments, work
items, orders, participants) stay in the user's own county whatever they may read, and are limited
to their own caseload unless the role holds ``cases.work_any_case_in_county``: coordinators
supervise the office, and enforcement specialists work the enforcement queue across every
caseworker's cases, of their county. ``cases.view_ssn`` unmasks SSNs on the person
page (logged); ``cases.view_fti`` (plus current FTI training) shows tax-offset sources.
"""

_READ_CASE = [
    "cases.view_case",
    "cases.view_person",
    "cases.view_caseparticipant",
    "cases.view_casenote",
    "cases.view_supportorder",
    "cases.view_obligation",
    "cases.view_casebalance",
    "cases.view_ledgerentry",
    "cases.view_collection",
    "cases.view_allocation",
    "cases.view_disbursement",
    "cases.view_employer",
    "cases.view_employment",
    "cases.view_address",
    "cases.view_locateattempt",
    "cases.view_workitem",
    "cases.view_casedocument",  # documents on a case (FVI whereabouts withheld by cases.redaction)
]

PERMISSIONS: dict[str, list[str]] = {
    "caseworker": [
        "cases.change_collection",  # release a held collection to a case (ledger)
        *_READ_CASE,
        "cases.add_case",
        "cases.change_case",
        "cases.close_case",
        "cases.view_ssn",
        "cases.add_person",
        "cases.change_person",
        "cases.add_address",
        "cases.add_caseparticipant",
        "cases.add_casenote",
        "cases.add_casedocument",
        "cases.add_supportorder",
        "cases.change_supportorder",
        "cases.add_obligation",
        "cases.add_collection",
        "cases.add_employer",
        "cases.add_employment",
        "cases.change_employment",
        "cases.add_locateattempt",
        "cases.add_workitem",
        "cases.change_workitem",
        "cases.view_orderreview",
        "cases.add_orderreview",
        "cases.change_orderreview",
    ],
    "enforcement_specialist": [
        "cases.change_collection",  # release a held collection to a case (ledger)
        *_READ_CASE,
        "cases.view_all_cases",
        "cases.work_any_case_in_county",
        "cases.view_fti",
        "cases.add_casenote",
        "cases.add_casedocument",
        "cases.add_collection",
        "cases.add_workitem",
        "cases.change_workitem",
    ],
    "coordinator": [
        "cases.change_collection",  # release a held collection to a case (ledger)
        "cases.view_*",
        "cases.work_any_case_in_county",
        "cases.add_orderreview",
        "cases.change_orderreview",
        "cases.change_case",
        "cases.reassign_case",
        "cases.transfer_case",  # correct a case's county: hands it to that county (cases.services.case_details)
        "cases.close_case",
        "cases.override_fvi",
        "cases.merge_person",  # one person, one record: merge duplicates (and undo the same day)
        "cases.change_person",  # details, SSN, paternity (45 CFR 303.5)
        "cases.add_address",  # record a parent's new address on any case of the county (cases.whereabouts_views)
        "cases.clear_fvi",  # remove a family violence indicator: releases whereabouts (42 USC 654(26))
        "cases.add_caseparticipant",  # add a child to an open case
        "cases.add_employer",  # a job learned of at the desk (the person page), across the office
        "cases.add_employment",
        "cases.change_employment",
        "cases.confirm_employment",  # on the employer's written word: a job awaiting confirmation (FVI)
        "cases.add_casenote",
        "cases.add_casedocument",
        "cases.release_document",  # change or clear whose whereabouts a document shows (releases it)
        "cases.withdraw_document",  # withdraw a document attached to the wrong case (kept on file)
        "cases.add_workitem",
        "cases.change_workitem",
        "cases.add_ledgerrun",  # start an accrual by hand, resume a stuck one (core/jobs.py)
    ],
    "ombudsperson": [*_READ_CASE, "cases.view_all_cases"],
    "hearing_officer": [*_READ_CASE, "cases.view_all_cases", "cases.override_fvi"],
    "quality_analyst": [*_READ_CASE, "cases.view_all_cases"],
}
