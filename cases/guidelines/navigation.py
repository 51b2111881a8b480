from core.navigation import MenuGroup, MenuItem

MENU = MenuGroup(
    "Guidelines",
    [
        MenuItem("NY CSSA calculator", "guidelines:ny"),
        MenuItem("CA guideline calculator", "guidelines:ca"),
        MenuItem("Order reviews", "reviews:list", "cases.view_orderreview"),
        MenuItem("Legal parameters", "core:legal_parameters", "core.view_legalparameter"),
    ],
)
