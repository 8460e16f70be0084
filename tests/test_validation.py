"""The validation layer (wms.validation) on its own: the pydantic types, the form fields and
validators, and the scan cleaner, with the values that answered 500 or were misread before."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticError

from wms.quantities import is_count
from wms.validation import (
    INT_MAX,
    Code,
    CodeField,
    IdParam,
    Int32,
    MultilineText,
    Quantity,
    QuantityField,
    Scan,
    ScanRefused,
    Text,
    TextField,
    WholeNumberField,
    clean_scan,
    id_from,
    quantity_from,
    validate_code,
)

FULL_WIDTH_12 = "\uff11\uff12"
SUPERSCRIPT_2 = "\u00b2"


class Body(BaseModel):
    quantity: Quantity = 1
    weight: Int32 = Field(0, ge=0, le=9)
    text: Text = ""
    notes: MultilineText = ""
    code: Code = Field("", max_length=8)
    scan: Scan = ""


class Filters(BaseModel):
    product_id: IdParam | None = None


def refused(**fields: Any) -> str:
    with pytest.raises(PydanticError) as caught:
        Body(**fields)
    return str(caught.value)


@pytest.mark.parametrize("value", [0, -1, INT_MAX + 1, 2**63, True, "5", 2.0])
def test_a_quantity_is_a_json_integer_from_1_to_the_integer_column_maximum(value: Any) -> None:
    refused(quantity=value)


def test_the_largest_quantity_the_column_holds_is_accepted() -> None:
    assert Body(quantity=INT_MAX).quantity == INT_MAX


def test_tighter_field_bounds_win_over_the_column_range_and_never_loosen() -> None:
    assert "less than or equal to 9" in refused(weight=10)
    assert "greater than or equal to 0" in refused(weight=-1)
    schema = Body.model_json_schema()["properties"]
    assert (schema["weight"]["minimum"], schema["weight"]["maximum"]) == (0, 9)
    assert (schema["quantity"]["minimum"], schema["quantity"]["maximum"]) == (1, INT_MAX)


@pytest.mark.parametrize("digits", [FULL_WIDTH_12, SUPERSCRIPT_2, "1_0", "1e3", str(2**63)])
def test_an_id_in_a_query_is_ascii_digits_within_bigint(digits: str) -> None:
    with pytest.raises(PydanticError):
        Filters(product_id=digits)
    assert Filters(product_id="12").product_id == 12


@pytest.mark.parametrize(
    "value", ["\x00", "a\x00b", "\x01", "\t", "line\nbreak", "\x7f", "\x85", "\ud800"]
)
def test_text_refuses_every_control_character_and_says_where(value: str) -> None:
    message = refused(text=value)
    assert "control character" in message
    assert "position" in message


@pytest.mark.parametrize("value", ["Grüße, 東京 👍", "O'Brien & Co. (50%)", ""])
def test_text_takes_any_other_character(value: str) -> None:
    assert Body(text=value).text == value


def test_multiline_text_takes_line_breaks_and_tabs_but_not_nul() -> None:
    assert Body(notes="a\nb\r\n\tc").notes == "a\nb\r\n\tc"
    assert "NUL" in refused(notes="a\x00")


@pytest.mark.parametrize("value", ["É", "A-\uff101", "PAL\x00", "\u200b", "tab\there"])
def test_a_code_is_printable_ascii(value: str) -> None:
    assert "printable ASCII" in refused(code=value)


def test_a_code_takes_letters_digits_punctuation_and_spaces() -> None:
    assert Body(code="A-01 ~!").code == "A-01 ~!"
    assert Body.model_json_schema()["properties"]["code"]["pattern"] == "^[ -~]*$"


def test_a_scan_takes_the_gs_separator_of_a_gs1_string_and_nothing_else_of_its_kind() -> None:
    assert Body(scan="]C1010\x1d37").scan == "]C1010\x1d37"
    assert "control character" in refused(scan="AB\x00")


# --- Form fields --------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [FULL_WIDTH_12, SUPERSCRIPT_2, "1_0", "12.0", "twelve"])
def test_a_quantity_field_reads_only_ascii_digits(typed: str) -> None:
    with pytest.raises(ValidationError):
        QuantityField().clean(typed)


def test_a_quantity_field_is_bounded_to_the_integer_column() -> None:
    field = QuantityField()
    assert field.clean(" 12 ") == 12
    assert field.clean(str(INT_MAX)) == INT_MAX
    for typed in (str(INT_MAX + 1), "0", "-3"):
        with pytest.raises(ValidationError):
            field.clean(typed)


def test_a_whole_number_field_keeps_tighter_bounds_and_takes_a_sign() -> None:
    assert WholeNumberField(min_value=-5, max_value=5).clean("-5") == -5
    with pytest.raises(ValidationError):
        WholeNumberField(max_value=None).clean(str(INT_MAX + 1))


def test_text_and_code_fields_refuse_control_characters_and_non_ascii_codes() -> None:
    with pytest.raises(ValidationError):
        TextField().clean("a\x01b")
    with pytest.raises(ValidationError):
        CodeField().clean("BÄR")
    assert CodeField().clean(" BAR-1 ") == "BAR-1"
    with pytest.raises(ValidationError):
        validate_code("LPN\u00a0")


# --- Scans and hidden fields -----------------------------------------------------------------


def test_a_scan_is_stripped_of_the_scanners_enter() -> None:
    assert clean_scan("  E-01\r\n") == "E-01"
    assert clean_scan(None) == ""


def test_a_scan_with_a_control_character_is_refused_saying_what_was_scanned() -> None:
    with pytest.raises(ScanRefused) as caught:
        clean_scan("E-\x0001")
    assert caught.value.message == (
        "Scan: “E-\\x0001” holds a control character (NUL at position 3); give text without "
        "it. Scan the label again."
    )


def test_a_scan_longer_than_any_code_is_refused() -> None:
    with pytest.raises(ScanRefused):
        clean_scan("9" * 201)


def test_ids_and_quantities_from_text_are_ascii_digits_within_their_column() -> None:
    assert id_from("42") == 42
    for text in (SUPERSCRIPT_2, FULL_WIDTH_12, "0", str(2**63), "", None, "4 2"):
        assert id_from(text) is None, text
    assert quantity_from("7") == 7
    assert quantity_from("0", minimum=0) == 0
    for text in (SUPERSCRIPT_2, FULL_WIDTH_12, "0", str(INT_MAX + 1)):
        assert quantity_from(text) is None, text


def test_services_count_only_ints_from_1_to_the_integer_column() -> None:
    assert is_count(1) and is_count(INT_MAX)
    for value in (0, INT_MAX + 1, True, 1.0, "1", None):
        assert not is_count(value), value
