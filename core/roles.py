"""Who may browse the audit trail: coordinators (and administrators, who hold everything).
Every staff role reads the legal parameters (the page "Legal parameters"); partners use the API only."""

_LEGAL = "core.view_legalparameter"
_STAFF = (
    "caseworker",
    "enforcement_specialist",
    "ombudsperson",
    "hearing_officer",
    "outreach",
    "trainer",
    "quality_analyst",
)  # (core imports no other app: the role names of accounts.choices.Role)

PERMISSIONS: dict[str, list[str]] = {
    "coordinator": ["core.view_accesslog", "core.view_domainevent", _LEGAL],
    **{role: [_LEGAL] for role in _STAFF},
}
