"""Reproducible stratified random samples for self-assessment reviews (45 CFR 308.2).

The same population, size and seed always give the same sample, whatever order the database
returns rows in: the population is sorted first, the size is allocated to strata in proportion
(largest remainder, ties by stratum name) and each stratum is drawn with its own seeded generator.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` draws across strata in proportion to their sizes (largest remainder)."""
    population = sum(sizes.values())
    if population == 0 or total <= 0:
        return dict.fromkeys(sizes, 0)
    total = min(total, population)
    exact = {s: total * n / population for s, n in sizes.items()}
    alloc = {s: int(v) for s, v in exact.items()}
    leftover = total - sum(alloc.values())
    for s in sorted(exact, key=lambda s: (-(exact[s] - alloc[s]), s))[:leftover]:
        alloc[s] += 1
    return alloc


def stratified_sample(population: Iterable[tuple[int, str]], *, size: int, seed: str) -> list[tuple[int, str]]:
    """Draw ``size`` (id, stratum) pairs; reproducible for a seed."""
    strata: dict[str, list[int]] = defaultdict(list)
    for item_id, stratum in population:
        strata[stratum or ""].append(item_id)
    alloc = allocate({s: len(ids) for s, ids in strata.items()}, size)
    chosen: list[tuple[int, str]] = []
    for stratum in sorted(strata):
        ids = sorted(set(strata[stratum]))
        rng = random.Random(f"{seed}:{stratum}")
        chosen.extend((i, stratum) for i in sorted(rng.sample(ids, alloc[stratum])))
    return chosen
