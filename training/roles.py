"""What each role may do in training (see accounts/roles.py and docs/roles.md).

Every staff member browses the catalogue, the schedule, the policies library and the needs survey
(and enrols, evaluates, acknowledges, answers through them); their own record is on the login-only
"my training" page. Trainers manage training; coordinators read everything.
"""

STAFF_READ = [
    "training.view_course",
    "training.view_trainingsession",
    "training.view_policydocument",
    "training.view_policyversion",
    "training.view_needssurvey",
]

PERMISSIONS: dict[str, list[str]] = {
    "caseworker": STAFF_READ,
    "enforcement_specialist": STAFF_READ,
    "ombudsperson": STAFF_READ,
    "hearing_officer": STAFF_READ,
    "outreach": STAFF_READ,
    "quality_analyst": STAFF_READ,
    "trainer": ["training.*"],
    "coordinator": ["training.view_*"],
}
