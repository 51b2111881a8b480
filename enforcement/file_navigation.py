"""Menu and home cards of payment files, disbursement files and bank reconciliation
(listed in core.navigation.EXTRA_NAVIGATION_MODULES)."""

from __future__ import annotations

from django.urls import reverse

from core.navigation import HomeCard, MenuGroup, MenuItem

MENU = MenuGroup(
    "Payments & bank",
    [
        MenuItem("Employer payment files", "enforcement:paymentfile_list", "enforcement.view_paymentfile"),
        MenuItem("Disbursement files", "enforcement:disbursementexport_list", "enforcement.view_disbursementexport"),
        MenuItem("Disbursement returns", "enforcement:nachareturnfile_list", "enforcement.view_nachareturnfile"),
        MenuItem("Bank statements", "enforcement:bankstatement_list", "enforcement.view_bankstatement"),
        MenuItem("Daily reconciliation", "enforcement:reconciliation_report", "enforcement.view_bankstatement"),
        MenuItem("Partner files", "enforcement:partnerfile_list", "enforcement.view_partnerfile"),
        MenuItem(
            "Reconciliation exceptions",
            "enforcement:reconciliationexception_list",
            "enforcement.view_reconciliationexception",
        ),
    ],
)


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
