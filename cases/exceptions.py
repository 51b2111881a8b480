"""Errors the cases services raise for callers to map (API 409, form errors)."""


class CollectionConflict(Exception):
    """The same source reference arrived again with different content."""
