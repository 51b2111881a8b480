"""Periodic cases jobs (created in django-celery-beat after migrate; editable in admin)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        "Accrue charges",
        "cases.accrue_charges",
        minute="15",
        hour="1",
        description="Charges for every obligation due date up to today; idempotent.",
    ),
    Schedule(
        "Disbursement sweep",
        "cases.sweep_disbursements",
        minute="0",
        hour="6",
        description="Flags family disbursements past 2 business days (42 USC 654b(c)).",
    ),
    Schedule(
        "Locate repeats due",
        "cases.locate_due_sweep",
        minute="30",
        hour="5",
        description="Work item for each unlocated NCP whose quarterly locate attempt is due (45 CFR 303.3(b)(3)).",
    ),
    Schedule(
        "Closure notices due",
        "cases.closure_notice_due_sweep",
        minute="45",
        hour="5",
        description="Work item 'close or keep open' for each case whose notice of intent to close reached its "
        "due date, 60 days after it (45 CFR 303.11(d)(1)); nothing closes by itself.",
    ),
]
