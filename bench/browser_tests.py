"""The browser tests' cost (issue 18.1): wall and CPU seconds of one pytest run of tests/e2e.

    nice -n 19 .venv/bin/python bench/browser_tests.py [pytest arguments, default: tests/e2e]

Runs ``python -m pytest -p no:randomly -q -n 0 <args> --durations=0`` in a child process and
prints its wall time, the CPU seconds of the child and everything it waited for (pytest, the live
server thread, the Playwright driver, Chromium and its renderers), and the summed call, setup and
teardown times of the role walks and of the other tests. On a shared machine the wall time swings
with whatever else runs; the CPU seconds much less. Prints figures; not a test.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]


def main(args: list[str]) -> int:
    command = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-q", "-n", "0", *(args or ["tests/e2e"])]
    command.append("--durations=0")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, cwd=BASE, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for seconds, phase, test in re.findall(r"^([\d.]+)s (call|setup|teardown)\s+(\S+)", run.stdout, re.M):
        kind = "role walks" if "test_role_walk" in test else "other tests"
        sums[(kind, phase)] += float(seconds)
    print(" ".join(command[1:]))
    print(run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:])
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s (user {after.ru_utime - before.ru_utime:.1f} s)")
    for kind in ("role walks", "other tests"):
        parts = ", ".join(f"{phase} {sums[(kind, phase)]:.1f} s" for phase in ("call", "setup", "teardown"))
        print(f"{kind}: {parts}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
