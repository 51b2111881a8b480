from core.schedules import Schedule

SCHEDULES = [
    Schedule("Media inquiry reminders", "outreach.tasks.media_reminders_task", minute="0", hour="7",
             description="Remind spokespeople of media inquiries due soon or overdue (once each)."),
]
