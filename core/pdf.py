"""The one fpdf2 base for generated forms and worksheets: DejaVu Sans when the system has it
(Debian fonts-dejavu-core, ``make fonts``) so every character prints; otherwise the core Helvetica,
with what Latin-1 cannot draw replaced (``ASCII``). Letters use their own
configured font instead (``core.letters``: a letter must not fall back).

``add_truetype_font`` is how both add a TrueType font: the file is read and measured once per
process instead of once per document (issue 18.1)."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


# Tables that writing a PDF drops from the embedded subset in any case (fpdf2's ``_add_fonts`` drop
# list; fontTools drops ``kern`` when ``GPOS`` is present). fontTools still reads the layout tables
# before it drops them (to see whether they need 32-bit offsets): a quarter of a document's font
# work. Dropped once here, the embedded subset comes out byte for byte the same
# (tests/core/test_pdf.py).
_DROPPED_WHEN_SUBSET = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta")


@dataclass(frozen=True)
class _MeasuredFont:
    """A TrueType font as fpdf2 measures it (``TTFFont``: widths, cmap, descriptor), with the bytes
    each document parses its own copy from, kept for the life of the process. Never handed to a
    document itself: fpdf2 subsets a document's font object in place when it writes the PDF."""

    measured: TTFFont
    data: bytes


@functools.lru_cache(maxsize=8)
def _measured_font(path: str, style: str) -> _MeasuredFont | None:
    """``path`` read and measured once; None for a font this module does not reuse (see
    ``add_truetype_font``). Keyed by path: a setting pointing elsewhere (a test's missing font) is
    another entry."""
    font = ttLib.TTFont(path, lazy=True, recalcTimestamp=False)
    # fpdf2 draws a .notdef glyph into a font that has none, and renders colour fonts as Type 3:
    # both change its font object beyond what a fresh copy of the file gives back.
    colour = {"COLR", "CPAL", "sbix", "CBDT", "SVG "} & set(font.keys())
    if "glyf" not in font or ".notdef" not in font.getGlyphOrder() or colour:
        return None
    dropped = [tag for tag in _DROPPED_WHEN_SUBSET if tag in font]
    if "GPOS" in font and "kern" in font:
        dropped.append("kern")
    for tag in dropped:
        del font[tag]
    data = BytesIO()
    font.save(data)
    measured = TTFFont(FPDF(), Path(path), f"measured{style}", style)
    del measured.ttfont  # the parsed tables: each document parses its own copy from ``data``
    return _MeasuredFont(measured=measured, data=data.getvalue())


def add_truetype_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """``pdf.add_font(family, style, path)`` without parsing the font again.

    Parsing DejaVu Sans and measuring its 6,000 glyphs cost about 0.04 s of CPU per font per
    document, on every statement, worksheet, IWO and letter. The measurements are read-only once
    made and are shared; what fpdf2 changes while it writes a document (the subset of glyphs used,
    the parsed font it subsets in place, the widths it fills in for missing characters, the font
    descriptor that becomes a PDF object) is the document's own: a fresh ``TTFont`` from the kept
    bytes, and copies of the rest."""
    style = "".join(sorted(style.upper()))
    cached = _measured_font(str(path), style)
    if cached is None:
        pdf.add_font(family, style, path)
        return
    measured = cached.measured
    font = copy.copy(measured)
    font.i = len(pdf.fonts) + 1
    font.fontkey = f"{family.lower()}{style}"
    font.ttfont = ttLib.TTFont(BytesIO(cached.data), recalcTimestamp=False, lazy=True)
    font.cw = copy.copy(measured.cw)  # a defaultdict: reading a missing width stores it
    font.desc = copy.copy(measured.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.color_font = None
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font


class UnicodePdf(FPDF):
    # What the core font cannot draw, in characters it can.
    ASCII = str.maketrans(
        {
            "×": "x",
            "−": "-",
            "≤": "<=",
            "÷": "/",
            "—": "-",
            "–": "-",
            "’": "'",
            "“": '"',
            "”": '"',
            "§": "S.",
            "☐": "[ ]",
            "☒": "[X]",
        }
    )

    def __init__(self) -> None:
        super().__init__(format="Letter")
        self.unicode = (DEJAVU / "DejaVuSans.ttf").exists() and (DEJAVU / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            add_truetype_font(self, "DejaVu", "", DEJAVU / "DejaVuSans.ttf")
            add_truetype_font(self, "DejaVu", "B", DEJAVU / "DejaVuSans-Bold.ttf")
        self.family = "DejaVu" if self.unicode else "Helvetica"

    def text_(self, text: str) -> str:
        """``text`` as the font in use can draw it."""
        if self.unicode:
            return text
        return text.translate(self.ASCII).encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)
