"""A web process freezes what start-up allocated (core.startup, config/wsgi.py)."""

from __future__ import annotations

import gc

from core.startup import startup_freeze


def test_startup_freeze_takes_the_loaded_application_out_of_collections():
    try:
        frozen = startup_freeze()
        assert frozen > 10_000  # modules, classes, URL patterns, settings
        gc.collect()  # a full collection still runs, over what was allocated since, and thaws none
        # Not exactly `frozen`: a frozen object that reference counting frees (the collection's
        # garbage may hold the last reference to one) leaves the permanent generation, and another
        # thread of the test process, a live server's, may freeze more. A thaw would empty it.
        assert gc.get_freeze_count() > frozen * 0.9
    finally:
        gc.unfreeze()


def test_the_wsgi_and_asgi_entry_points_freeze_after_loading():
    import importlib
    import sys

    for name in ("config.wsgi", "config.asgi"):
        gc.unfreeze()
        try:
            module = importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
            assert module.application is not None and gc.get_freeze_count() > 10_000, name
        finally:
            gc.unfreeze()
