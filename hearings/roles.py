"""What each role may do in hearings (see accounts/roles.py and docs/roles.md).

The ombudsperson helps people request a state hearing; the hearing officer schedules, hears and
decides; the coordinator reads everything and tracks the compliance actions a decision orders.
"""

PERMISSIONS: dict[str, list[str]] = {
    "ombudsperson": [
        "hearings.add_hearingrequest",
        "hearings.view_hearingrequest",
        "hearings.view_all_hearings",
        "hearings.view_hearing",
    ],
    "hearing_officer": [
        "hearings.add_hearingrequest",
        "hearings.view_hearingrequest",
        "hearings.change_hearingrequest",
        "hearings.view_all_hearings",
        "hearings.schedule_hearing",
        "hearings.decide_hearing",
        "hearings.view_hearing",
        "hearings.add_hearing",
        "hearings.change_hearing",
        "hearings.view_complianceaction",
        "hearings.add_complianceaction",
        "hearings.change_complianceaction",
    ],
    "coordinator": ["hearings.view_*", "hearings.change_complianceaction"],
}
