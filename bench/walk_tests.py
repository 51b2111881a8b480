"""CPU seconds of each of the suite's walks (every URL, page, export, admin page and partner API
answer; issue 18.1), test by test: not a test.

    nice -n 19 .venv/bin/python bench/walk_tests.py [pytest node ids or -k ...]

Runs the walks in one pytest process (``-n 0``, SQLite) and prints, for each test, the CPU seconds
of its call (process time: the figure holds on a busy machine, where the wall time would not) and
its wall time, then the totals. Without arguments it runs the tests of issue 18.1's list.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[1]
WALKS = [
    "tests/cases/test_fvi_sweep.py::test_no_channel_shows_an_fvi_persons_whereabouts",
    "tests/test_url_access.py::test_every_object_url_follows_county_and_caseload_scope",
    "tests/test_url_access.py::test_every_url_for_every_role",
    "tests/core/test_csv.py::test_every_csv_export_neutralises_every_free_text_field",
    "tests/core/test_home_cards_match_lists.py::test_every_home_card_opens_a_list_of_as_many_rows",
    "tests/core/test_models_registered.py::test_every_admin_changelist_loads_for_a_superuser",
]


class CallTimes:
    """A pytest plugin: the CPU and wall seconds of each test's call phase."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, str]] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = yield
        status = "failed" if outcome.excinfo is not None else "passed"
        self.rows.append((item.nodeid, time.process_time() - cpu, time.perf_counter() - wall, status))


def main(args: list[str]) -> int:
    os.chdir(BASE)
    sys.path.insert(0, str(BASE))
    plugin = CallTimes()
    code = pytest.main(["-p", "no:randomly", "-q", "-n", "0", "--no-header", *(args or WALKS)], plugins=[plugin])
    print(f"\n{'CPU s':>7} {'wall s':>7}  test (call phase)")
    for nodeid, cpu, wall, status in sorted(plugin.rows, key=lambda row: -row[1]):
        print(f"{cpu:7.1f} {wall:7.1f}  {nodeid}{'' if status == 'passed' else '  (' + status + ')'}")
    print(
        f"{sum(r[1] for r in plugin.rows):7.1f} {sum(r[2] for r in plugin.rows):7.1f}  total of {len(plugin.rows)} tests"
    )
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"at {head}, load average {os.getloadavg()[0]:.1f}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
