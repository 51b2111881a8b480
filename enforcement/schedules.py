from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        "Nightly enforcement sweep",
        "enforcement.tasks.nightly_sweep_task",
        hour="2",
        minute="30",
        description="Propose, move on and release enforcement actions (set-based, fanned out in chunks).",
    ),
    Schedule(
        "Release joint-return tax offsets",
        "enforcement.tasks.offset_joint_holds_release_task",
        hour="6",
        minute="10",
        description="Distribute joint-return federal tax offsets whose hold ended (45 CFR 303.72(h)).",
    ),
    Schedule(
        "Income withholding orders",
        "enforcement.tasks.withholding_orders_task",
        hour="3",
        minute="30",
        description="Issue IWOs to employers: originals for newly active income withholding actions, "
        "amendments on order changes, terminations for ended actions (42 USC 666(b)).",
    ),
]
