"""A PDF as its reader sees it (poppler's ``pdftotext``, Debian poppler-utils): its text, its words
and where each is printed. A test that reads a PDF this way is skipped where pdftotext is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html import unescape

import pytest


def _pdftotext(content: bytes, *options: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        return subprocess.run(["pdftotext", *options, f.name, "-"], capture_output=True, check=True).stdout.decode()


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace collapsed (pdftotext, reading order)."""
    return " ".join(_pdftotext(content).split())


def page_layout(content: bytes, n: int) -> str:
    """Page ``n`` (from 1) as laid out on the page (pdftotext -layout)."""
    return _pdftotext(content, "-layout", "-f", str(n), "-l", str(n))


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def words(content: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word (pdftotext -bbox)."""
    out = _pdftotext(content, "-bbox")
    result = []
    for page, chunk in enumerate(out.split("<page ")[1:], start=1):
        for m in WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            result.append((page, x0, y0, x1, y1, unescape(m.group(5))))
    return result


def overlapping_words(content: bytes) -> list[tuple[str, str]]:
    """Pairs of words printed over each other (their boxes intersect by more than a hair)."""
    found = []
    ws = words(content)
    for i, a in enumerate(ws):
        for b in ws[i + 1 :]:
            if a[0] != b[0]:
                continue
            dx = min(a[3], b[3]) - max(a[1], b[1])
            dy = min(a[4], b[4]) - max(a[2], b[2])
            if dx > 0.5 and dy > 0.5:
                found.append((a[5], b[5]))
    return found
