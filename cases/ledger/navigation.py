from core.navigation import MenuGroup, MenuItem

MENU = MenuGroup(
    "Payments",
    [
        MenuItem("Held collections", "ledger:held_list", "cases.view_collection"),
        MenuItem("Late disbursements", "ledger:late_disbursements", "cases.view_disbursement"),
    ],
)
