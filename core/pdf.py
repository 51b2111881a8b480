"""The one fpdf2 base for generated forms and worksheets: DejaVu Sans when the system has it
(Debian fonts-dejavu-core, ``make fonts``) so every character prints; otherwise the core Helvetica,
with what Latin-1 cannot draw replaced (``ASCII``). Letters use their own
configured font instead (``core.letters``: a letter must not fall back).

``add_truetype_font`` is how both add a TrueType font: the file is read and measured once per
process instead of once per document, and ``SharedFontPdf`` (the base of both) hands fpdf2's
subsetter a copy of the font already cut down to the glyphs of the office's usual characters (or of
the document, where it draws others), made once per set of glyphs (issue 18.1)."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import OutputProducer

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
    shared = pdf.__dict__.setdefault("_caseworks_shared_fonts", {})
    shared[font.fontkey] = (str(path), style)


@functools.lru_cache(maxsize=256)
def _font_cut_to(path: str, style: str, glyph_names: frozenset[str]) -> bytes:
    """The measured font (``_measured_font``) with only ``glyph_names`` and what a subset of them
    needs (glyphs 0-3, composite glyphs' components), every glyph name, name record and table kept:
    fpdf2's own subsetting of this copy embeds byte for byte what it embeds from the whole font
    (tests/core/test_pdf.py), at a fraction of the work. Kept per set of glyphs: the office's usual
    characters (``COMMON_CHARACTERS``) are one set, so nearly every document uses the cut already
    made."""
    cached = _measured_font(path, style)
    assert cached is not None  # only fonts add_truetype_font shares are cut
    font = ttLib.TTFont(BytesIO(cached.data), recalcTimestamp=False, lazy=True)
    options = ftsubset.Options(
        notdef_outline=True,
        recommended_glyphs=True,
        glyph_names=True,
        name_IDs=["*"],
        name_languages=["*"],
        name_legacy=True,
        layout_features=["*"],
        drop_tables=[],
        passthrough_tables=True,
        prune_unicode_ranges=False,
        prune_codepage_ranges=False,
    )
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted(glyph_names))
    subsetter.subset(font)
    data = BytesIO()
    font.save(data)
    return data.getvalue()


# The characters nearly every document of the office draws from: Latin-1 and Latin Extended-A (the
# names of the people it serves, English and Spanish letters) and the punctuation and signs the
# letters, worksheets and forms print. A document drawing only these gets the one cut of the font to
# all of them (``_font_cut_to``, made once per process); fpdf2 then subsets that small font to the
# document's own glyphs. Cut to each document's own set instead, nearly every letter was a new set
# (its names, amounts and dates): the cut was made again for each, 30-40 % of a letter's CPU.
COMMON_CHARACTERS = (
    "".join(chr(code) for code in range(0x20, 0x7F))
    + "".join(chr(code) for code in range(0xA0, 0x180))
    + "‐‑–—‘’‚“”„†‡•…‰′″‹›€™−×÷≤≥≠±½¼¾☐☒✓"
)


@functools.lru_cache(maxsize=8)
def _common_glyphs(path: str, style: str) -> frozenset[str]:
    """The names of the glyphs that draw ``COMMON_CHARACTERS`` in the font (those it has)."""
    cached = _measured_font(path, style)
    assert cached is not None  # only fonts add_truetype_font shares are cut
    cmap = ttLib.TTFont(BytesIO(cached.data), lazy=True).getBestCmap()
    return frozenset(cmap[ord(char)] for char in COMMON_CHARACTERS if ord(char) in cmap)


class _CutFontsOutputProducer(OutputProducer):
    """fpdf2's writer of the finished document (``FPDF.output``'s ``output_producer_class``), given the
    shared fonts cut to the glyphs the document uses: made once the document is final (the last
    page's footer and the page-count alias are drawn inside ``output``), before fonts are written."""

    def __init__(self, fpdf: FPDF) -> None:
        for fontkey, (path, style) in fpdf.__dict__.get("_caseworks_shared_fonts", {}).items():
            font = fpdf.fonts[fontkey]
            assert isinstance(font, TTFFont)  # add_truetype_font put it there
            used = frozenset(font.subset.get_all_glyph_names())
            common = _common_glyphs(path, style)
            cut = _font_cut_to(path, style, common if used <= common else common | used)
            font.ttfont = ttLib.TTFont(BytesIO(cut), recalcTimestamp=False, lazy=True)
        super().__init__(fpdf)


class SharedFontPdf(FPDF):
    """An fpdf2 document whose shared TrueType fonts (``add_truetype_font``) reach fpdf2's subsetter
    already cut down to a few hundred glyphs that hold the document's (``_font_cut_to``): subsetting
    DejaVu Sans in full was about 35 ms a font per document, most of a statement's or letter's CPU."""

    def output(self, *args, **kwargs):
        kwargs.setdefault("output_producer_class", _CutFontsOutputProducer)
        return super().output(*args, **kwargs)


class UnicodePdf(SharedFontPdf):
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
