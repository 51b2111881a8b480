from core.schedules import Schedule

SCHEDULES = [
    Schedule("Nightly enforcement sweep", "enforcement.tasks.nightly_sweep_task", hour="2", minute="30",
             description="Propose, move on and release enforcement actions (set-based, fanned out in chunks)."),
]
