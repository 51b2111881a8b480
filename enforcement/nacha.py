"""NACHA (ACH) files: a strict parser/validator and a writer. Pure Python, no database.

A NACHA file is fixed-width 94-character records (DOMAIN.md "Payment and bank files"):
1 file header, 5 batch header, 6 entry detail, 7 addenda, 8 batch control, 9 file control,
then lines of 94 nines that pad the file to a block of 10 records. Batch and file controls carry
counts, an entry hash (the sum of the 8-digit receiving DFI numbers, last 10 digits) and the
debit/credit totals, which must agree with the records.

Employer child support payments arrive as CCD+ entries whose addenda (type 7, code 05) carry a
DED segment in the 80-character payment-related field::

    DED*CS*<case id 1-20>*<pay date YYMMDD>*<amount, implied 2 decimals>*<NCP SSN 9>*<medical Y/N/W>
       *<name: 7 of last + 3 of first, optional>*<FIPS 5 or 7, optional>*<terminated Y, optional>\\

``parse`` validates the whole file and raises ``NachaInvalid`` with every problem found, each with
its line number, so a bad file is refused before anything is posted. ``payment_entries`` adds the
child support (CCD+ DED) rules on top. ``build_file`` writes a valid file (PPD credits for the
disbursement file; CCD+ files for tests and benchmarks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from anyascii import anyascii

from .bankformat import MAX_ERRORS, BankFileInvalid, NonAsciiFile, ascii_decode, yymmdd

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
PADDING = "9" * RECORD_LENGTH

CREDIT_CODES = {"22", "32", "42", "52"}
DEBIT_CODES = {"27", "37", "47", "55"}
PRENOTE_CODES = {"23", "28", "33", "38", "43", "48", "53"}
ZERO_CODES = {"24", "29", "34", "39", "44", "49"}
# Automated returns and notifications of change (NOC) of credits (x1) and debits (x6): they
# count as credits and debits in the controls, but they are never payments.
RETURN_CREDIT_CODES = {"21", "31", "41", "51"}
RETURN_DEBIT_CODES = {"26", "36", "46", "56"}
TRANSACTION_CODES = CREDIT_CODES | DEBIT_CODES | PRENOTE_CODES | ZERO_CODES | RETURN_CREDIT_CODES | RETURN_DEBIT_CODES
TOTAL_CREDIT_CODES = CREDIT_CODES | RETURN_CREDIT_CODES
TOTAL_DEBIT_CODES = DEBIT_CODES | RETURN_DEBIT_CODES
SERVICE_CLASSES = {"200": "mixed", "220": "credits", "225": "debits"}
CENT = Decimal("0.01")

_DIGITS = re.compile(r"\d+\Z")
_ALNUM = re.compile(r"[A-Z0-9]\Z")
# DED02 case identifier, "AN 1/20" (X12 alphanumeric: letters, digits, blanks, special characters),
# any printable ASCII but the element separator (*) and the segment terminator (\).
_CASE_ID = re.compile(r"[ -)+-\[\]-~]{1,20}\Z")
_SSN = re.compile(r"\d{9}\Z")
_FIPS = re.compile(r"(\d{5}|\d{7})\Z")
_PRINTABLE = re.compile(r"[ -~]*\Z")
# An entry detail record whose receiving DFI, check digit, amount and trace number are digits and
# whose addenda indicator is 0 or 1 (the record already known to be 94 printable characters).
_ENTRY_FORMED = re.compile(r"6..\d{9}.{17}\d{10}.{39}[01]\d{15}\Z")


class NachaInvalid(BankFileInvalid):
    """The file is refused; ``errors`` lists (line, reason) pairs in line order."""


@dataclass
class Addenda:
    line: int
    type_code: str
    payment_info: str
    sequence: int
    entry_sequence: str


@dataclass
class Entry:
    line: int
    transaction_code: str
    rdfi: str  # 8-digit receiving DFI identification
    check_digit: str
    account: str
    amount: Decimal
    identification: str
    name: str
    discretionary: str
    addenda_indicator: str
    trace: str
    addenda: list[Addenda] = field(default_factory=list)

    @property
    def routing(self) -> str:
        return self.rdfi + self.check_digit

    @property
    def is_credit(self) -> bool:
        return self.transaction_code in CREDIT_CODES

    @property
    def is_prenote(self) -> bool:
        return self.transaction_code in PRENOTE_CODES


@dataclass
class Batch:
    line: int
    service_class: str
    company_name: str
    company_discretionary: str
    company_id: str
    sec_code: str
    entry_description: str
    descriptive_date: str
    effective_date: date | None
    originator_status: str
    odfi: str
    batch_number: str
    entries: list[Entry] = field(default_factory=list)
    entry_hash: int = 0
    total_debit: Decimal = Decimal("0.00")
    total_credit: Decimal = Decimal("0.00")


@dataclass
class NachaFile:
    immediate_destination: str
    immediate_origin: str
    created_on: date | None
    created_at_time: str
    file_id_modifier: str
    destination_name: str
    origin_name: str
    reference_code: str
    batches: list[Batch] = field(default_factory=list)
    record_count: int = 0
    entry_addenda_count: int = 0
    entry_hash: int = 0
    total_debit: Decimal = Decimal("0.00")
    total_credit: Decimal = Decimal("0.00")
    padded_lines: list[int] = field(default_factory=list)  # right-trimmed records padded back to 94

    @property
    def entries(self) -> list[Entry]:
        return [entry for batch in self.batches for entry in batch.entries]


@dataclass(frozen=True)
class Ded:
    """A child support DED addenda segment (DOMAIN.md)."""

    case_id: str
    pay_date: date
    amount: Decimal
    ssn: str
    medical: bool
    name: str = ""
    fips: str = ""
    terminated: bool = False
    # DED06 as sent: Y (coverage available), N (none), W (not applicable); "" = from ``medical``
    medical_indicator: str = ""


@dataclass(frozen=True)
class PaymentEntry:
    """One employer child support payment: a CCD+ credit entry with its DED addenda."""

    line: int
    batch: Batch
    entry: Entry
    ded: Ded

    @property
    def amount(self) -> Decimal:
        return self.entry.amount

    @property
    def is_notice(self) -> bool:
        """A zero-dollar entry: it posts nothing (e.g. DED09 "Y", employment terminated)."""
        return self.entry.amount == 0


# ----------------------------------------------------------------------------------------------
# helpers


@lru_cache(maxsize=4096)
def routing_check_digit(first8: str) -> str:
    """ABA check digit: weights 3, 7, 1 over the first 8 digits. Cached: a file names few banks
    (every debit card payee the same one), and the writer, the parser and the export's check of
    each payee's details ask for the same numbers entry after entry."""
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(first8, weights, strict=True))
    return str((10 - total % 10) % 10)


def _cents(value: str) -> Decimal:
    return Decimal(int(value)).scaleb(-2)  # exact: the same value and two places as ``* CENT`` quantized


def ascii_text(value: object, *, upper: bool = True) -> str:
    """``value`` as printable ASCII for a NACHA alphanumeric field.

    Letters are transliterated (``"José Muñoz-Peña"`` → ``"JOSE MUNOZ-PENA"``, ``"ß"`` → ``"SS"``),
    anything left outside printable ASCII (control characters, unmapped symbols) becomes a
    blank, and the text is upper-cased unless ``upper`` is False. The result may be longer than
    the input (``"Œ"`` → ``"OE"``): callers cut to the field width afterwards.
    """
    text = str(value)
    # Nearly every name and number is printable ASCII already (in ASCII, printable is " " to "~"):
    # it is its own transliteration, so only other text goes through the character by character way.
    if not (text.isascii() and text.isprintable()):
        text = "".join(ch if " " <= ch <= "~" else " " for ch in anyascii(text))
    return text.upper() if upper else text


def _split_records(text: str) -> tuple[list[str], list[int]]:
    """The file's records and the line numbers of right-trimmed records padded back to 94.

    A payroll system or file transfer that strips trailing blanks leaves records shorter than 94
    characters; the blanks it took are put back (and reported). Longer records stay as they are
    and are refused by the parser.
    """
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    # Some banks send one unbroken stream of 94-character records.
    if len(lines) == 1 and len(lines[0]) > RECORD_LENGTH and len(lines[0]) % RECORD_LENGTH == 0:
        blob = lines[0]
        lines = [blob[i : i + RECORD_LENGTH] for i in range(0, len(blob), RECORD_LENGTH)]
    padded: list[int] = []
    if lines and _foreign_format(lines[0]) is None:
        for index, record in enumerate(lines):
            if 0 < len(record) < RECORD_LENGTH and _PRINTABLE.match(record):
                lines[index] = record.ljust(RECORD_LENGTH)
                padded.append(index + 1)
    return lines, padded


def _decode(data: bytes | str) -> str:
    try:
        return ascii_decode(data)
    except NonAsciiFile as exc:
        raise NachaInvalid([(exc.line, "the file contains non-ASCII bytes: not a NACHA file")]) from exc


def _foreign_format(first: str) -> str | None:
    if re.match(r"01,", first):
        return "this looks like a BAI2 bank statement, not a NACHA file"
    if first.startswith("%PDF"):
        return "this is a PDF document, not a NACHA file"
    if first.lstrip().startswith(("<", "{", "[")):
        return "this looks like XML/JSON, not a NACHA file"
    # A file header (record type 1, priority code 01) may hold a comma in a name ("ACME WIDGETS,
    # INC") and be right-trimmed to fewer than 94 characters: it is no CSV file.
    if "," in first and len(first) != RECORD_LENGTH and not first.startswith("101"):
        return "this looks like a CSV file, not a NACHA file"
    return None


# ----------------------------------------------------------------------------------------------
# parser


class _Parser:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.errors: list[tuple[int, str]] = []

    def err(self, line: int, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((line, reason))

    def digits(self, line: int, value: str, what: str) -> bool:
        if not _DIGITS.match(value):
            self.err(line, f"{what} must be digits, found {value!r}")
            return False
        return True

    def run(self) -> NachaFile | None:
        lines = self.lines
        if not lines:
            self.err(1, "the file is empty")
            return None
        foreign = _foreign_format(lines[0])
        if foreign:
            self.err(1, foreign)
            return None
        # Nearly always every record is 94 printable ASCII characters, which one look at the whole
        # file says at C speed; otherwise each record is checked for its line-numbered reason.
        joined = "".join(lines)
        if not (set(map(len, lines)) == {RECORD_LENGTH} and joined.isascii() and joined.isprintable()):
            bad_length = False
            for number, record in enumerate(lines, start=1):
                if not _PRINTABLE.match(record):
                    self.err(number, "the record contains control or non-printable characters")
                    bad_length = True
                elif len(record) != RECORD_LENGTH:
                    self.err(number, f"record is {len(record)} characters long; NACHA records are {RECORD_LENGTH}")
                    bad_length = True
            if bad_length:
                return None
        del joined
        if lines[0][0] != "1":
            self.err(1, f"the first record must be a file header (type 1), found type {lines[0][0]!r}")
            return None
        nacha = self.file_header(lines[0])
        batch: Batch | None = None
        entry: Entry | None = None
        file_control_line = 0
        padding_from = 0
        broken_entry = False
        for number, record in enumerate(lines[1:], start=2):
            kind = record[0]
            if file_control_line:
                if record != PADDING:
                    self.err(number, "only filler records (94 nines) may follow the file control record")
                elif not padding_from:
                    padding_from = number
                continue
            if kind == "5":
                if batch is not None:
                    self.err(number, f"batch header before the control record of the batch at line {batch.line}")
                batch = self.batch_header(number, record)
                entry, broken_entry = None, False
                nacha.batches.append(batch)
            elif kind == "6":
                if batch is None:
                    self.err(number, "entry detail record outside a batch")
                    continue
                self.addenda_check(entry)
                entry = self.entry_detail(number, record)
                broken_entry = entry is None
                if entry is not None:
                    batch.entries.append(entry)
            elif kind == "7":
                if entry is None:
                    if not broken_entry:
                        self.err(number, "addenda record without a preceding entry detail record")
                    continue
                self.addenda(number, record, entry, batch)
            elif kind == "8":
                if batch is None:
                    self.err(number, "batch control record without a batch header")
                    continue
                self.addenda_check(entry)
                self.batch_control(number, record, batch)
                batch, entry, broken_entry = None, None, False
            elif kind == "9":
                if batch is not None:
                    self.err(
                        number, f"file control reached but the batch at line {batch.line} has no batch control (8)"
                    )
                    batch = None
                file_control_line = number
                self.file_control(number, record, nacha)
            elif kind == "1":
                self.err(number, "a second file header record")
            else:
                self.err(number, f"unknown record type {kind!r}")
        if batch is not None:
            self.err(len(lines), f"truncated: the batch at line {batch.line} has no batch control (8)")
        if not file_control_line:
            self.err(len(lines), "truncated: no file control record (9)")
        elif padding_from:
            real = padding_from - 1
            if len(lines) > -(-real // BLOCKING_FACTOR) * BLOCKING_FACTOR:
                self.err(len(lines), "more filler records than needed to complete the last block")
        if not nacha.batches and file_control_line:
            self.err(1, "the file has no batches")
        return nacha

    def addenda_check(self, entry: Entry | None) -> None:
        """The entry before the next entry or the batch control: had it announced an addenda record
        that never came?"""
        if entry is not None and entry.addenda_indicator == "1" and not entry.addenda:
            self.err(entry.line, "the entry announces an addenda record (indicator 1) but none follows")

    def file_header(self, r: str) -> NachaFile:
        line = 1
        if r[1:3] != "01":
            self.err(line, f"priority code must be 01, found {r[1:3]!r}")
        destination, origin = r[3:13], r[13:23]
        if not _DIGITS.match(destination.strip()):
            self.err(line, f"immediate destination must be a routing number, found {destination!r}")
        if not origin.strip():
            self.err(line, "immediate origin is blank")
        created = yymmdd(r[23:29])
        if created is None:
            self.err(line, f"file creation date is not a valid YYMMDD date: {r[23:29]!r}")
        time_ = r[29:33]
        if time_.strip() and not (_DIGITS.match(time_) and int(time_[:2]) < 24 and int(time_[2:]) < 60):
            self.err(line, f"file creation time is not HHMM: {time_!r}")
        if not _ALNUM.match(r[33]):
            self.err(line, f"file ID modifier must be A-Z or 0-9, found {r[33]!r}")
        if r[34:37] != "094":
            self.err(line, f"record size must be 094, found {r[34:37]!r}")
        if r[37:39] != "10":
            self.err(line, f"blocking factor must be 10, found {r[37:39]!r}")
        if r[39] != "1":
            self.err(line, f"format code must be 1, found {r[39]!r}")
        return NachaFile(
            immediate_destination=destination.strip(),
            immediate_origin=origin.strip(),
            created_on=created,
            created_at_time=time_.strip(),
            file_id_modifier=r[33],
            destination_name=r[40:63].strip(),
            origin_name=r[63:86].strip(),
            reference_code=r[86:94].strip(),
        )

    def batch_header(self, line: int, r: str) -> Batch:
        service = r[1:4]
        if service not in SERVICE_CLASSES:
            self.err(line, f"service class code must be 200, 220 or 225, found {service!r}")
        sec = r[50:53]
        if not sec.isalpha():
            self.err(line, f"standard entry class code is not valid: {sec!r}")
        effective = yymmdd(r[69:75])
        if effective is None:
            self.err(line, f"effective entry date is not a valid YYMMDD date: {r[69:75]!r}")
        self.digits(line, r[79:87], "originating DFI identification")
        self.digits(line, r[87:94], "batch number")
        return Batch(
            line=line,
            service_class=service,
            company_name=r[4:20].strip(),
            company_discretionary=r[20:40].strip(),
            company_id=r[40:50].strip(),
            sec_code=sec,
            entry_description=r[53:63].strip(),
            descriptive_date=r[63:69].strip(),
            effective_date=effective,
            originator_status=r[78],
            odfi=r[79:87],
            batch_number=r[87:94],
        )

    def entry_detail(self, line: int, r: str) -> Entry | None:
        # One match tells that every digit field holds digits and the addenda indicator is 0 or 1
        # (as good as always): with a known transaction code, a routing number that passes its
        # check digit and an account number, nothing more is checked and the entry is read at once.
        if _ENTRY_FORMED.match(r) is not None:
            code, rdfi, check, account = r[1:3], r[3:11], r[11], r[12:29].strip()
            if code in TRANSACTION_CODES and account and routing_check_digit(rdfi) == check:
                return Entry(
                    line,
                    code,
                    rdfi,
                    check,
                    account,
                    _cents(r[29:39]),
                    r[39:54].strip(),
                    r[54:76].strip(),
                    r[76:78],
                    r[78],
                    r[79:94],
                )
            return self._entry_detail(line, r, formed=True)
        return self._entry_detail(line, r, formed=False)

    def _entry_detail(self, line: int, r: str, *, formed: bool) -> Entry | None:
        """An entry detail record with something to say about it: each check with its reason."""
        ok = True
        code = r[1:3]
        if code not in TRANSACTION_CODES:
            self.err(line, f"unknown transaction code {code!r}")
            ok = False
        rdfi, check = r[3:11], r[11]
        if formed or (
            self.digits(line, rdfi, "receiving DFI identification") and self.digits(line, check, "check digit")
        ):
            expected = routing_check_digit(rdfi)
            if check != expected:
                self.err(line, f"routing number {rdfi}{check} fails its check digit (expected {expected})")
        else:
            ok = False
        if not r[12:29].strip():
            self.err(line, "DFI account number is blank")
        amount = r[29:39]
        if not (formed or self.digits(line, amount, "amount")):
            ok = False
        indicator = r[78]
        if not formed and indicator not in "01":
            self.err(line, f"addenda record indicator must be 0 or 1, found {indicator!r}")
        trace = r[79:94]
        if not (formed or self.digits(line, trace, "trace number")):
            ok = False
        if not ok:
            return None
        return Entry(
            line=line,
            transaction_code=code,
            rdfi=rdfi,
            check_digit=check,
            account=r[12:29].strip(),
            amount=_cents(amount),
            identification=r[39:54].strip(),
            name=r[54:76].strip(),
            discretionary=r[76:78],
            addenda_indicator=indicator,
            trace=trace,
        )

    def addenda(self, line: int, r: str, entry: Entry, batch: Batch | None) -> None:
        type_code = r[1:3]
        if type_code not in {"05", "98", "99"}:
            self.err(line, f"addenda type code must be 05, found {type_code!r}")
        if entry.addenda_indicator != "1":
            self.err(line, "addenda record follows an entry whose addenda indicator is 0")
        if type_code in {"98", "99"}:  # NOC / return addenda: they end with the entry's own trace number
            if r[79:94] != entry.trace:
                self.err(line, f"the addenda's trace number {r[79:94]!r} differs from its entry's {entry.trace}")
            if entry.addenda:
                self.err(line, "a return or notification of change carries one addenda record")
            entry.addenda.append(Addenda(line, type_code, r[3:79], 1, entry.trace[-7:]))
            return
        sequence, entry_sequence = r[83:87], r[87:94]
        if self.digits(line, sequence, "addenda sequence number") and int(sequence) != len(entry.addenda) + 1:
            self.err(line, f"addenda sequence number should be {len(entry.addenda) + 1}, found {int(sequence)}")
        if self.digits(line, entry_sequence, "entry detail sequence number") and entry_sequence != entry.trace[-7:]:
            self.err(
                line,
                f"entry detail sequence number {entry_sequence} does not match the entry's trace number {entry.trace}",
            )
        if batch is not None and batch.sec_code in {"CCD", "PPD"} and entry.addenda:
            self.err(line, f"{batch.sec_code} entries carry at most one addenda record")
        entry.addenda.append(
            Addenda(line, type_code, r[3:83], int(sequence) if sequence.isdigit() else 0, entry_sequence)
        )

    def batch_control(self, line: int, r: str, batch: Batch) -> None:
        entries = batch.entries
        count = len(entries) + sum(len(e.addenda) for e in entries)
        entry_hash = sum(int(e.rdfi) for e in entries) % 10**10
        debit = sum((e.amount for e in entries if e.transaction_code in TOTAL_DEBIT_CODES), Decimal("0.00"))
        credit = sum((e.amount for e in entries if e.transaction_code in TOTAL_CREDIT_CODES), Decimal("0.00"))
        batch.entry_hash, batch.total_debit, batch.total_credit = entry_hash, debit, credit
        where = f"batch control for the batch at line {batch.line}"
        if r[1:4] != batch.service_class:
            self.err(line, f"{where}: service class {r[1:4]!r} differs from the header's {batch.service_class!r}")
        if self.digits(line, r[4:10], "entry/addenda count") and int(r[4:10]) != count:
            self.err(line, f"{where}: entry/addenda count says {int(r[4:10])}, the batch has {count}")
        if self.digits(line, r[10:20], "entry hash") and int(r[10:20]) != entry_hash:
            self.err(line, f"{where}: entry hash says {int(r[10:20])}, the entries sum to {entry_hash}")
        if self.digits(line, r[20:32], "total debit amount") and _cents(r[20:32]) != debit:
            self.err(line, f"{where}: total debit says {_cents(r[20:32])}, the entries total {debit}")
        if self.digits(line, r[32:44], "total credit amount") and _cents(r[32:44]) != credit:
            self.err(line, f"{where}: total credit says {_cents(r[32:44])}, the entries total {credit}")
        if r[44:54].strip() != batch.company_id:
            self.err(line, f"{where}: company identification differs from the batch header's")
        if r[87:94] != batch.batch_number:
            self.err(line, f"{where}: batch number {r[87:94]!r} differs from the header's {batch.batch_number!r}")
        if batch.service_class == "220" and debit:
            self.err(line, f"{where}: a credits-only batch (220) contains debits")
        if batch.service_class == "225" and credit:
            self.err(line, f"{where}: a debits-only batch (225) contains credits")

    def file_control(self, line: int, r: str, nacha: NachaFile) -> None:
        batches = nacha.batches
        real_records = line  # every record up to and including this one
        nacha.record_count = real_records
        nacha.entry_addenda_count = sum(len(b.entries) + sum(len(e.addenda) for e in b.entries) for b in batches)
        nacha.entry_hash = sum(b.entry_hash for b in batches) % 10**10
        nacha.total_debit = sum((b.total_debit for b in batches), Decimal("0.00"))
        nacha.total_credit = sum((b.total_credit for b in batches), Decimal("0.00"))
        blocks = -(-real_records // BLOCKING_FACTOR)
        checks = [
            (r[1:7], len(batches), "batch count"),
            (r[7:13], blocks, "block count"),
            (r[13:21], nacha.entry_addenda_count, "entry/addenda count"),
            (r[21:31], nacha.entry_hash, "entry hash"),
        ]
        for raw, expected, what in checks:
            if self.digits(line, raw, f"file control {what}") and int(raw) != expected:
                self.err(line, f"file control {what} says {int(raw)}, the file has {expected}")
        for raw, total, what in (
            (r[31:43], nacha.total_debit, "total debit"),
            (r[43:55], nacha.total_credit, "total credit"),
        ):
            if self.digits(line, raw, f"file control {what}") and _cents(raw) != total:
                self.err(line, f"file control {what} says {_cents(raw)}, the batches total {total}")


def parse(data: bytes | str) -> NachaFile:
    """Parse and validate a whole NACHA file; raise ``NachaInvalid`` listing every problem."""
    lines, padded = _split_records(_decode(data))
    parser = _Parser(lines)
    nacha = parser.run()
    if parser.errors or nacha is None:
        raise NachaInvalid(parser.errors or [(1, "not a NACHA file")])
    nacha.padded_lines = padded
    return nacha


# ----------------------------------------------------------------------------------------------
# child support (CCD+ with DED addenda)


def ded_parse(text: str) -> Ded:
    """Parse a DED segment; raise ``ValueError`` with a precise reason."""
    body = text.rstrip(" ")
    if not body.startswith("DED*"):
        raise ValueError("the addenda does not carry a DED child support segment")
    if not body.endswith("\\"):
        raise ValueError("the DED segment must end with a backslash (\\)")
    parts = body[:-1].split("*")
    if len(parts) < 7 or len(parts) > 10:
        raise ValueError(f"the DED segment has {len(parts) - 1} elements; expected 6 to 9")
    parts += [""] * (10 - len(parts))
    _, application, case_id, pay, amount, ssn, medical, name, fips, terminated = parts
    if application != "CS":
        raise ValueError(f"DED application identifier must be CS, found {application!r}")
    if not (_CASE_ID.match(case_id) and case_id.strip()):
        raise ValueError(
            "DED case identifier must be 1-20 characters (letters, digits, blanks or punctuation other than"
            f" * and \\), found {case_id!r}"
        )
    case_id = case_id.strip()
    pay_date = yymmdd(pay)
    if pay_date is None:
        raise ValueError(f"DED pay date is not a valid YYMMDD date: {pay!r}")
    if not (_DIGITS.match(amount) and len(amount) <= 10):
        raise ValueError(f"DED amount must be 1-10 digits (implied cents), found {amount!r}")
    if not _SSN.match(ssn):
        raise ValueError("DED SSN must be exactly 9 digits")
    if ssn[:3] == "000" or ssn[5:] == "0000":
        raise ValueError("DED SSN is not a valid SSN (area 000 or serial 0000)")
    if medical not in {"Y", "N", "W"}:
        raise ValueError(f"DED medical support indicator must be Y, N or W, found {medical!r}")
    if len(name) > 10:
        raise ValueError("DED employee name is at most 10 characters")
    if fips and not _FIPS.match(fips):
        raise ValueError(f"DED FIPS code must be 5 or 7 digits, found {fips!r}")
    if terminated not in {"", "Y"}:
        raise ValueError(f"DED employment termination indicator must be Y or blank, found {terminated!r}")
    return Ded(
        case_id=case_id,
        pay_date=pay_date,
        amount=_cents(amount),
        ssn=ssn,
        medical=medical == "Y",
        name=name,
        fips=fips,
        terminated=terminated == "Y",
        medical_indicator=medical,
    )


def ded_format(ded: Ded) -> str:
    """The DED segment text (trailing optional elements omitted)."""
    cents = int((ded.amount / CENT).to_integral_value())
    parts = [
        "DED",
        "CS",
        ded.case_id,
        ded.pay_date.strftime("%y%m%d"),
        str(cents),
        ded.ssn,
        ded.medical_indicator or ("Y" if ded.medical else "N"),
    ]
    optional = [ded.name, ded.fips, "Y" if ded.terminated else ""]
    while optional and not optional[-1]:
        optional.pop()
    return "*".join(parts + optional) + "\\"


# How far a DED pay date may lie after the batch's settlement (the later of the file creation date
# and the effective entry date): a payroll funded on Friday for a Monday payday.
PAY_DATE_AHEAD_DAYS = 3


def _pay_date_too_late(pay_date: date, created_on: date | None, effective: date | None) -> str:
    """Why a DED pay date is refused, or "".

    DED03 is the employee's pay date or the date of withholding, and employers commonly send the
    file before it with the effective entry date on (or just before) payday, so a pay date after
    the file date is normal. One more than ``PAY_DATE_AHEAD_DAYS`` after the later of the file
    creation date and the effective entry date is a keying error (a wrong year or month): the
    collection would be dated by a payday that has not come when the money settles.
    """
    dates = [
        (d, what) for d, what in ((created_on, "file creation date"), (effective, "batch's effective entry date")) if d
    ]
    if not dates:
        return ""
    latest, what = max(dates, key=lambda pair: pair[0])
    if (pay_date - latest).days > PAY_DATE_AHEAD_DAYS:
        return f"DED pay date {pay_date} is more than {PAY_DATE_AHEAD_DAYS} days after the {what} {latest}"
    return ""


def payment_entries(nacha: NachaFile) -> list[PaymentEntry]:
    """The child support payments of a parsed file; raise ``NachaInvalid`` on any bad entry.

    Every batch must be CCD (CCD+); every entry a credit (prenotes skipped; a zero-dollar entry only
    when it carries a DED, then returned as a notice, ``PaymentEntry.is_notice``) with exactly one
    addenda carrying a valid DED segment whose amount equals the entry's and whose pay
    date is not far after the batch settles (``_pay_date_too_late``).
    """
    errors: list[tuple[int, str]] = []
    payments: list[PaymentEntry] = []
    for batch in nacha.batches:
        if batch.sec_code != "CCD":
            errors.append((batch.line, f"child support payments come as CCD+ batches; this batch is {batch.sec_code}"))
            continue
        for entry in batch.entries:
            if entry.is_prenote:
                continue
            if entry.transaction_code in ZERO_CODES:
                # A zero-dollar entry carrying a DED is a notice (DED09 "Y": the employee has been
                # terminated, "DED04 may contain zero if this field is used"); any other is skipped.
                if not (entry.addenda and entry.addenda[0].payment_info.startswith("DED*")):
                    continue
            elif entry.transaction_code in RETURN_CREDIT_CODES | RETURN_DEBIT_CODES:
                errors.append(
                    (
                        entry.line,
                        f"transaction code {entry.transaction_code} is a return or notification of "
                        "change; import return files as returns, not payments",
                    )
                )
                continue
            elif not entry.is_credit:
                errors.append(
                    (
                        entry.line,
                        f"transaction code {entry.transaction_code} is a debit; a payment file carries credits",
                    )
                )
                continue
            if not entry.addenda:
                errors.append((entry.line, "the entry has no DED addenda record"))
                continue
            addenda = entry.addenda[0]
            if addenda.type_code != "05":
                errors.append((addenda.line, f"addenda type {addenda.type_code} is not a payment addenda (05)"))
                continue
            try:
                ded = ded_parse(addenda.payment_info)
            except ValueError as exc:
                errors.append((addenda.line, str(exc)))
                continue
            if ded.amount != entry.amount:
                errors.append((addenda.line, f"DED amount {ded.amount} differs from the entry amount {entry.amount}"))
                continue
            too_late = _pay_date_too_late(ded.pay_date, nacha.created_on, batch.effective_date)
            if too_late:
                errors.append((addenda.line, too_late))
                continue
            payments.append(PaymentEntry(line=entry.line, batch=batch, entry=entry, ded=ded))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise NachaInvalid(errors)
    return payments


# ----------------------------------------------------------------------------------------------
# returns and notifications of change (NOC) sent back by the bank for the office's entries

RETURN_REASONS = {
    "R01": "Insufficient funds",
    "R02": "Account closed",
    "R03": "No account / unable to locate account",
    "R04": "Invalid account number",
    "R05": "Unauthorized debit to consumer account using corporate SEC code",
    "R06": "Returned per ODFI's request",
    "R07": "Authorization revoked by customer",
    "R08": "Payment stopped",
    "R09": "Uncollected funds",
    "R10": "Customer advises not authorized",
    "R11": "Entry not in accordance with the terms of the authorization",
    "R12": "Account sold to another DFI",
    "R13": "Invalid ACH routing number",
    "R14": "Representative payee deceased or unable to continue",
    "R15": "Beneficiary or account holder deceased",
    "R16": "Account frozen / returned per OFAC instruction",
    "R17": "File record edit criteria",
    "R18": "Improper effective entry date",
    "R19": "Amount field error",
    "R20": "Non-transaction account",
    "R21": "Invalid company identification",
    "R22": "Invalid individual ID number",
    "R23": "Credit entry refused by receiver",
    "R24": "Duplicate entry",
    "R25": "Addenda error",
    "R26": "Mandatory field error",
    "R27": "Trace number error",
    "R28": "Routing number check digit error",
    "R29": "Corporate customer advises not authorized",
    "R31": "Permissible return entry",
    "R32": "RDFI non-settlement",
    "R33": "Return of XCK entry",
    "R34": "Limited participation DFI",
    "R35": "Return of improper debit entry",
    "R36": "Return of improper credit entry",
    "R37": "Source document presented for payment",
    "R38": "Stop payment on source document",
    "R39": "Improper source document",
    "R61": "Misrouted return",
    "R62": "Return of erroneous or reversing debit",
    "R67": "Duplicate return",
    "R68": "Untimely return",
    "R69": "Field error(s)",
    "R70": "Permissible return entry not accepted",
    "R80": "IAT entry coding error",
    "R81": "Non-participant in IAT program",
    "R82": "Invalid foreign receiving DFI identification",
    "R83": "Foreign receiving DFI unable to settle",
    "R84": "Entry not processed by gateway",
    "R85": "Incorrectly coded outbound international payment",
}
NOC_REASONS = {
    "C01": "Incorrect DFI account number",
    "C02": "Incorrect routing number",
    "C03": "Incorrect routing number and DFI account number",
    "C04": "Incorrect individual name",
    "C05": "Incorrect transaction code",
    "C06": "Incorrect DFI account number and transaction code",
    "C07": "Incorrect routing number, DFI account number and transaction code",
    "C08": "Incorrect receiving DFI identification (IAT)",
    "C09": "Incorrect individual identification number",
    "C13": "Addenda format error",
    "C14": "Incorrect SEC code for outbound international payment",
}
_RETURN_CODE = re.compile(r"R(0[1-9]|[1-7]\d|8[0-5])\Z")


@dataclass(frozen=True)
class ReturnItem:
    """One return (addenda 99, reason R01–R85) or notification of change (addenda 98, C-code)."""

    line: int
    kind: str  # "return" or "noc"
    code: str
    reason: str
    original_trace: str
    original_rdfi: str
    amount: Decimal
    transaction_code: str
    identification: str
    corrected_data: str = ""
    information: str = ""
    date_of_death: date | None = None
    # The return file's creation date: a return's original entry went out in a file on or
    # before it (the return addenda does not carry the original entry's date).
    returned_on: date | None = None


@dataclass(frozen=True)
class Correction:
    """What a NOC corrects: any of routing number, account number, transaction code."""

    routing: str = ""
    account: str = ""
    transaction_code: str = ""


def return_addenda(
    *, code: str, original_trace: str, original_rdfi: str, information: str = "", date_of_death: date | None = None
) -> str:
    """The 76 characters of a return addenda (type 99) after its type code."""
    death = date_of_death.strftime("%y%m%d") if date_of_death else ""
    return f"{code:3}{original_trace:15}{death:6}{original_rdfi:8}{information[:44]:44}"


def noc_addenda(*, code: str, original_trace: str, original_rdfi: str, corrected_data: str) -> str:
    """The 76 characters of a notification-of-change addenda (type 98) after its type code."""
    return f"{code:3}{original_trace:15}{'':6}{original_rdfi:8}{corrected_data[:29]:29}{'':15}"


def noc_correction(code: str, data: str) -> Correction:
    """The corrected data of a NOC (NACHA layout per change code); ``ValueError`` when malformed.

    C01 account (17) · C02 routing (9) · C03 routing (9), 3 blanks, account (17) · C05 transaction
    code (2) · C06 account (17), 3 blanks, transaction code (2) · C07 routing (9), account (17),
    transaction code (2). Other codes correct nothing held as bank details.
    """

    def routing(value: str) -> str:
        if not (_DIGITS.match(value) and len(value) == 9 and routing_check_digit(value[:8]) == value[8]):
            raise ValueError(f"corrected routing number {value!r} is not a valid 9-digit ABA number")
        return value

    def account(value: str) -> str:
        if not value.strip():
            raise ValueError("corrected account number is blank")
        return value.strip()

    def code_(value: str) -> str:
        if value not in CREDIT_CODES | DEBIT_CODES | PRENOTE_CODES:
            raise ValueError(f"corrected transaction code {value!r} is not a transaction code")
        return value

    if code == "C01":
        return Correction(account=account(data[:17]))
    if code == "C02":
        return Correction(routing=routing(data[:9]))
    if code == "C03":
        return Correction(routing=routing(data[:9]), account=account(data[12:29]))
    if code == "C05":
        return Correction(transaction_code=code_(data[:2]))
    if code == "C06":
        return Correction(account=account(data[:17]), transaction_code=code_(data[20:22]))
    if code == "C07":
        return Correction(routing=routing(data[:9]), account=account(data[9:26]), transaction_code=code_(data[26:28]))
    return Correction()


def return_entries(nacha: NachaFile) -> list[ReturnItem]:
    """The returns and NOCs of a parsed file; raise ``NachaInvalid`` on anything else in it."""
    errors: list[tuple[int, str]] = []
    items: list[ReturnItem] = []
    for batch in nacha.batches:
        for entry in batch.entries:
            if entry.transaction_code not in RETURN_CREDIT_CODES | RETURN_DEBIT_CODES:
                errors.append(
                    (
                        entry.line,
                        f"transaction code {entry.transaction_code} is not a return or "
                        "notification of change (21, 26, 31, 36, 41, 46, 51, 56)",
                    )
                )
                continue
            addenda = entry.addenda[0] if entry.addenda else None
            if addenda is None or addenda.type_code not in {"98", "99"}:
                errors.append((entry.line, "a return carries a return (99) or notification of change (98) addenda"))
                continue
            info = addenda.payment_info
            code, trace, rdfi = info[0:3], info[3:18], info[24:32]
            if not (_DIGITS.match(trace) and len(trace) == 15):
                errors.append((addenda.line, f"original entry trace number must be 15 digits, found {trace!r}"))
                continue
            common: dict[str, Any] = {
                "line": entry.line,
                "code": code,
                "original_trace": trace,
                "original_rdfi": rdfi.strip(),
                "amount": entry.amount,
                "transaction_code": entry.transaction_code,
                "identification": entry.identification,
                "returned_on": nacha.created_on,
            }
            if addenda.type_code == "99":
                if not _RETURN_CODE.match(code):
                    errors.append((addenda.line, f"return reason code must be R01 to R85, found {code!r}"))
                    continue
                items.append(
                    ReturnItem(
                        kind="return",
                        reason=RETURN_REASONS.get(code, f"Return reason {code}"),
                        information=info[32:76].strip(),
                        date_of_death=yymmdd(info[18:24]),
                        **common,
                    )
                )
            else:
                if code not in NOC_REASONS:
                    errors.append(
                        (addenda.line, f"change code must be one of {', '.join(NOC_REASONS)}, found {code!r}")
                    )
                    continue
                try:
                    noc_correction(code, info[32:61])
                except ValueError as exc:
                    errors.append((addenda.line, str(exc)))
                    continue
                items.append(
                    ReturnItem(kind="noc", reason=NOC_REASONS[code], corrected_data=info[32:61].rstrip(), **common)
                )
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise NachaInvalid(errors)
    return items


# ----------------------------------------------------------------------------------------------
# writer


@dataclass
class EntrySpec:
    routing: str  # 9 digits
    account: str
    amount: Decimal
    identification: str = ""
    name: str = ""
    transaction_code: str = "22"
    addenda: str = ""  # payment-related information (80), e.g. ded_format(...)
    addenda_type: str = "05"  # 98 (NOC) and 99 (return): ``addenda`` is the 76 characters after the type


@dataclass
class BatchSpec:
    company_name: str
    company_id: str
    sec_code: str
    entry_description: str
    effective_date: date
    odfi: str  # 8 digits
    entries: list[EntrySpec]
    service_class: str = "220"
    company_discretionary: str = ""
    first_trace: int = 1  # sequence part of the first entry's trace number (unique within the file)


def _field(value: str, width: int, *, upper: bool = True) -> str:
    """An alphanumeric field: printable ASCII, cut to ``width`` and blank-filled."""
    return ascii_text(value, upper=upper)[:width].ljust(width)


def _n(value: int, width: int) -> str:
    text = str(value)
    if len(text) > width:
        raise ValueError(f"{value} does not fit in {width} digits")
    return text.zfill(width)


def _amount(value: Decimal, width: int) -> str:
    return _n(int((Decimal(value) / CENT).to_integral_value()), width)


def build_file(
    *,
    destination: str,
    origin: str,
    destination_name: str,
    origin_name: str,
    created: datetime,
    batches: list[BatchSpec],
    file_id_modifier: str = "A",
    reference_code: str = "",
    line_ending: str = "\n",
    uppercase: bool = True,
) -> str:
    """Write a valid NACHA file with controls, hashes and filler records computed.

    Every text field is transliterated to printable ASCII (``ascii_text``) and, unless
    ``uppercase`` is False, upper-cased, so a payee named "José Muñoz-Peña" cannot make a record
    longer than 94 bytes. The addenda text keeps its case (DED case ids are matched as sent).
    """

    def _a(value: str, width: int) -> str:
        return _field(value, width, upper=uppercase)

    records = [
        "101"
        + _a(" " + destination if len(destination) == 9 else destination, 10)
        + _a(origin if len(origin) == 10 else " " + origin, 10)
        + created.strftime("%y%m%d%H%M")
        + file_id_modifier
        + "094101"
        + _a(destination_name, 23)
        + _a(origin_name, 23)
        + _a(reference_code, 8)
    ]
    file_count = file_hash = 0
    file_debit = file_credit = Decimal("0")
    for number, spec in enumerate(batches, start=1):
        batch_number = _n(number, 7)
        records.append(
            "5"
            + spec.service_class
            + _a(spec.company_name, 16)
            + _a(spec.company_discretionary, 20)
            + _a(spec.company_id, 10)
            + _a(spec.sec_code, 3)
            + _a(spec.entry_description, 10)
            + _a("", 6)
            + spec.effective_date.strftime("%y%m%d")
            + "   "
            + "1"
            + _a(spec.odfi, 8)
            + batch_number
        )
        count = entry_hash = 0
        debit = credit = Decimal("0")
        odfi = _a(spec.odfi, 8)
        for sequence, item in enumerate(spec.entries, start=spec.first_trace):
            # One formatting per record (a disbursement file holds hundreds of thousands of entries).
            routing = item.routing
            trace = odfi + _n(sequence, 7)
            records.append(
                f"6{item.transaction_code}{routing[:8]}{routing[8]}{_a(item.account, 17)}{_amount(item.amount, 10)}"
                f"{_a(item.identification, 15)}{_a(item.name, 22)}  {'1' if item.addenda else '0'}{trace}"
            )
            count += 1
            entry_hash += int(routing[:8])
            if item.transaction_code in TOTAL_DEBIT_CODES:
                debit += item.amount
            elif item.transaction_code in TOTAL_CREDIT_CODES:
                credit += item.amount
            if item.addenda and item.addenda_type in {"98", "99"}:
                records.append("7" + item.addenda_type + _field(item.addenda, 76, upper=False) + trace)
                count += 1
            elif item.addenda:
                records.append("705" + _field(item.addenda, 80, upper=False) + "0001" + trace[-7:])
                count += 1
        records.append(
            "8"
            + spec.service_class
            + _n(count, 6)
            + _n(entry_hash % 10**10, 10)
            + _amount(debit, 12)
            + _amount(credit, 12)
            + _a(spec.company_id, 10)
            + " " * 19
            + " " * 6
            + _a(spec.odfi, 8)
            + batch_number
        )
        file_count += count
        file_hash += entry_hash
        file_debit += debit
        file_credit += credit
    total = len(records) + 1
    blocks = -(-total // BLOCKING_FACTOR)
    records.append(
        "9"
        + _n(len(batches), 6)
        + _n(blocks, 6)
        + _n(file_count, 8)
        + _n(file_hash % 10**10, 10)
        + _amount(file_debit, 12)
        + _amount(file_credit, 12)
        + " " * 39
    )
    records.extend([PADDING] * (blocks * BLOCKING_FACTOR - total))
    return line_ending.join(records) + line_ending
