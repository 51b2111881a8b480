from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        "Quality measures snapshot",
        "quality.tasks.snapshot_task",
        minute="30",
        hour="3",
        description="Stores the federal measures and timeframe rates per office, county and caseworker.",
    ),
]
