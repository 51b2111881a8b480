"""BAI2 bank statements: a strict parser/validator with line numbers. Pure Python, no database.

BAI2 (DOMAIN.md "Payment and bank files"): comma-separated records ending in ``/``: 01 file
header, 02 group header, 03 account identifier (with summaries), 16 transaction detail,
88 continuation, 49 account trailer, 98 group trailer, 99 file trailer. Amounts carry implied
decimals (2 for USD); detail type codes 100–399 are credits and 400–699 debits. Each trailer
carries a control total and a record count that must agree with the records it closes.

The ``bai2`` package is too lenient for an agency's books (errors without line numbers, unknown
type codes refused while malformed records pass, nothing after the file trailer checked), so this
module validates the whole file itself and raises ``Bai2Invalid`` with every problem found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .bankformat import MAX_ERRORS, BankFileInvalid, NonAsciiFile, ascii_decode, yymmdd

CENT = Decimal("0.01")
_SIGNED = re.compile(r"[+-]?\d+\Z")
_UNSIGNED = re.compile(r"\d+\Z")
_TYPE_CODE = re.compile(r"\d{3}\Z")
_PRINTABLE = re.compile(r"[ -~]*\Z")
RECORD_CODES = {"01", "02", "03", "16", "88", "49", "98", "99"}


class Bai2Invalid(BankFileInvalid):
    """The statement is refused; ``errors`` lists (line, reason) pairs in line order."""


def direction_of(type_code: int) -> str:
    """``credit`` for 100–399, ``debit`` for 400–699, else ``other`` (DOMAIN.md)."""
    if 100 <= type_code <= 399:
        return "credit"
    if 400 <= type_code <= 699:
        return "debit"
    return "other"


@dataclass
class Transaction:
    line: int
    type_code: int
    amount: Decimal
    funds_type: str
    bank_reference: str
    customer_reference: str
    text: str
    value_date: date | None = None

    @property
    def direction(self) -> str:
        return direction_of(self.type_code)


@dataclass
class Account:
    line: int
    number: str
    currency: str
    summaries: list[tuple[int, Decimal]] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    control_total: Decimal = Decimal("0.00")
    record_count: int = 0


@dataclass
class Group:
    line: int
    ultimate_receiver: str
    originator: str
    status: str
    as_of_date: date | None
    as_of_time: str
    currency: str
    accounts: list[Account] = field(default_factory=list)
    control_total: Decimal = Decimal("0.00")


@dataclass
class Statement:
    sender: str
    receiver: str
    created_on: date | None
    created_time: str
    file_id: str
    groups: list[Group] = field(default_factory=list)
    control_total: Decimal = Decimal("0.00")
    record_count: int = 0

    @property
    def transaction_count(self) -> int:
        return sum(len(a.transactions) for g in self.groups for a in g.accounts)


@dataclass
class _Record:
    line: int
    code: str
    fields: list[str]
    physical: int  # physical records (the record and its 88 continuations)
    raw: str
    rows: list[str] | None = None  # account records (03): each physical record's body, "/" removed


def _time(value: str) -> bool:
    if value == "" or value in {"9999", "2400"}:
        return True
    return bool(_UNSIGNED.match(value)) and len(value) == 4 and int(value[:2]) < 24 and int(value[2:]) < 60


def _decode(data: bytes | str) -> str:
    try:
        return ascii_decode(data)
    except NonAsciiFile as exc:
        raise Bai2Invalid([(exc.line, "the file contains non-ASCII bytes: not a BAI2 statement")]) from exc


def _physical_lines(text: str) -> list[str]:
    """The file's lines without trailing blank lines and a DOS end-of-file mark (Ctrl-Z)."""
    lines = text.rstrip("\x1a").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and lines[-1].endswith("\x1a"):
        lines[-1] = lines[-1].rstrip("\x1a")
    return lines


# Availability fields that follow a funds type: S (0/1/>1 day), V (value date and time),
# D (a count, then day/amount pairs: counted from the data).
_AVAILABILITY_FIELDS = {"S": 3, "V": 2}
_FUNDS_TYPES = {"", "Z", "0", "1", "2", "S", "V", "D"}


def _group_runs_on(fields: list[str], index: int) -> bool:
    """Whether the summary group at ``index`` (type code, amount, item count, funds type and the
    funds type's availability fields) needs more fields than ``fields`` holds."""
    if index + 4 > len(fields):
        return True
    funds = fields[index + 3]
    if funds == "D":
        if index + 5 > len(fields):
            return True
        count = fields[index + 4]
        pairs = int(count) if _UNSIGNED.match(count) and len(count) <= 9 else 0
        return index + 5 + 2 * pairs > len(fields)
    return index + 4 + _AVAILABILITY_FIELDS.get(funds, 0) > len(fields)


class _Parser:
    """Validates a whole statement; one handler per record code (``_HANDLERS``).

    State while reading: the statement, the open group and account, and the physical record
    counts of each (trailers are checked against them). Every problem is recorded with its line.
    """

    def __init__(self, text: str):
        self.text = text
        self.errors: list[tuple[int, str]] = []
        self.statement = Statement(sender="", receiver="", created_on=None, created_time="", file_id="")
        self.group: Group | None = None
        self.account: Account | None = None
        self.group_records = 0
        self.account_records = 0
        self.file_records = 0
        self.closed_line = 0

    def err(self, line: int, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((line, reason))

    # --- physical records → logical records ---------------------------------------------------

    def records(self) -> list[_Record]:
        records: list[_Record] = []
        for number, raw in enumerate(_physical_lines(self.text), start=1):
            line = raw.rstrip()  # fixed-length (e.g. 80-column) records are blank-padded after "/"
            if not _PRINTABLE.match(line):
                self.err(number, "the record contains control or non-printable characters")
                continue
            code = line[:2]
            if not line:
                self.err(number, "blank line inside the statement")
                continue
            if code not in RECORD_CODES or line[2:3] != ",":
                self.err(number, f"unknown record type {code!r}")
                continue
            body = line[3:]
            if code == "88":
                if not records:
                    self.err(number, "continuation record (88) without a record to continue")
                    continue
                self.continue_record(records[-1], body)
                continue
            records.append(_Record(number, code, [], 1, body, [body] if code == "03" else None))
        for record in records:
            raw = record.raw
            if raw.endswith("/"):
                raw = raw[:-1]
            elif record.code != "16":  # 16 text may run to the end of the record without a slash
                self.err(record.line, f"record {record.code} must end with '/'")
            record.fields = raw.split(",")
            if record.rows is not None:
                record.rows = [row[:-1] if row.endswith("/") else row for row in record.rows]
        return records

    @staticmethod
    def continue_record(previous: _Record, body: str) -> None:
        """Join an 88 to the record it continues (as the ``bai2`` package does).

        A continued record that ends with "/" ends with a whole field: the continuation starts
        the next field. One that does not (16 text running on) continues the text after a blank.
        """
        if previous.raw.endswith("/"):
            previous.raw = previous.raw[:-1] + "," + body
        else:
            previous.raw += (" " if previous.code == "16" else "") + body
        if previous.rows is not None:
            previous.rows.append(body)
        previous.physical += 1

    # --- field helpers ----------------------------------------------------------------------

    def amount(self, line: int, value: str, what: str, *, signed: bool = False) -> Decimal:
        if value == "":
            return Decimal("0.00")
        pattern = _SIGNED if signed else _UNSIGNED
        if not pattern.match(value) or len(value.lstrip("+-")) > 18:
            self.err(line, f"{what} must be {'a signed ' if signed else ''}whole number of cents, found {value!r}")
            return Decimal("0.00")
        return (Decimal(int(value)) * CENT).quantize(CENT)

    def integer(self, line: int, value: str, what: str) -> int | None:
        if not _UNSIGNED.match(value) or len(value) > 9:
            self.err(line, f"{what} must be a whole number, found {value!r}")
            return None
        return int(value)

    def need(self, record: _Record, count: int) -> list[str]:
        if len(record.fields) < count:
            self.err(record.line, f"record {record.code} has {len(record.fields)} fields; at least {count} expected")
            return record.fields + [""] * (count - len(record.fields))
        return record.fields

    def funds(self, record: _Record, fields: list[str], index: int) -> tuple[str, int, date | None]:
        """Funds type at ``index``; returns (type, index after its availability fields, value date)."""
        funds = fields[index] if index < len(fields) else ""
        index += 1
        if funds not in _FUNDS_TYPES:
            self.err(record.line, f"unknown funds type {funds!r}")
            return funds, index, None
        if funds == "S":
            for offset in range(3):
                self.amount(
                    record.line,
                    fields[index + offset] if index + offset < len(fields) else "x",
                    "availability amount",
                    signed=True,
                )
        if funds == "V":
            value_date = yymmdd(fields[index] if index < len(fields) else "")
            if value_date is None:
                self.err(record.line, "value-dated funds need a YYMMDD value date")
            return funds, index + 2, value_date
        if funds == "D":
            count = self.integer(record.line, fields[index] if index < len(fields) else "", "distribution count")
            return funds, index + 1 + 2 * (count or 0), None
        return funds, index + _AVAILABILITY_FIELDS.get(funds, 0), None

    def type_code(self, record: _Record, value: str) -> int | None:
        if not _TYPE_CODE.match(value):
            self.err(record.line, f"type code must be 3 digits, found {value!r}")
            return None
        return int(value)

    def summaries(self, record: _Record, account: Account) -> None:
        """The account record's summary groups (type code, amount, item count, funds type and
        its availability), read physical record by physical record.

        Each physical record is read on its own, so a trailing empty field before its "/"
        (``010,1000,,,/``) is a delimiter some banks write, not the start of a group, and a group
        whose fields are all empty (``03,1234567,USD,,,,/``) is an account with no summary.
        Reading the joined record instead would shift every group after such a field. A group
        the record ends inside (``...,400,2000000,,,190/`` then ``88,500000,,,110,...``, the BAI2
        specification's own sample; or a funds type whose availability fields follow on the
        88) is carried over to the next physical record: a continued record reads as it would
        on one line.
        """
        rows = record.rows or []
        carry: list[str] = []
        for number, row in enumerate(rows):
            fields = row.split(",")
            if number == 0:
                fields = fields[2:]  # account number, currency
            fields, carry = carry + fields, []
            more = number < len(rows) - 1
            index = 0
            while index < len(fields):
                group = fields[index : index + 4]
                if not any(group):
                    if len(group) < 4 or not any(fields[index:]):
                        break  # trailing empty fields
                    index += 4  # an empty (defaulted) summary group
                    continue
                if more and _group_runs_on(fields, index):
                    carry = fields[index:]
                    break
                code_value = self.type_code(record, group[0])
                amount = self.amount(record.line, group[1] if len(group) > 1 else "", "summary amount", signed=True)
                if len(group) > 2 and group[2]:
                    self.integer(record.line, group[2], "item count")
                _, index, _ = self.funds(record, fields, index + 3)
                if code_value is not None:
                    account.summaries.append((code_value, amount))

    # --- one handler per record code --------------------------------------------------------

    def file_header(self, record: _Record) -> Statement:
        header = self.need(record, 8)
        created = yymmdd(header[2])
        if created is None:
            self.err(record.line, f"file creation date is not a valid YYMMDD date: {header[2]!r}")
        if not _time(header[3]):
            self.err(record.line, f"file creation time is not HHMM: {header[3]!r}")
        for value, what in ((header[5], "physical record length"), (header[6], "block size")):
            if value and not _UNSIGNED.match(value):
                self.err(record.line, f"{what} must be a whole number, found {value!r}")
        if header[7] != "2":
            self.err(record.line, f"only BAI version 2 is accepted, found version {header[7]!r}")
        return Statement(
            sender=header[0], receiver=header[1], created_on=created, created_time=header[3], file_id=header[4]
        )

    def group_header(self, record: _Record) -> None:
        if self.group is not None:
            self.err(record.line, f"group header before the trailer (98) of the group at line {self.group.line}")
        fields = self.need(record, 6)
        as_of = yymmdd(fields[3])
        if as_of is None:
            self.err(record.line, f"as-of date is not a valid YYMMDD date: {fields[3]!r}")
        if not _time(fields[4]):
            self.err(record.line, f"as-of time is not HHMM: {fields[4]!r}")
        if fields[2] not in {"1", "2", "3", "4"}:
            self.err(record.line, f"group status must be 1-4, found {fields[2]!r}")
        self.group = Group(record.line, fields[0], fields[1], fields[2], as_of, fields[4], fields[5] or "USD")
        self.statement.groups.append(self.group)
        self.group_records = record.physical

    def account_identifier(self, record: _Record) -> None:
        group = self.group
        if group is None:
            self.err(record.line, "account record (03) outside a group")
            return
        if self.account is not None:
            self.err(record.line, f"account record before the trailer (49) of the account at line {self.account.line}")
        fields = self.need(record, 2)
        if not fields[0].strip():
            self.err(record.line, "the account number is blank")
        account = Account(record.line, fields[0].strip(), fields[1] or group.currency)
        self.summaries(record, account)
        group.accounts.append(account)
        self.account, self.account_records = account, record.physical

    def transaction_detail(self, record: _Record) -> None:
        account = self.account
        if account is None:
            self.err(record.line, "transaction record (16) outside an account")
            return
        fields = self.need(record, 3)
        code_value = self.type_code(record, fields[0])
        amount = self.amount(record.line, fields[1], "transaction amount")
        funds, index, value_date = self.funds(record, fields, 2)
        tail = fields[index:]
        bank_ref = tail[0] if tail else ""
        customer_ref = tail[1] if len(tail) > 1 else ""
        text = ",".join(tail[2:]) if len(tail) > 2 else ""
        if len(bank_ref) > 64 or len(customer_ref) > 64:
            self.err(record.line, "a reference is longer than 64 characters")
        if code_value is not None:
            account.transactions.append(
                Transaction(
                    record.line,
                    code_value,
                    amount,
                    funds,
                    bank_ref.strip(),
                    customer_ref.strip(),
                    text.strip()[:500],
                    value_date,
                )
            )

    def trailer_totals(
        self,
        record: _Record,
        *,
        level: str,
        where: str,
        parts: str,
        found: Decimal,
        records: int,
        counted: int | None = None,
    ) -> Decimal:
        """Read a trailer (49, 98, 99) of an account, group or file (``level``) and report each of
        its figures that disagrees with what was read: the control total with ``found``, the total
        of its ``parts``; the number of parts (group and file trailers) with ``counted``; the
        record count with ``records``. Returns the control total."""
        fields = self.need(record, 2 if counted is None else 3)
        total = self.amount(record.line, fields[0], f"{level} control total", signed=True)
        number = None if counted is None else self.integer(record.line, fields[1], f"number of {parts}")
        count = self.integer(record.line, fields[1 if counted is None else 2], f"{level} record count")
        if total != found:
            self.err(record.line, f"{where}: control total says {total}, the {parts} total {found}")
        if number is not None and number != counted:
            self.err(record.line, f"{where}: number of {parts} says {number}, the {level} has {counted}")
        if count is not None and count != records:
            self.err(record.line, f"{where}: record count says {count}, the {level} has {records}")
        return total

    def account_trailer(self, record: _Record) -> None:
        account = self.account
        if account is None:
            self.err(record.line, "account trailer (49) without an account")
            return
        found = sum((a for _, a in account.summaries), Decimal("0.00")) + sum(
            (t.amount for t in account.transactions), Decimal("0.00")
        )
        account.control_total = self.trailer_totals(
            record,
            level="account",
            where=f"account trailer for account {account.number} (line {account.line})",
            parts="records",
            found=found,
            records=self.account_records,
        )
        account.record_count = self.account_records
        self.account = None

    def group_trailer(self, record: _Record) -> None:
        group = self.group
        if group is None:
            self.err(record.line, "group trailer (98) without a group")
            return
        if self.account is not None:
            self.err(
                record.line, f"group trailer reached but the account at line {self.account.line} has no trailer (49)"
            )
            self.account = None
        where = f"group trailer for the group at line {group.line}"
        group.control_total = self.trailer_totals(
            record,
            level="group",
            where=where,
            parts="accounts",
            found=sum((a.control_total for a in group.accounts), Decimal("0.00")),
            records=self.group_records,
            counted=len(group.accounts),
        )
        if not group.accounts:
            self.err(record.line, f"{where}: the group has no accounts")
        self.group = None

    def file_trailer(self, record: _Record) -> None:
        statement = self.statement
        if self.group is not None:
            self.err(record.line, f"file trailer reached but the group at line {self.group.line} has no trailer (98)")
            self.group = None
        statement.control_total = self.trailer_totals(
            record,
            level="file",
            where="file trailer",
            parts="groups",
            found=sum((g.control_total for g in statement.groups), Decimal("0.00")),
            records=self.file_records,
            counted=len(statement.groups),
        )
        statement.record_count = self.file_records
        self.closed_line = record.line

    def second_file_header(self, record: _Record) -> None:
        self.err(record.line, "a second file header (01)")

    _HANDLERS = {
        "01": second_file_header,
        "02": group_header,
        "03": account_identifier,
        "16": transaction_detail,
        "49": account_trailer,
        "98": group_trailer,
        "99": file_trailer,
    }

    # --- the whole file ---------------------------------------------------------------------

    def foreign(self) -> bool:
        """Refuse what is not a BAI2 statement at all (empty, NACHA, anything else)."""
        text = self.text
        if not text.strip():
            self.err(1, "the file is empty")
            return True
        if text.lstrip()[:3] != "01,":
            if len(text.splitlines()[0].rstrip("\r\n")) == 94 and text.startswith("1"):
                self.err(1, "this looks like a NACHA file, not a BAI2 bank statement")
            else:
                self.err(1, "not a BAI2 statement: the first record must be a file header (01)")
            return True
        return False

    def count(self, record: _Record) -> None:
        self.file_records += record.physical
        if self.group is not None:
            self.group_records += record.physical
        if self.account is not None:
            self.account_records += record.physical

    def run(self) -> Statement | None:
        if self.foreign():
            return None
        records = self.records()
        if not records or records[0].code != "01":
            self.err(1, "the first record must be a file header (01)")
            return None
        self.statement = self.file_header(records[0])
        self.file_records = records[0].physical
        for record in records[1:]:
            if self.closed_line:
                self.err(record.line, "records after the file trailer (99)")
                continue
            self.count(record)
            self._HANDLERS[record.code](self, record)
        self.finish(records[-1].line)
        return self.statement

    def finish(self, last: int) -> None:
        if self.account is not None:
            self.err(last, f"truncated: the account at line {self.account.line} has no trailer (49)")
        if self.group is not None:
            self.err(last, f"truncated: the group at line {self.group.line} has no trailer (98)")
        if not self.closed_line:
            self.err(last, "truncated: no file trailer (99)")
        if not self.statement.groups and self.closed_line:
            self.err(1, "the statement has no groups")


def parse(data: bytes | str) -> Statement:
    """Parse and validate a whole BAI2 statement; raise ``Bai2Invalid`` listing every problem."""
    parser = _Parser(_decode(data))
    statement = parser.run()
    if parser.errors or statement is None:
        raise Bai2Invalid(parser.errors or [(1, "not a BAI2 statement")])
    return statement


# ----------------------------------------------------------------------------------------------
# writer (tests, benchmarks, demo data)


@dataclass
class TransactionSpec:
    type_code: int
    amount: Decimal
    bank_reference: str = ""
    customer_reference: str = ""
    text: str = ""


@dataclass
class AccountSpec:
    number: str
    transactions: list[TransactionSpec]
    opening_balance: Decimal | None = None


def _cents(value: Decimal) -> str:
    return str(int((Decimal(value) / CENT).to_integral_value()))


def build_statement(
    *,
    sender: str,
    receiver: str,
    as_of: date,
    accounts: list[AccountSpec],
    created: datetime | None = None,
    file_id: str = "1",
    line_ending: str = "\n",
) -> str:
    """Write a valid BAI2 statement with one group and trailers computed."""
    created = created or datetime.combine(as_of, datetime.min.time())
    lines = [
        f"01,{sender},{receiver},{created:%y%m%d},{created:%H%M},{file_id},,,2/",
        f"02,{receiver},{sender},1,{as_of:%y%m%d},,USD,2/",
    ]
    group_total = Decimal("0")
    for spec in accounts:
        summary = f",010,{_cents(spec.opening_balance)},,Z" if spec.opening_balance is not None else ""
        account_lines = [f"03,{spec.number},USD{summary}/"]
        total = spec.opening_balance or Decimal("0")
        for t in spec.transactions:
            text = f",{t.text}" if t.text else ""
            account_lines.append(
                f"16,{t.type_code:03d},{_cents(t.amount)},Z,{t.bank_reference},{t.customer_reference}{text}/"
            )
            total += t.amount
        account_lines.append(f"49,{_cents(total)},{len(account_lines) + 1}/")
        lines.extend(account_lines)
        group_total += total
    lines.append(f"98,{_cents(group_total)},{len(accounts)},{len(lines)}/")
    lines.append(f"99,{_cents(group_total)},1,{len(lines) + 1}/")
    return line_ending.join(lines) + line_ending
