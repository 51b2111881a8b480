"""Helpers for the rtletters red-team tests: a PDF as its reader sees it (poppler's pdftotext)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from html import unescape


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace collapsed (pdftotext, reading order)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        out = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def words(content: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word (pdftotext -bbox)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        out = subprocess.run(["pdftotext", "-bbox", f.name, "-"], capture_output=True, check=True).stdout.decode()
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
