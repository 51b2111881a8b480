"""One module per partner file kind; each calls
``enforcement.services.partner_files.register_partner_file_kind`` at import
(``partner_file_kinds()`` imports them all)."""
