"""What each role may do in complaints (see accounts/roles.py and docs/roles.md).

The ombudsperson takes, investigates and resolves complaints; a coordinator reads everything; both
may extend a due date as the director's designee (Fam. Code 17800; an office withdraws the
permission from a role with ``CASEWORKS_PERMISSIONS_WITHDRAWN=ombudsperson:complaints.extend_complaint``); caseworkers may file a complaint on someone's behalf (and see what
they filed or investigate); hearing officers read the complaint behind a hearing request.
"""

PERMISSIONS: dict[str, list[str]] = {
    "ombudsperson": [
        "complaints.add_complaint",
        "complaints.change_complaint",
        "complaints.view_complaint",
        "complaints.view_all_complaints",
        "complaints.assign_complaint",
        "complaints.resolve_complaint",
        "complaints.view_complaint_report",
        "complaints.extend_complaint",
        "complaints.add_communication",
        "complaints.view_communication",
        "complaints.add_referral",
        "complaints.change_referral",
        "complaints.view_referral",
    ],
    "coordinator": ["complaints.view_*", "complaints.extend_complaint", "complaints.assign_complaint"],
    "hearing_officer": ["complaints.view_complaint", "complaints.view_all_complaints"],
    "caseworker": ["complaints.add_complaint", "complaints.view_complaint"],
    "quality_analyst": ["complaints.view_complaint_report"],
}
