"""Home cards of payment files, disbursement files and bank reconciliation (their menu group,
"Payments & bank", is declared with the others in config/navigation.py)."""

from __future__ import annotations

from django.urls import reverse

from core.navigation import HomeCard


def home_cards(request) -> list[HomeCard]:
    if not request.user.has_perm("enforcement.view_reconciliationexception"):
        return []
    from .selectors import reconciliation_open_exceptions

    info = reconciliation_open_exceptions(request.user)
    age = info["oldest_age_days"]
    return [
        HomeCard(
            title="Open reconciliation exceptions",
            value=str(info["count"]),
            url=reverse("enforcement:reconciliationexception_list") + "?status=open",
            note=f"oldest {age} days" if age is not None else "none open",
            tone="danger" if age is not None and age > 7 else ("warning" if info["count"] else "secondary"),
        )
    ]
