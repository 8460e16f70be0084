"""GS1 element strings (as scanned from GS1-128 and friends) to typed data: receiving reads lots,
expiry and counts from them, picking reads the GTIN and lot.

Pure Python, no database. Three input forms carry the same data and parse to the same result:
- with a symbology identifier: ``]C101095011015300031727013110ABC`` (``]C1`` is GS1-128; the GS1
  DataMatrix, QR and DataBar identifiers ``]d2``, ``]Q3`` and ``]e0`` are accepted too);
- raw, FNC1 sent as ASCII GS (``\\x1d``) after each variable-length element;
- the human-readable bracketed form ``(01)09501101530003(17)270131(10)ABC123``.

Only the AIs receiving needs are known (00, 01, 02, 10, 11, 15, 17, 21, 30, 37, 310n); any other AI
is refused rather than skipped, because its length, and so the rest of the string, is unknown.
Error positions are 0-based offsets into the text as it was passed in. In the bracketed form a lot
or serial cannot itself contain "(" digits ")", which would read as the next AI.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from inventory.gs1 import GS1Error, check_digit

GS = "\x1d"
SYMBOLOGY_IDENTIFIERS = ("]C1", "]d2", "]Q3", "]e0")

# The GS1 General Specifications' table of element strings with predefined length: characters of
# AI plus data, keyed by the AI's first two digits. Only these end without a GS; every other
# element (10, 21, 30, 37 here) runs to the next GS or the end of the string.
PREDEFINED_LENGTH: dict[str, int] = {
    "00": 20,
    "01": 16,
    "02": 16,
    "03": 16,
    "04": 18,
    **{str(prefix): 8 for prefix in range(11, 20)},
    "20": 4,
    **{str(prefix): 10 for prefix in range(31, 37)},
    "41": 16,
}

# GS1 AI encodable character set 82, allowed in lots and serials.
CSET_82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*")


class AISpec(NamedTuple):
    title: str
    numeric: bool
    max_length: int  # data characters; exact for predefined-length AIs


AIS: dict[str, AISpec] = {
    "00": AISpec("SSCC", True, 18),
    "01": AISpec("GTIN", True, 14),
    "02": AISpec("contained GTIN", True, 14),
    "10": AISpec("lot", False, 20),
    "11": AISpec("production date", True, 6),
    "15": AISpec("best before date", True, 6),
    "17": AISpec("expiry date", True, 6),
    "21": AISpec("serial", False, 20),
    "30": AISpec("count", True, 8),
    "37": AISpec("count", True, 8),
    **{f"310{decimals}": AISpec("net weight (kg)", True, 6) for decimals in range(6)},
}
CHECK_DIGIT_AIS = {"00", "01", "02"}
DATE_AIS = {"11", "15", "17"}
KNOWN = "00, 01, 02, 10, 11, 15, 17, 21, 30, 37, 3100-3105"


@dataclass(frozen=True)
class GS1Data:
    """What one scan carried. Fields are None when their AI was absent; `elements` maps every AI
    (e.g. "01", "3102") to its raw value string, in scan order. A date whose day is 00 stands
    for the last day of its month."""

    elements: dict[str, str]
    sscc: str | None = None
    gtin: str | None = None
    contained_gtin: str | None = None
    lot: str | None = None
    production_date: date | None = None
    best_before: date | None = None
    expiry: date | None = None
    serial: str | None = None
    count: int | None = None  # AI 37 if present, else AI 30
    net_weight_kg: Decimal | None = None


def parse_gs1(text: str, *, today: date | None = None) -> GS1Data:
    """Parse one scanned GS1 element string in any of the three forms. Every element is checked
    (length, digits, check digit, date); the first problem raises GS1Error. `today` anchors the
    GS1 century rule for two-digit years (default: the current date)."""
    today = today or date.today()
    elements: dict[str, tuple[str, int]] = {}
    for ai, value, position in _split(text):
        _validate(ai, value, position)
        if ai in elements and elements[ai][0] != value:
            first, first_position = elements[ai]
            raise GS1Error(
                f'AI ({ai}) appears twice with different values: "{first}" at position '
                f'{first_position} and "{value}" at position {position}'
            )
        elements[ai] = (value, position)
    values = {ai: value for ai, (value, _) in elements.items()}

    def as_date(ai: str) -> date | None:
        return _date(ai, values[ai], elements[ai][1], today) if ai in values else None

    count = values.get("37", values.get("30"))
    weight_ai = next((ai for ai in values if ai.startswith("310")), None)
    return GS1Data(
        elements=values,
        sscc=values.get("00"),
        gtin=values.get("01"),
        contained_gtin=values.get("02"),
        lot=values.get("10"),
        production_date=as_date("11"),
        best_before=as_date("15"),
        expiry=as_date("17"),
        serial=values.get("21"),
        count=int(count) if count is not None else None,
        net_weight_kg=(
            Decimal(values[weight_ai]).scaleb(-int(weight_ai[3])) if weight_ai else None
        ),
    )


def is_gs1(text: str) -> bool:
    """True when `text` should be read as a GS1 element string rather than a plain barcode.

    Marked strings (a GS1 symbology identifier, a leading "(NN)" or any GS) are GS1 even when
    invalid, so the scan gets parse_gs1's error instead of "unknown barcode". An unmarked string
    counts only if it starts with AI 00, 01 or 02 and parses completely; plain 8, 12, 13 or
    14-digit product codes never do."""
    text = text.strip()
    if text.startswith(SYMBOLOGY_IDENTIFIERS) or GS in text or re.match(r"\(\d{2,4}\)", text):
        return True
    if text.isdigit() and len(text) in (8, 12, 13, 14):
        return False
    if not text.startswith(("00", "01", "02")):
        return False
    try:
        parse_gs1(text)
    except GS1Error:
        return False
    return True


def _split(text: str) -> Iterator[tuple[str, str, int]]:
    """(AI, value, position) for each element, in order; refuses what cannot be delimited."""
    body = text.rstrip()  # scanners append CR/LF; Python counts GS as whitespace too
    start = len(body) - len(body.lstrip())
    if body[start:].startswith(SYMBOLOGY_IDENTIFIERS):
        start += 3
    while body.startswith(GS, start):  # a leading FNC1 is sometimes transmitted as GS
        start += 1
    if start >= len(body):
        raise GS1Error("empty scan: no GS1 element string to parse")
    if body.startswith("(", start):
        yield from _split_bracketed(body, start)
    else:
        yield from _split_raw(body, start)


def _split_bracketed(body: str, start: int) -> Iterator[tuple[str, str, int]]:
    parts = list(re.finditer(r"\((\d{2,4})\)", body))
    if not parts or parts[0].start() != start:
        raise GS1Error(f'expected "(AI)" at position {start}, found "{body[start : start + 6]}"')
    for index, part in enumerate(parts):
        ai, position = part.group(1), part.start()
        if ai not in AIS:
            raise GS1Error(f"unknown AI ({ai}) at position {position}; known AIs: {KNOWN}")
        end = parts[index + 1].start() if index + 1 < len(parts) else len(body)
        value = body[part.end() : end].strip()
        spec = AIS[ai]
        if ai[:2] not in PREDEFINED_LENGTH and len(value) > spec.max_length:
            raise GS1Error(
                f"AI ({ai}) at position {position}: {spec.title} is {len(value)} characters "
                f'long ("{value}"), at most {spec.max_length} allowed'
            )
        yield ai, value, position


def _split_raw(body: str, start: int) -> Iterator[tuple[str, str, int]]:
    position = start
    while position < len(body):
        ai = body[position : position + (4 if body.startswith("31", position) else 2)]
        if ai not in AIS:
            raise GS1Error(
                f'unknown AI at position {position}: "{body[position : position + 4]}" starts '
                f"with none of the known AIs ({KNOWN})"
            )
        spec, data_start = AIS[ai], position + len(ai)
        if ai[:2] in PREDEFINED_LENGTH:
            end = position + PREDEFINED_LENGTH[ai[:2]]
            value = body[data_start:end].split(GS)[0]  # too short: wrong length below
        else:
            separator = body.find(GS, data_start)
            end = len(body) if separator == -1 else separator
            value = body[data_start:end]
            if len(value) > spec.max_length:
                raise GS1Error(
                    f"AI ({ai}) at position {position}: no GS separator within "
                    f"{spec.max_length} characters of the {spec.title}, so the rest "
                    f'"{body[data_start:end]}" cannot be parsed'
                )
        yield ai, value, position
        position = data_start + len(value)
        while body.startswith(GS, position):  # GS after a predefined-length AI is harmless
            position += 1


def _validate(ai: str, value: str, position: int) -> None:
    spec = AIS[ai]
    where = f"AI ({ai}) at position {position}"
    fixed = ai[:2] in PREDEFINED_LENGTH
    if fixed and len(value) != spec.max_length:
        raise GS1Error(
            f"{where}: {spec.title} must be {spec.max_length} digits, found {len(value)}"
            f' ("{value}")'
        )
    if not value:
        raise GS1Error(f"{where}: {spec.title} is empty")
    if spec.numeric:
        bad = next((c for c in value if c not in "0123456789"), None)
        if bad is not None:
            raise GS1Error(f'{where}: {spec.title} must be digits only, found "{bad}" in "{value}"')
    elif not CSET_82.fullmatch(value):
        bad = next(c for c in value if not CSET_82.fullmatch(c))
        raise GS1Error(f'{where}: character "{bad}" in {spec.title} "{value}" is not allowed')
    if ai in CHECK_DIGIT_AIS:
        expected = check_digit(value[:-1])
        if int(value[-1]) != expected:
            raise GS1Error(
                f'{where}: {spec.title} "{value}" has check digit {value[-1]}, expected {expected}'
            )


def _date(ai: str, value: str, position: int, today: date) -> date:
    """YYMMDD with the GS1 century rule; DD=00 means the last day of the month."""
    yy, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
    # GS1 General Specifications 7.12: YY is in the previous century when it is 51 to 99 years
    # ahead of this year's YY, in the next century when 50 to 99 years behind, else this century.
    difference = yy - today.year % 100
    century = today.year // 100 + (-1 if difference >= 51 else 1 if difference <= -50 else 0)
    year = century * 100 + yy
    where = f'AI ({ai}) at position {position}: {AIS[ai].title} "{value}"'
    if not 1 <= month <= 12:
        raise GS1Error(f"{where} is not a date: month {month:02d} is not 01 to 12")
    last_day = calendar.monthrange(year, month)[1]
    if day > last_day:
        raise GS1Error(f"{where} is not a date: {year}-{month:02d} has {last_day} days, not {day}")
    return date(year, month, day or last_day)
