"""What a long-running process (web, Celery worker) does once it has loaded the application."""

from __future__ import annotations

import gc


def startup_freeze() -> int:
    """Load every URLconf and view, collect once, then ``gc.freeze()`` what start-up allocated;
    returns how many objects were frozen.

    A loaded process holds about 250,000 objects (Django, the apps, fpdf2, fontTools...) that live
    as long as it does. Python's full collection scans them all, every few requests of a page that
    allocates much (a ten-year statement: every seventh request or so), and that one request took
    100–300 ms longer on a loaded machine: the p95 of the page was its garbage collections. Frozen
    objects are never scanned (nor freed: they are the process's own modules, classes and
    settings). Forking servers also keep their pages shared (the use ``gc.freeze`` was made for)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf, view, form and model it names
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
