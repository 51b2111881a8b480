"""One module per partner file layout; each registers its ``FileLayout`` with
``enforcement.interchange.fixedwidth.register_layout`` (``all_layouts()`` imports them all)."""
