from datetime import date

from cases.choices import LedgerRunKind
from cases.models import LedgerRun


def url_samples(*, users) -> dict[str, dict]:
    run = LedgerRun.objects.create(kind=LedgerRunKind.ACCRUAL, run_on=date(2026, 12, 1), chunk_count=1)
    return {"cases:ledgerrun_resume": {"pk": run.pk}}
