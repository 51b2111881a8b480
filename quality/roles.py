"""What each role may do in quality (see accounts/roles.py and docs/roles.md).

Quality analysts run everything here; coordinators read it (the cases behind a figure are
opened with the case permissions that cases/roles.py grants them).
"""

PERMISSIONS: dict[str, list[str]] = {
    "quality_analyst": ["quality.*"],
    "coordinator": ["quality.view_*"],
}
