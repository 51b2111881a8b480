"""Partner file interchange: fixed-width layouts (``fixedwidth``) declared in ``layouts/``."""
