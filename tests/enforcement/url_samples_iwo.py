"""Sample URL arguments of the income withholding pages (the every-URL × every-role walk)."""

from datetime import date

from enforcement.services.withholding import iwo_reconcile_action
from tests.enforcement.iwo_factories import active_withholding_action


def url_samples(*, users) -> dict[str, dict]:
    action = active_withholding_action(health=True)
    iwo = iwo_reconcile_action(action=action, on=date(2026, 11, 30))[0]
    return {
        "enforcement:action_iwo_issue": {"pk": action.pk},
        "enforcement:action_iwo_lump_sum": {"pk": action.pk},
        "enforcement:iwo_detail": {"pk": iwo.pk},
        "enforcement:iwo_pdf": {"pk": iwo.pk},
    }
