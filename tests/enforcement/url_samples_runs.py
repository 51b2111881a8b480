from datetime import date

from enforcement.services.sweep import sweep_start


def url_samples(*, users) -> dict[str, dict]:
    return {"enforcement:sweeprun_resume": {"pk": sweep_start(as_of=date(2026, 12, 1)).pk}}
