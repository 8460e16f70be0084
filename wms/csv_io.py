"""Reading and writing the CSV files people upload and download (product, location, order and ASN
imports; exports): UTF-8, comma-separated, a header row naming columns, every row checked by the
validation layer, and cells that a spreadsheet would run as a formula quoted on the way out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from wms.validation import INT_MAX, code_problem, text_problem, whole_number

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
# A cell starting with one of these is a formula to a spreadsheet; exports prefix a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: about the whole file
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, noun: str) -> str:
        return (
            f"Imported {noun}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


class FileRefused(Exception):
    """The upload as a whole cannot be read as the expected CSV."""


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: its cells by column name, its line number, and what is wrong with it."""

    line: int
    cells: dict[str, str]
    problems: list[str] = field(default_factory=list)

    def has(self, column: str) -> bool:
        return column in self.cells

    def text(
        self, column: str, *, max_length: int, required: bool = False, code: bool = False
    ) -> str:
        """A text cell; `code`: one in our barcode alphabet (printable ASCII)."""
        value = self.cells.get(column, "")
        if required and not value:
            self.problems.append(f"{column} is empty.")
        elif len(value) > max_length:
            self.problems.append(f"{column} is longer than {max_length} characters.")
        elif code and (problem := code_problem(value)):
            self.problems.append(f"{column} {problem}")
        return value

    def whole(
        self,
        column: str,
        *,
        minimum: int = 0,
        maximum: int = INT_MAX,
        default: int | None = None,
    ) -> int | None:
        """A whole number in ASCII digits within the column's range (PostgreSQL's integer
        unless told otherwise)."""
        value = self.cells.get(column, "")
        if not value:
            return default
        number = whole_number(value)
        if number is None:
            self.problems.append(f"{column} “{value}” is not a whole number in digits 0-9.")
            return None
        if number < minimum:
            self.problems.append(f"{column} must be {minimum} or more; got {number}.")
        elif number > maximum:
            self.problems.append(f"{column} must be {maximum} or less; got {number}.")
        return number

    def flag(self, column: str) -> bool:
        value = self.cells.get(column, "").lower()
        if value not in TRUE_WORDS | FALSE_WORDS:
            self.problems.append(f"{column} “{self.cells[column]}” is not yes or no.")
        return value in TRUE_WORDS

    def choice(self, column: str, choices: Iterable[tuple[str, str]], default: str) -> str:
        value = self.cells.get(column, "")
        if not value:
            return default
        for choice_value, label in choices:
            if value.lower() in (choice_value, label.lower()):
                return choice_value
        allowed = ", ".join(choice_value for choice_value, _ in choices)
        self.problems.append(f"{column} “{value}” is not one of {allowed}.")
        return default


def uncell(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def read_rows(file: IO[bytes], columns: tuple[Column, ...]) -> list[Row]:
    """The data rows of an uploaded CSV file (UTF-8, comma-separated, a header row naming
    columns). Raises FileRefused, saying what is wrong, for anything that is not such a file."""
    raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    if not raw.strip():
        raise FileRefused("The file is empty.")
    if b"\x00" in raw:
        raise FileRefused(
            "This is not a CSV file (it holds binary data, as a spreadsheet does). "
            "Save the sheet as “CSV UTF-8” and upload that."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"The file is not UTF-8 text (byte {exc.start} is not). "
            "Save it as “CSV UTF-8” and upload it again."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        header_names = _check_header(header, columns)
        rows: list[Row] = []
        line = reader.line_num + 1
        for values in reader:
            if any(value.strip() for value in values):
                rows.append(_row(line, values, header_names))
                if len(rows) > MAX_ROWS:
                    raise FileRefused(f"The file has more than {MAX_ROWS} rows; split it.")
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileRefused(
            f"Line {reader.line_num} cannot be read as CSV ({exc}); check its quotes."
        ) from exc
    if not rows:
        raise FileRefused("The file has a header row but no rows to import.")
    return rows


def _check_header(header: list[str], columns: tuple[Column, ...]) -> list[str]:
    expected = [column.name for column in columns]
    listing = "Expected columns: " + ", ".join(expected) + "."
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise FileRefused(
            "The columns are separated by semicolons or tabs; separate them by commas. " + listing
        )
    unknown = [name for name in header if name not in expected]
    missing = [column.name for column in columns if column.required and column.name not in header]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if unknown:
        problems.append(
            "Unknown columns: " + ", ".join(name or "(empty)" for name in unknown) + "."
        )
    if missing:
        problems.append("Missing columns: " + ", ".join(missing) + ".")
    if repeated:
        problems.append("Columns named twice: " + ", ".join(repeated) + ".")
    if problems:
        raise FileRefused(" ".join([*problems, listing]))
    return header


def _row(line: int, values: list[str], header: list[str]) -> Row:
    row = Row(line, {name: uncell(value) for name, value in zip(header, values, strict=False)})
    for name, value in row.cells.items():
        if problem := text_problem(value):
            row.problems.append(f"{name} {problem}")
    if len(values) > len(header):
        row.problems.append(f"It has {len(values)} values; the header names {len(header)} columns.")
    # A short row (a tool dropped trailing empty cells) has those cells empty.
    for name in header[len(values) :]:
        row.cells[name] = ""
    return row


class Echo:
    """A file-like sink for csv.writer that hands each formatted line back instead of storing
    it, so an export streams without building the whole file in memory."""

    def write(self, value: str) -> str:
        return value
