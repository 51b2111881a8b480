"""One layout for every letter to a parent or member of the public (issue 15.7).

A domain app builds a ``Letter`` (what it says, in the reader's language) and hands it here; this
module lays it out the same way every time, as a PDF (fpdf2), as the printable page
(``templates/core/_letter.html``) and as the text of an e-mail:

- the letterhead from the settings (``CASEWORKS_OFFICE_NAME``/``_ADDRESS``/``_PHONE``/``_HOURS``);
- the date and the references (case, notice or complaint number);
- the recipient's mailing block, placed for a window envelope. For a person with the family
  violence indicator the domain app passes the office's confidential mailing arrangement
  (``CASEWORKS_FVI_MAILING_ARRANGEMENT``) instead of an address: this module never looks one up
  (``cases.letters.recipient_block`` asks ``cases.redaction.mailing_address``);
- the sections, an optional table of figures, the legal authority of the case's jurisdiction;
- "Page n of N" on every page, and a Unicode TrueType font (``CASEWORKS_LETTER_FONT``, DejaVu Sans)
  embedded so that "Nguyễn" or "Muñoz" prints as written. Without the font a letter is refused
  (``LetterFontMissing``): a name printed with "?" is a letter that does not reach its reader.

core imports no domain app: everything the layout needs is on the ``Letter``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core.pdf import SharedFontPdf, add_truetype_font


class LetterFontMissing(ImproperlyConfigured):
    pass


@dataclass
class MailingBlock:
    """The addressee as printed in the envelope window: a name and the address lines, or, when
    ``confidential``, the office's confidential mailing arrangement instead of an address."""

    name: str
    lines: list[str] = field(default_factory=list)
    confidential: bool = False
    # The person whose address ``lines`` print, when they are one's address on file (set by
    # ``cases.letters.recipient_block``): a page or PDF showing the letter logs a sensitive read of
    # their whereabouts (``core.views.LetterPageView``). Not part of what is printed.
    person: Any = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        return "\n".join([self.name, *self.lines])


@dataclass
class Letter:
    kind: str
    subject: str
    recipient: MailingBlock
    date: date | None
    language: str = "en"
    references: list[tuple[str, str]] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading or "", text)
    figures: list[tuple[str, str]] = field(default_factory=list)
    figures_heading: str = ""
    citation: str = ""

    @property
    def date_text(self) -> str:
        return letter_date(self.date, self.language) if self.date else ""


@dataclass
class Letterhead:
    name: str
    address_lines: list[str]
    phone: str
    hours: str


def office_address_lines() -> list[str]:
    """The office's address lines (``CASEWORKS_OFFICE_ADDRESS``, lines separated by "|")."""
    return [line.strip() for line in settings.CASEWORKS_OFFICE_ADDRESS.split("|") if line.strip()]


def letterhead(language: str | None = None) -> Letterhead:
    """The office as letters print it; its name and hours in ``language``
    (``CASEWORKS_OFFICE_NAME_<CODE>``, ``CASEWORKS_OFFICE_HOURS_<CODE>``)."""
    name, hours = settings.CASEWORKS_OFFICE_NAME, settings.CASEWORKS_OFFICE_HOURS
    if language:
        name = settings.CASEWORKS_OFFICE_NAME_BY_LANGUAGE.get(language, name)
        hours = settings.CASEWORKS_OFFICE_HOURS_BY_LANGUAGE.get(language, hours)
    return Letterhead(
        name=name,
        address_lines=office_address_lines(),
        phone=settings.CASEWORKS_OFFICE_PHONE,
        hours=hours,
    )


def fvi_mailing_lines() -> list[str]:
    """The confidential mailing arrangement printed instead of an FVI person's address."""
    return [line.strip() for line in settings.CASEWORKS_FVI_MAILING_ARRANGEMENT.split("|") if line.strip()]


def letter_language(code: str | None) -> str:
    """``code`` if the office offers it (``LANGUAGES``), else the default language."""
    offered = {c for c, _name in settings.LANGUAGES}
    code = (code or "").lower()
    return code if code in offered else settings.LANGUAGE_CODE.split("-")[0]


def letter_date(value: date, language: str) -> str:
    """A date as a letter writes it in ``language``: "December 3, 2026", "3 de diciembre de 2026"."""
    with translation.override(language):
        if language.startswith("en"):
            return formats.date_format(value, "F j, Y")
        return formats.date_format(value, "DATE_FORMAT")


def _labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "phone": _("Telephone"),
            "hours": _("Office hours"),
            "date": _("Date"),
            "authority": _("Legal authority"),
            "closing": _("Sincerely,"),
            "page": _("Page %(page)s of %(pages)s"),
            "questions": _("Questions? Call us at %(phone)s (%(hours)s). An interpreter is free of charge."),
        }


# PDF -----------------------------------------------------------------------------------------
def _font_paths() -> tuple[Path, Path]:
    regular, bold = Path(settings.CASEWORKS_LETTER_FONT), Path(settings.CASEWORKS_LETTER_FONT_BOLD)
    missing = [str(p) for p in (regular, bold) if not p.is_file()]
    if missing:
        raise LetterFontMissing(
            f"Letter font not found: {', '.join(missing)}. Install Debian's fonts-dejavu-core (`make fonts`) or "
            "set CASEWORKS_LETTER_FONT / CASEWORKS_LETTER_FONT_BOLD to a Unicode TrueType font."
        )
    return regular, bold


class _LetterPDF(SharedFontPdf):
    FAMILY = "LetterSans"

    def __init__(self, letter: Letter, head: Letterhead, labels: dict[str, str]):
        super().__init__(format="Letter", unit="mm")
        regular, bold = _font_paths()
        add_truetype_font(self, self.FAMILY, "", regular)
        add_truetype_font(self, self.FAMILY, "B", bold)
        self.letter, self.head, self.labels = letter, head, labels
        self.set_margins(22, 18, 22)
        self.set_auto_page_break(auto=True, margin=22)

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.FAMILY, "B" if bold else "", size)

    def header(self) -> None:
        if self.page_no() == 1:
            self.use(13, bold=True)
            self.cell(0, 6, self.head.name, new_x="LMARGIN", new_y="NEXT")
            self.use(9)
            for line in self.head.address_lines:
                self.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
            self.cell(
                0,
                4.5,
                f"{self.labels['phone']}: {self.head.phone} · {self.labels['hours']}: {self.head.hours}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            self.ln(1)
        else:
            self.use(8)
            refs = " · ".join(value for _label, value in self.letter.references[:2])
            self.cell(
                0, 4.5, f"{self.head.name} — {self.letter.recipient.name} — {refs}", new_x="LMARGIN", new_y="NEXT"
            )
        self.set_draw_color(120, 120, 120)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.use(8)
        self.cell(0, 5, self.labels["page"] % {"page": self.page_no(), "pages": "{nb}"}, align="C")


def letter_pdf(letter: Letter) -> bytes:
    head = letterhead(letter.language)
    labels = _labels(letter.language)
    pdf = _LetterPDF(letter, head, labels)
    pdf.set_title(letter.subject)
    pdf.set_author(head.name)
    pdf.set_lang(letter.language)
    pdf.add_page()
    top = pdf.get_y()
    # Mailing block on the left (a #10 window envelope shows about 4 in × 1.1 in from 7/8 in left,
    # 2 in from the top), date and references on the right.
    block_y = max(top, 50)
    pdf.set_xy(pdf.l_margin, block_y)
    pdf.use(10.5, bold=True)
    pdf.multi_cell(95, 5, letter.recipient.name, new_x="LMARGIN", new_y="NEXT")
    pdf.use(10.5)
    for line in letter.recipient.lines:
        pdf.multi_cell(95, 5, line, new_x="LMARGIN", new_y="NEXT")
    block_bottom = pdf.get_y()
    right_x = pdf.l_margin + 105
    right_w = pdf.w - pdf.r_margin - right_x
    pdf.set_xy(right_x, top)
    pdf.use(9.5)
    rows = [(labels["date"], letter.date_text)] if letter.date else []
    rows += letter.references
    for label, value in rows:
        pdf.set_x(right_x)
        pdf.use(9.5, bold=True)
        pdf.multi_cell(right_w, 4.8, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(right_x)
        pdf.use(9.5)
        pdf.multi_cell(right_w, 4.8, value or "—", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(block_bottom, pdf.get_y()) + 8)
    pdf.use(12.5, bold=True)
    pdf.multi_cell(0, 6.5, letter.subject, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for heading, text in letter.sections:
        if heading:
            pdf.ln(1)
            pdf.use(10.5, bold=True)
            pdf.multi_cell(0, 5.5, heading, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.use(10.5)
        pdf.multi_cell(0, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if letter.figures:
        pdf.ln(1)
        if letter.figures_heading:
            pdf.use(10.5, bold=True)
            pdf.multi_cell(0, 5.5, letter.figures_heading, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.use(10)
        value_w = 46
        label_w = pdf.epw - value_w
        with pdf.table(
            col_widths=(label_w, value_w),
            text_align=("LEFT", "RIGHT"),
            first_row_as_headings=False,
            line_height=5.5,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            for label, value in letter.figures:
                row = table.row()
                row.cell(label)
                row.cell(value)
        pdf.ln(3)
    if letter.citation:
        pdf.use(9)
        pdf.multi_cell(0, 4.8, f"{labels['authority']}: {letter.citation}", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.use(10.5)
    pdf.multi_cell(
        0,
        5.5,
        labels["questions"] % {"phone": head.phone, "hours": head.hours},
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.multi_cell(0, 5.5, labels["closing"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.use(10.5, bold=True)
    pdf.multi_cell(0, 5.5, head.name, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# Text (e-mail) --------------------------------------------------------------------------------
def letter_text(letter: Letter) -> str:
    """The same letter as the body of an e-mail: no mailing block (the e-mail address is the
    address), letterhead as the signature."""
    head = letterhead(letter.language)
    labels = _labels(letter.language)
    parts = [letter.subject, ""]
    if letter.date:
        parts.append(letter.date_text)
    parts += [f"{label}: {value}" for label, value in letter.references]
    parts.append("")
    for heading, text in letter.sections:
        if heading:
            parts.append(heading)
        parts += [text, ""]
    if letter.figures:
        if letter.figures_heading:
            parts.append(letter.figures_heading)
        parts += [f"  {label}: {value}" for label, value in letter.figures]
        parts.append("")
    if letter.citation:
        parts += [f"{labels['authority']}: {letter.citation}", ""]
    parts += [
        labels["questions"] % {"phone": head.phone, "hours": head.hours},
        "",
        labels["closing"],
        head.name,
        *head.address_lines,
        f"{labels['phone']}: {head.phone}",
    ]
    return "\n".join(parts).strip() + "\n"


def letter_context(letter: Letter) -> dict:
    """What ``templates/core/_letter.html`` needs."""
    head = letterhead(letter.language)
    labels = _labels(letter.language)
    labels["questions_html"] = labels["questions"] % {"phone": head.phone, "hours": head.hours}
    return {"letter": letter, "letterhead": head, "letter_labels": labels}


def multilingual_email(build) -> tuple[str, str]:
    """Subject and body of an e-mail to a member of the public whose language is unknown (a
    subscriber, an event registrant): the letter ``build(language)`` returns, in every language the
    office writes in (``LANGUAGES``), the default first, under a line in each other language saying
    where to read it."""
    languages = [code for code, _name in settings.LANGUAGES]
    default = letter_language(None)
    languages.sort(key=lambda code: code != default)
    letters = [build(code) for code in languages]
    pointers = []
    for letter in letters[1:]:
        with translation.override(letter.language):
            pointers.append(_("(The same message in your language is below.)"))
    subject = " / ".join(dict.fromkeys(letter.subject for letter in letters))
    parts = [*pointers, "", *(letter_text(letter) + "\n" + "—" * 20 + "\n" for letter in letters)]
    return subject[:250], "\n".join(parts).strip() + "\n"
