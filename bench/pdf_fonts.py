"""CPU per PDF page with the DejaVu fonts parsed per document (fpdf2's ``add_font``), read once
per process (``core.pdf.add_truetype_font``), and read once and cut to the document's glyphs
(``core.pdf.SharedFontPdf``: a new set of glyphs, and one cut already), issue 18.1.

    nice .venv/bin/python bench/pdf_fonts.py [rounds]

Each round writes the same one-page document each way (regular and bold, a line in several
scripts), then a one-page letter (``core.letters.letter_pdf``) as the application writes it (its
fonts cut, from a cut already made).
Prints the median CPU seconds per document (process time: the figure holds on a busy machine);
not a test.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from fpdf import FPDF  # noqa: E402

from core.letters import Letter, MailingBlock, letter_pdf  # noqa: E402
from core.pdf import DEJAVU, SharedFontPdf, _font_cut_to, add_truetype_font  # noqa: E402

LINES = ["Minh Nguyễn, 12 Elm Street", "José Muñoz — 1 × 2 ≤ 3", "Ольга Петрова", "Γιώργος Παπαδόπουλος"]


def page(add, cls: type[FPDF] = FPDF) -> bytes:
    pdf = cls(format="Letter")
    add(pdf, "DejaVu", "", DEJAVU / "DejaVuSans.ttf")
    add(pdf, "DejaVu", "B", DEJAVU / "DejaVuSans-Bold.ttf")
    pdf.add_page()
    for n, line in enumerate(LINES):
        pdf.set_font("DejaVu", "B" if n % 2 else "", 11)
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def parsed_per_document(pdf: FPDF, family: str, style: str, path: Path) -> None:
    pdf.add_font(family, style, path)


def letter() -> bytes:
    return letter_pdf(
        Letter(
            kind="notice",
            subject="Notice of intent",
            recipient=MailingBlock(name="Minh Nguyễn", lines=["12 Elm Street", "Albany NY 12207"]),
            date=date(2026, 12, 4),
            references=[("Case number", "NY-1")],
            sections=[("", "Your case has arrears. " * 20)],
            citation="42 USC 654(26)",
        )
    )


def cpu(run) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    page(add_truetype_font), letter()  # the first document pays the imports and the one parse
    figures: dict[str, list[float]] = {
        "per document": [],
        "once per process": [],
        "cut, new glyphs": [],
        "cut, cut made": [],
        "letter": [],
    }
    for _ in range(rounds):
        figures["per document"].append(cpu(lambda: page(parsed_per_document)))
        figures["once per process"].append(cpu(lambda: page(add_truetype_font)))
        _font_cut_to.cache_clear()
        figures["cut, new glyphs"].append(cpu(lambda: page(add_truetype_font, SharedFontPdf)))
        figures["cut, cut made"].append(cpu(lambda: page(add_truetype_font, SharedFontPdf)))
        letter()
        figures["letter"].append(cpu(letter))
    for name, times in figures.items():
        print(f"{name:>18}: {statistics.median(times) * 1000:6.1f} ms CPU per one-page PDF (median of {rounds})")


if __name__ == "__main__":
    main()
