"""Python's cyclic garbage collector around batch work (``core.startup`` freezes what start-up loaded)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (as it was after).

    A batch that holds hundreds of thousands of rows, records and tuples until it ends makes the
    collector run a full collection each time the live objects grow by a quarter, and each one
    scans them all, though none of them is garbage (rows and strings form no cycles): building
    and checking the disbursement file of 334,527 entries spent about a third of its CPU there.
    Reference counting still frees everything that is not in a cycle; what is, waits for the
    next collection after the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
