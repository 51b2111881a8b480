"""Compile every ``locale/<lang>/LC_MESSAGES/*.po`` of the project into its ``.mo`` with polib: what
``manage.py compilemessages`` does, without GNU gettext's ``msgfmt`` (a clean clone has only the
virtualenv). Fuzzy entries are left out, as msgfmt does. ``--check`` exits 1 when a ``.mo`` is
missing or differs from its ``.po`` (CI and tests/core/test_i18n.py)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compiled(po_path: Path) -> bytes:
    po = polib.pofile(str(po_path))
    for entry in po.fuzzy_entries():
        po.remove(entry)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "out.mo"
        po.save_as_mofile(str(target))
        return target.read_bytes()


def catalogues() -> list[Path]:
    return sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if mo_path.exists() and mo_path.read_bytes() == data:
            continue
        if check:
            stale.append(str(mo_path.relative_to(ROOT)))
        else:
            mo_path.write_bytes(data)
            print(f"compiled {po_path.relative_to(ROOT)}")
    if stale:
        print("out of date (run `make messages`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
