from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        "Complaint reminders",
        "complaints.tasks.send_reminders_task",
        minute="0",
        hour="7",
        description="Due-soon and overdue complaints, referrals to forward: email + in-app notice.",
    ),
]
