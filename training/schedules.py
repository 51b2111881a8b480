from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        "Training compliance reminders",
        "training.tasks.compliance_reminders_task",
        hour="6",
        minute="15",
        description="Remind staff of required training due soon, overdue or never taken (email + in-app).",
    ),
]
