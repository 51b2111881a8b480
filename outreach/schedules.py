from core.schedules import Schedule

SCHEDULES = [
    # Hourly, not daily: a reporter's deadline is often hours away, and an inquiry received after a
    # morning run and due the same day would otherwise get no due-soon reminder. Each reminder is
    # sent once (its dedupe key), so the extra runs send nothing twice.
    Schedule(
        "Media inquiry reminders",
        "outreach.tasks.media_reminders_task",
        minute="5",
        hour="*",
        description="Remind spokespeople of media inquiries due soon or overdue (once each).",
    ),
]
