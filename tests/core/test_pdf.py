"""The TrueType fonts of generated PDFs are read once per process (``core.pdf.add_truetype_font``)
and reach fpdf2's subsetter cut down to a document's glyphs (``core.pdf.SharedFontPdf``), while
every document still gets a font subset of its own: byte for byte the one fpdf2 makes alone."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import pytest
from fontTools import ttLib
from fpdf import FPDF
from pypdf import PdfReader

from core.pdf import DEJAVU, SharedFontPdf, UnicodePdf, add_truetype_font

pytestmark = pytest.mark.skipif(not (DEJAVU / "DejaVuSans.ttf").exists(), reason="needs fonts-dejavu-core (make fonts)")


def _pdf(text: str) -> bytes:
    pdf = SharedFontPdf()
    add_truetype_font(pdf, "DejaVu", "", DEJAVU / "DejaVuSans.ttf")
    pdf.add_page()
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def _embedded_font(pdf: bytes) -> bytes:
    """The font file embedded in a one-font PDF (its subset of the TrueType font)."""
    font = PdfReader(BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    (ref,) = font.values()
    descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    return descriptor["/FontFile2"].get_object().get_data()


def _embedded_characters(pdf: bytes) -> set[str]:
    """The characters the PDF's embedded font subset can draw (its cmap)."""
    return {chr(code) for code in ttLib.TTFont(BytesIO(_embedded_font(pdf))).getBestCmap()}


def test_two_documents_in_a_row_each_print_their_own_text_with_their_own_glyphs():
    # given a document in Vietnamese, then one in Russian, from the same process's parsed font
    first, second = _pdf("Minh Nguyễn"), _pdf("Ольга Петрова")

    # then each reads back as written
    assert PdfReader(BytesIO(first)).pages[0].extract_text() == "Minh Nguyễn"
    assert PdfReader(BytesIO(second)).pages[0].extract_text() == "Ольга Петрова"
    # and each embeds the glyphs it uses, not those of the document before it
    assert {"ễ", "N"} <= _embedded_characters(first) and "П" not in _embedded_characters(first)
    assert {"П", "О"} <= _embedded_characters(second) and not {"ễ", "N"} & _embedded_characters(second)


def test_a_font_added_once_per_document_measures_text_as_fpdf2_s_own_add_font():
    shared, own = FPDF(), FPDF()
    add_truetype_font(shared, "DejaVu", "B", DEJAVU / "DejaVuSans-Bold.ttf")
    own.add_font("DejaVu", "B", DEJAVU / "DejaVuSans-Bold.ttf")
    for pdf in (shared, own):
        pdf.set_font("DejaVu", "B", 11)
    text = "Muñoz × 2 ≤ 3 — Ольга"
    assert shared.get_string_width(text) == pytest.approx(own.get_string_width(text))
    assert shared.fonts["dejavuB"].desc.flags == own.fonts["dejavuB"].desc.flags


def test_unicode_pdf_pages_written_in_a_row_are_independent_documents():
    texts = ["Page 1 of {nb}: 42 USC 654(26)", "☐ Muñoz ☒"]
    for text in texts:
        pdf = UnicodePdf()
        pdf.alias_nb_pages()
        pdf.add_page()
        pdf.use(10, bold=True)
        pdf.cell(0, 6, pdf.text_(text))
        extracted = PdfReader(BytesIO(bytes(pdf.output()))).pages[0].extract_text()
        assert extracted == text.replace("{nb}", "1")


def test_the_embedded_subset_is_the_one_fpdf2_s_own_add_font_embeds():
    # given the same page written with the font read once per process and with fpdf2's add_font
    def page(add) -> bytes:
        pdf = FPDF()
        add(pdf)
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(0, 10, "Minh Nguyễn, José Muñoz, Ольга Петрова, 1 × 2 ≤ 3")
        return bytes(pdf.output())

    shared = page(lambda pdf: add_truetype_font(pdf, "DejaVu", "B", DEJAVU / "DejaVuSans-Bold.ttf"))
    own = page(lambda pdf: pdf.add_font("DejaVu", "B", DEJAVU / "DejaVuSans-Bold.ttf"))

    # then the font subsets embedded are byte for byte the same
    assert _embedded_font(shared) == _embedded_font(own)


@pytest.mark.parametrize(
    "text",
    ["Minh Nguyễn, José Muñoz, Ольга Петрова, 1 × 2 ≤ 3", "☐ ☒ § 4058(b) — “quoted” ½ ﬁ", "ΑΒΓ שלום مرحبا", "a"],
)
def test_a_document_with_fonts_cut_to_its_glyphs_is_the_one_fpdf2_writes_alone(text):
    # given the same two-page document written by fpdf2 from the whole fonts, and twice with the fonts
    # cut to the document's glyphs (the second time from the cut already made); with a footer, which
    # fpdf2 draws on the last page inside ``output``, and the page count it fills in there: characters
    # no page used before
    def footer(pdf: FPDF) -> None:
        pdf.set_y(-15)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 10, f"Page {pdf.page_no()} of {{nb}} — Überprüft", align="C")

    class Alone(FPDF):
        pass

    class Cut(SharedFontPdf):
        pass

    Alone.footer = Cut.footer = footer  # type: ignore[method-assign]

    def document(pdf: FPDF, add) -> bytes:
        for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            add(pdf, style, DEJAVU / name)
        pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
        pdf.alias_nb_pages()
        for _ in range(2):
            pdf.add_page()
            for style in ("", "B"):
                pdf.set_font("DejaVu", style, 12)
                pdf.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())

    alone = document(Alone(), lambda pdf, style, path: pdf.add_font("DejaVu", style, path))
    cut, again = (
        document(Cut(), lambda pdf, style, path: add_truetype_font(pdf, "DejaVu", style, path)) for _ in range(2)
    )

    # then the three files are byte for byte the same
    assert cut == alone
    assert again == alone
