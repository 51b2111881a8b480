"""Enforcement writes, one module per area (re-exported here for callers)."""

from .courts import petition_create
from .rules import rule_revise

__all__ = ["petition_create", "rule_revise"]
