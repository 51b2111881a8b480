"""Enforcement pages, one module per area (actions, rules and sweeps, courts, dashboard)."""
