"""The one validation layer at the edge: every API schema, form, CSV import and handheld scan
checks input with these, so bad input is refused with a message before it reaches a service or
the database (where it would be a 500).

Three kinds of value:
- integers bounded to the column they end in: PostgreSQL's integer (what PositiveIntegerField,
  IntegerField and the ledger function `inventory_post_leg` take) or bigint (ids and the big
  capacity columns). Only ASCII digits are a number: a full-width "12" or a superscript "2" is
  refused, not read as 12 or 2.
- text without control characters (NUL cannot be stored at all; the others corrupt labels,
  CSV exports and logs). Multi-line text (a description) may hold line breaks and tabs.
- codes (SKUs, location codes and barcodes, LPN codes, lot numbers, warehouse and zone codes):
  printable ASCII, the alphabet of the Code 128 labels we print and of what a scanner types.

Each kind comes as a pydantic type for ninja schemas (`Quantity`, `Int32`, `Text`, `Code`…), a
Django validator and form field (`validate_text`, `CodeField`, `WholeNumberField`…), and the
scan views have `clean_scan` for one scanned value."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelFormMetaclass
from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
)
from pydantic_core import CoreSchema

from wms.exceptions import DomainError

# PostgreSQL's integer and bigint.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1
# What a handheld scanner may send inside a GS1-128 scan: FNC1 as ASCII GS (inventory/gs1_scan.py).
GS = "\x1d"
_ASCII_WHOLE = re.compile(r"[+-]?[0-9]+")
LINE_BREAKS = "\n\r\t"


class InvalidInput(DomainError):
    """A value no service may see: out of its column's range, a control character, a code
    outside our barcode alphabet."""

    code = "invalid"
    status = 422


# --- The checks -----------------------------------------------------------------------------


def shown(value: str) -> str:
    """The value as a message can show it: control characters as \\xNN escapes."""
    return "".join(
        ch if not _is_control(ch) else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
        for ch in value
    )


def _is_control(ch: str) -> bool:
    # Cc: C0, DEL and C1 controls; Cs: lone surrogates (JSON can carry them, UTF-8 cannot).
    return unicodedata.category(ch) in ("Cc", "Cs")


def _name(ch: str) -> str:
    names = {"\x00": "NUL", "\t": "a tab", "\n": "a line break", "\r": "a line break"}
    return names.get(ch, f"U+{ord(ch):04X}")


def text_problem(value: str, *, allow: str = "") -> str | None:
    """What is wrong with a piece of text, or None: a control character (other than `allow`)."""
    for position, ch in enumerate(value, start=1):
        if _is_control(ch) and ch not in allow:
            return (
                f"“{shown(value)}” holds a control character ({_name(ch)} at position "
                f"{position}); give text without it."
            )
    return None


def code_problem(value: str) -> str | None:
    """What is wrong with a code, or None: anything but printable ASCII (space to tilde)."""
    for position, ch in enumerate(value, start=1):
        if not " " <= ch <= "~":
            what = _name(ch) if _is_control(ch) else f"“{ch}”"
            return (
                f"“{shown(value)}” has {what} at position {position}: a code is printable ASCII "
                "(letters A-Z and a-z, digits, punctuation), what a barcode label can carry."
            )
    return None


def whole_number(text: str) -> int | None:
    """An integer written in ASCII digits (an optional sign), or None. Python's int() also reads
    full-width digits and " 1_0 "; a quantity field must not."""
    text = text.strip()
    return int(text) if _ASCII_WHOLE.fullmatch(text) else None


def id_from(text: object) -> int | None:
    """A row id sent as text (a hidden field, a query parameter), or None when it is not one: ASCII
    digits within bigint. `"²".isdigit()` is true and int("²") raises, so views use this."""
    number = whole_number(str(text)) if text is not None else None
    return number if number is not None and 1 <= number <= BIGINT_MAX else None


def quantity_from(text: str, *, minimum: int = 1) -> int | None:
    """Units typed or scanned as text, or None: ASCII digits from `minimum` to INT_MAX."""
    number = whole_number(text)
    return number if number is not None and minimum <= number <= INT_MAX else None


# --- Pydantic types for ninja schemas -------------------------------------------------------


@dataclass(frozen=True)
class Within:
    """Bounds an int field to a column's range. Tighter bounds given with Field(ge=…, le=…)
    win; unlike a second Ge/Le in the metadata, these never loosen them."""

    minimum: int
    maximum: int

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        schema: dict[str, Any] = dict(handler(source))
        if schema.get("type") != "int":
            raise TypeError(f"Within bounds an int, not {schema.get('type')}.")
        schema["ge"] = max(schema.get("ge", self.minimum), self.minimum)
        schema["le"] = min(schema.get("le", self.maximum), self.maximum)
        return schema


def _digits(value: Any) -> Any:
    """Text that is to be an int must be ASCII digits (pydantic also reads "1_0" as 10)."""
    if isinstance(value, str) and whole_number(value) is None:
        raise ValueError(f"“{shown(value)}” is not a whole number in digits 0-9.")
    return value


def _text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _multiline(value: str) -> str:
    problem = text_problem(value, allow=LINE_BREAKS)
    if problem:
        raise ValueError(problem)
    return value


def _scan(value: str) -> str:
    problem = text_problem(value, allow=GS)
    if problem:
        raise ValueError(problem)
    return value


def _code(value: str) -> str:
    problem = code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# Body integers are strict (a JSON integer, never `true`, "5" or 2.5); query and path integers
# arrive as text and are read from ASCII digits only (pydantic refuses full-width digits).
Int32 = Annotated[int, Strict(), Within(INT_MIN, INT_MAX)]
Int64 = Annotated[int, Strict(), Within(-BIGINT_MAX - 1, BIGINT_MAX)]
Quantity = Annotated[int, Strict(), Within(1, INT_MAX)]
Id = Annotated[int, Strict(), Within(1, BIGINT_MAX)]
IdParam = Annotated[int, Within(1, BIGINT_MAX), BeforeValidator(_digits)]
IntParam = Annotated[int, Within(INT_MIN, INT_MAX), BeforeValidator(_digits)]


@dataclass(frozen=True)
class _Documented:
    """Adds keys to a type's JSON schema (and so to the OpenAPI document)."""

    pattern: str

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> Any:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


Text = Annotated[str, AfterValidator(_text)]
MultilineText = Annotated[str, AfterValidator(_multiline)]
# What a scanner sends: a code, or a GS1 element string with GS between its elements.
Scan = Annotated[str, AfterValidator(_scan)]
# Codes carry their alphabet into the OpenAPI document as a pattern a client (or a fuzzer) can
# follow. Text carries none: a negated character class would only slow fuzzers down.
CODE_PATTERN = r"^[ -~]*$"
Code = Annotated[str, AfterValidator(_code), _Documented(CODE_PATTERN)]


# --- Django validators and form fields ------------------------------------------------------


def validate_text(value: str) -> None:
    problem = text_problem(str(value))
    if problem:
        raise ValidationError(problem, code="control_character")


def validate_multiline_text(value: str) -> None:
    problem = text_problem(str(value), allow=LINE_BREAKS)
    if problem:
        raise ValidationError(problem, code="control_character")


def validate_scan(value: str) -> None:
    problem = text_problem(str(value), allow=GS)
    if problem:
        raise ValidationError(problem, code="control_character")


def validate_code(value: str) -> None:
    problem = code_problem(str(value))
    if problem:
        raise ValidationError(problem, code="not_printable_ascii")


class TextField(forms.CharField):
    """A one-line text input without control characters."""

    default_validators = [validate_text]


class MultilineTextField(forms.CharField):
    default_validators = [validate_multiline_text]


class ScanInput(forms.TextInput):
    """A scan box that, given back a refused value, shows it with control characters escaped
    (as the error line does), never the raw bytes (a NUL in the page)."""

    def format_value(self, value: Any) -> str | None:
        formatted = super().format_value(value)
        return None if formatted is None else shown(formatted)


class ScanField(forms.CharField):
    """A scanned value: a code, or a GS1 string with its GS separators."""

    widget = ScanInput
    default_validators = [validate_scan]


class CodeField(forms.CharField):
    """A code: printable ASCII, stripped."""

    default_validators = [validate_code]


class WholeNumberField(forms.IntegerField):
    """An integer typed in ASCII digits, bounded to PostgreSQL's integer unless told tighter.
    Django's IntegerField reads full-width "12" as 12 and lets 2**40 through to the database."""

    lowest = INT_MIN
    highest = INT_MAX
    default_error_messages = {"invalid": "Enter a whole number in digits 0-9."}

    def __init__(
        self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(
            min_value=self.lowest if min_value is None else max(min_value, self.lowest),
            max_value=self.highest if max_value is None else min(max_value, self.highest),
            **kwargs,
        )

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = whole_number(str(value))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class QuantityField(WholeNumberField):
    """Units: a whole number from 1 to PostgreSQL's integer maximum (min_value=0 for a count)."""

    lowest = 0

    def __init__(self, *, min_value: int | None = 1, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, **kwargs)


class BigWholeNumberField(WholeNumberField):
    lowest = -BIGINT_MAX - 1
    highest = BIGINT_MAX


class IdField(WholeNumberField):
    """A row's id in a form (a chosen pack station): 1 to bigint's maximum."""

    lowest = 1
    highest = BIGINT_MAX


def filter_text(params: Any, name: str, *, max_length: int = 100) -> str:
    """A list page's text filter read straight from the query string: stripped, and left out
    ("") when it holds a control character or is longer than any value it could match, as
    FilterForm leaves out a bad filter rather than failing the page."""
    value = str(params.get(name, "")).strip()
    return "" if text_problem(value) or len(value) > max_length else value


def clean_formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """ModelForm's field for a model field, through this layer: integers as WholeNumberField,
    one-line text as TextField, a TextField as MultilineTextField; the model's own validators
    (validate_code on code columns) still apply. Set as `formfield_callback` (CleanModelForm)."""
    if isinstance(field, models.BigIntegerField) and not field.choices:
        kwargs.setdefault("form_class", BigWholeNumberField)
    elif isinstance(field, models.IntegerField) and not field.choices:
        kwargs.setdefault("form_class", WholeNumberField)
    elif isinstance(field, models.TextField) and not field.choices:
        kwargs.setdefault("form_class", MultilineTextField)
    elif (
        isinstance(field, models.CharField)
        and not field.choices
        and not isinstance(field, models.EmailField | models.SlugField)
    ):
        kwargs.setdefault("form_class", TextField)
    return field.formfield(**kwargs)


class _CleanModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        # Django reads formfield_callback from the form's own Meta, which a subclass's Meta
        # does not inherit; give every Meta that names none this layer's.
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(clean_formfield)
        return super().__new__(mcs, name, bases, attrs)


class CleanModelForm(forms.ModelForm, metaclass=_CleanModelFormMetaclass):
    """The base of every ModelForm: its generated fields go through clean_formfield."""


# --- Handheld scans -------------------------------------------------------------------------


class ScanRefused(InvalidInput):
    code = "invalid_scan"


MAX_SCAN_LENGTH = 200


def clean_scan(raw: str | None, *, what: str = "Scan") -> str:
    """One scanned (or typed) value as the scan views pass it on: surrounding whitespace (the
    scanner's Enter) stripped. ScanRefused, saying what was scanned, for a control character
    (other than the GS a GS1-128 scan carries) or a value longer than any code we know."""
    value = (raw or "").strip()
    problem = text_problem(value, allow=GS)
    if problem:
        raise ScanRefused(f"{what}: {problem} Scan the label again.")
    if len(value) > MAX_SCAN_LENGTH:
        raise ScanRefused(
            f"{what}: {len(value)} characters is longer than any code "
            f"(at most {MAX_SCAN_LENGTH}); scan the label again."
        )
    return value


def shown_scan(raw: str | None) -> str:
    """The scanned value as a result line shows it (control characters escaped)."""
    return shown((raw or "").strip())
