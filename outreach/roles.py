"""What each role may do in outreach (see accounts/roles.py and docs/roles.md).

The outreach & media coordinator runs the whole area, approval of media responses included. The
coordinator reads everything. Every other staff role may open the outreach calendar (public-facing
information: what, when, where) so that caseworkers can point parents to an event; attendee lists
stay with outreach.
"""

PERMISSIONS: dict[str, list[str]] = {
    "outreach": ["outreach.*"],
    "coordinator": ["outreach.view_*"],
    **{
        role: ["outreach.view_calendar"]
        for role in (
            "caseworker",
            "enforcement_specialist",
            "ombudsperson",
            "hearing_officer",
            "trainer",
            "quality_analyst",
        )
    },
}
