"""docs/domain.md stays true as the code moves (issue 18.8): every rule's "where" names files that
exist, the functions and classes it names after a Python file are defined (or imported) there, and
every legal parameter key it names is seeded (``core/legal_seed.py``; ``*`` and ``<jur>`` stand for
any part of a key)."""

from __future__ import annotations

import re
from pathlib import Path

from core.legal_seed import SEED_ROWS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "domain.md"
PATH = re.compile(r"[\w.-]+(?:/[\w.-]*)+")
NAME = re.compile(r"(\w+)(?:\.(\w+))?(?:\(\))?")  # a function, a class, or a class's method
KEY = re.compile(r"(?:<jur>|us|ny|ca)\.[\w.*]+")


def _where_cells() -> list[tuple[int, str]]:
    """The last cell ("where") of every table row of the page, by line number."""
    return [
        (number, line.rstrip().rstrip("|").rsplit("|", 1)[-1])
        for number, line in enumerate(DOC.read_text().splitlines(), 1)
        if line.startswith("| ") and not line.startswith("| rule ")
    ]


def _defines(source: str, name: str) -> bool:
    return bool(
        re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b|^\s*{name}\s*(?::[^=\n]*)?=", source, re.MULTILINE)
        or re.search(rf"^\s*(?:from\s+\S+\s+)?import\s+(?:[^\n]*[\s,(])?{name}\b", source, re.MULTILINE)
    )


def _key_pattern(key: str) -> re.Pattern:
    return re.compile(re.escape(key).replace(r"<jur>", r"(?:us|ny|ca)").replace(r"\*", r"[\w.]+") + r"\Z")


def test_every_file_and_name_the_domain_page_points_to_exists():
    missing, checked = [], 0
    for number, cell in _where_cells():
        current: Path | None = None  # the Python file a following name belongs to
        for token in re.findall(r"`([^`]+)`", cell):
            if PATH.fullmatch(token):
                path = ROOT / token
                checked += 1
                if not path.exists():
                    missing.append(f"line {number}: no file {token}")
                current = path if path.suffix == ".py" and path.exists() else None
            elif current is not None and (name := NAME.fullmatch(token)):
                checked += 1
                source = current.read_text()
                if not _defines(source, name.group(1)) or (name.group(2) and f"def {name.group(2)}(" not in source):
                    missing.append(f"line {number}: {token} is not in {current.relative_to(ROOT)}")
    assert checked > 60, checked  # the page was read (a table the parsing missed would pass here)
    assert not missing, "\n".join(missing)


def test_every_legal_key_the_domain_page_names_is_seeded():
    seeded = {row["key"] for row in SEED_ROWS}
    named = [
        (number, token)
        for number, cell in _where_cells()
        for token in re.findall(r"`([^`]+)`", cell)
        if KEY.fullmatch(token) and not token.endswith(".py")
    ]
    assert len(named) > 10, named
    unknown = [f"line {number}: {key}" for number, key in named if not any(_key_pattern(key).match(s) for s in seeded)]
    assert not unknown, "\n".join(unknown)


def test_the_checks_would_see_a_wrong_name():
    source = (ROOT / "cases" / "services" / "cases.py").read_text()
    assert _defines(source, "case_interstate_referred")
    assert not _defines(source, "case_interstate_refered")
    assert _defines((ROOT / "core" / "business_days.py").read_text(), "holidays")  # a library it imports
    assert _key_pattern("<jur>.complaint.*").match("ca.complaint.resolution_days")
    assert not _key_pattern("us.enforcement.action_days").match("us.enforcement.action_days_service")
