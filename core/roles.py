"""Who may browse the audit trail: coordinators (and administrators, who hold everything)."""

PERMISSIONS: dict[str, list[str]] = {
    "coordinator": ["core.view_accesslog", "core.view_domainevent"],
}
