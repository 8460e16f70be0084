"""GS1 element string parsing for scan receiving: pure functions, no database.

Known-good values are GS1's published examples: GTIN 09501101530003 (GS1's own example GTIN),
SSCC 106141411234567897 (GS1 US), GTIN 95012345678903 with net weight (3103)000123 (General
Specifications), plus a real retail scan 010703206980498815210526100329."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from inventory.gs1 import GS1Error, normalize_gtin
from inventory.gs1 import check_digit as gtin_check_digit
from inventory.gs1_scan import GS, GS1Data, is_gs1, parse_gs1
from wms.exceptions import DomainError

TODAY = date(2025, 6, 1)


def parse(text: str) -> GS1Data:
    return parse_gs1(text, today=TODAY)


def refused(text: str) -> str:
    with pytest.raises(GS1Error) as error:
        parse(text)
    assert error.value.code == "gs1_invalid"
    return error.value.message


# Check digits and GTIN normalisation


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("0950110153000", 3),  # GTIN 09501101530003
        ("9501234567890", 3),  # GTIN 95012345678903
        ("10614141123456789", 7),  # SSCC 106141411234567897
        ("61414112345", 2),  # UPC-A 614141123452
        ("9638507", 4),  # EAN-8 96385074
    ],
)
def test_check_digit_is_gs1_mod_10(digits: str, expected: int) -> None:
    assert gtin_check_digit(digits) == expected


def test_check_digit_refuses_non_digits() -> None:
    with pytest.raises(GS1Error, match=re.escape('check digit needs digits only, got "12a"')):
        gtin_check_digit("12a")


@pytest.mark.parametrize(
    ("code", "gtin"),
    [
        ("96385074", "00000096385074"),  # EAN-8
        ("614141123452", "00614141123452"),  # UPC-A
        ("9501101530003", "09501101530003"),  # EAN-13
        ("09501101530003", "09501101530003"),  # GTIN-14
        (" 9501101530003\n", "09501101530003"),
    ],
)
def test_normalize_gtin_pads_to_14_digits(code: str, gtin: str) -> None:
    assert normalize_gtin(code) == gtin


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("abc", '"abc" is not a GTIN: expected 8, 12, 13 or 14 digits'),
        ("95011015300", '"95011015300" is not a GTIN: expected 8, 12, 13 or 14 digits'),
        ("9501101530004", 'GTIN "9501101530004" has check digit 4, expected 3'),
    ],
)
def test_normalize_gtin_refuses_bad_codes(code: str, message: str) -> None:
    with pytest.raises(GS1Error) as error:
        normalize_gtin(code)
    assert error.value.message == message


# The three input forms


@pytest.mark.parametrize(
    "text",
    [
        "]C101095011015300031727013110ABC123" + GS + "2112345",
        "01095011015300031727013110ABC123" + GS + "2112345",
        GS + "01095011015300031727013110ABC123" + GS + "2112345" + GS + "\r\n",
        "(01)09501101530003(17)270131(10)ABC123(21)12345",
        "(01) 09501101530003 (17) 270131 (10) ABC123 (21) 12345",
    ],
)
def test_every_input_form_gives_the_same_result(text: str) -> None:
    assert parse(text) == GS1Data(
        elements={"01": "09501101530003", "17": "270131", "10": "ABC123", "21": "12345"},
        gtin="09501101530003",
        lot="ABC123",
        expiry=date(2027, 1, 31),
        serial="12345",
    )


def test_real_retail_scan_with_predefined_lengths_and_no_separator() -> None:
    result = parse("010703206980498815210526100329")
    assert result.elements == {"01": "07032069804988", "15": "210526", "10": "0329"}
    assert result.best_before == date(2021, 5, 26)


def test_variable_length_element_runs_to_the_separator() -> None:
    # Without the GS, "21..." would be part of the lot: that is GS1's rule, not a guess.
    assert parse("10ABC" + GS + "21XYZ").elements == {"10": "ABC", "21": "XYZ"}
    assert parse("10ABC21XYZ").elements == {"10": "ABC21XYZ"}


def test_separator_after_a_predefined_length_element_is_tolerated() -> None:
    assert parse("0109501101530003" + GS + "17270131").expiry == date(2027, 1, 31)


# Each AI


def test_sscc() -> None:
    assert parse("]C100106141411234567897").sscc == "106141411234567897"


def test_contained_gtin_with_count_of_trade_items() -> None:
    result = parse("(00)106141411234567897(02)09501101530003(37)24")
    assert (result.sscc, result.contained_gtin, result.count) == (
        "106141411234567897",
        "09501101530003",
        24,
    )


def test_production_date() -> None:
    assert parse("(01)09501101530003(11)250314").production_date == date(2025, 3, 14)


def test_variable_count_ai_30() -> None:
    assert parse("3012345678").count == 12345678


def test_count_of_trade_items_wins_over_variable_count() -> None:
    assert parse("(30)5(37)7").count == 7


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("(01)95012345678903(3103)000123", Decimal("0.123")),
        ("(3100)000125", Decimal("125")),
        ("(3102)001250", Decimal("12.50")),
        ("(3105)123456", Decimal("1.23456")),
        ("0195012345678903310300012310ABC", Decimal("0.123")),
    ],
)
def test_net_weight_decimals_come_from_the_fourth_ai_digit(text: str, kg: Decimal) -> None:
    assert parse(text).net_weight_kg == kg


def test_identical_repeated_element_is_accepted() -> None:
    assert parse("(10)A(10)A").lot == "A"


# Dates


@pytest.mark.parametrize(
    ("today", "yymmdd", "expected"),
    [
        (date(2025, 6, 1), "750101", date(2075, 1, 1)),  # 50 ahead: this century
        (date(2025, 6, 1), "760101", date(1976, 1, 1)),  # 51 ahead: previous century
        (date(2075, 6, 1), "250101", date(2125, 1, 1)),  # 50 behind: next century
        (date(2075, 6, 1), "260101", date(2026, 1, 1)),  # 49 behind: this century
        (date(2099, 6, 1), "010101", date(2101, 1, 1)),
    ],
)
def test_gs1_century_rule(today: date, yymmdd: str, expected: date) -> None:
    assert parse_gs1(f"(17){yymmdd}", today=today).expiry == expected


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [("270200", date(2027, 2, 28)), ("280200", date(2028, 2, 29)), ("271200", date(2027, 12, 31))],
)
def test_day_00_is_the_last_day_of_the_month(yymmdd: str, expected: date) -> None:
    assert parse(f"(17){yymmdd}").expiry == expected
    assert parse(f"(15){yymmdd}").best_before == expected


# Refusals, each with its exact message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty scan: no GS1 element string to parse"),
        ("]C1", "empty scan: no GS1 element string to parse"),
        (" \r\n", "empty scan: no GS1 element string to parse"),
        (
            "0109501101530003991234",
            'unknown AI at position 16: "9912" starts with none of the known AIs '
            "(00, 01, 02, 10, 11, 15, 17, 21, 30, 37, 3100-3105)",
        ),
        (
            "3110001234",
            'unknown AI at position 0: "3110" starts with none of the known AIs '
            "(00, 01, 02, 10, 11, 15, 17, 21, 30, 37, 3100-3105)",
        ),
        (
            "(01)09501101530003(99)12",
            "unknown AI (99) at position 18; known AIs: "
            "00, 01, 02, 10, 11, 15, 17, 21, 30, 37, 3100-3105",
        ),
        (
            "x(01)",
            'unknown AI at position 0: "x(01" starts with none of the known AIs (00, 01, 02, 10, 11, 15, 17, 21, 30, 37, 3100-3105)',
        ),
        (
            "]C10109501101530004",
            'AI (01) at position 3: GTIN "09501101530004" has check digit 4, expected 3',
        ),
        (
            "(00)106141411234567898",
            'AI (00) at position 0: SSCC "106141411234567898" has check digit 8, expected 7',
        ),
        (
            "(02)09501101530004(37)5",
            'AI (02) at position 0: contained GTIN "09501101530004" has check digit 4, expected 3',
        ),
        (
            "01095011015300",
            'AI (01) at position 0: GTIN must be 14 digits, found 12 ("095011015300")',
        ),
        (
            "01095011015300" + GS + "10A",
            'AI (01) at position 0: GTIN must be 14 digits, found 12 ("095011015300")',
        ),
        (
            "(01)095011015300031",
            'AI (01) at position 0: GTIN must be 14 digits, found 15 ("095011015300031")',
        ),
        ("(17)2701", 'AI (17) at position 0: expiry date must be 6 digits, found 4 ("2701")'),
        (
            "(01)0950110153000X",
            'AI (01) at position 0: GTIN must be digits only, found "X" in "0950110153000X"',
        ),
        ("3712A", 'AI (37) at position 0: count must be digits only, found "A" in "12A"'),
        (
            "(17)271301",
            'AI (17) at position 0: expiry date "271301" is not a date: month 13 is not 01 to 12',
        ),
        (
            "(11)250001",
            'AI (11) at position 0: production date "250001" is not a date: month 00 is not 01 to 12',
        ),
        (
            "(17)270230",
            'AI (17) at position 0: expiry date "270230" is not a date: 2027-02 has 28 days, not 30',
        ),
        (
            "(15)270132",
            'AI (15) at position 0: best before date "270132" is not a date: 2027-01 has 31 days, not 32',
        ),
        (
            "(10)ABCDEFGHIJKLMNOPQRSTU",
            'AI (10) at position 0: lot is 21 characters long ("ABCDEFGHIJKLMNOPQRSTU"), at most 20 allowed',
        ),
        (
            "(30)123456789",
            'AI (30) at position 0: count is 9 characters long ("123456789"), at most 8 allowed',
        ),
        (
            "]C110ABCDEFGHIJKLMNOPQRS2112345",
            "AI (10) at position 3: no GS separator within 20 characters of the lot, "
            'so the rest "ABCDEFGHIJKLMNOPQRS2112345" cannot be parsed',
        ),
        (
            "37123456789",
            "AI (37) at position 0: no GS separator within 8 characters of the count, "
            'so the rest "123456789" cannot be parsed',
        ),
        (
            "(10)A(21)B(10)C",
            'AI (10) appears twice with different values: "A" at position 0 and "C" at position 10',
        ),
        ("(10)AB#C", 'AI (10) at position 0: character "#" in lot "AB#C" is not allowed'),
        ("10" + GS + "21X", "AI (10) at position 0: lot is empty"),
    ],
)
def test_refusal_says_what_is_wrong_and_where(text: str, message: str) -> None:
    assert refused(text) == message


def test_gs1_error_is_a_domain_error() -> None:
    assert issubclass(GS1Error, DomainError)


# Telling GS1 strings from plain barcodes


@pytest.mark.parametrize(
    "text",
    [
        "]C10109501101530003",
        "]C10109501101530004",  # marked but invalid: the scan must get the GS1 error
        "(01)09501101530003",
        "10ABC" + GS + "21X",
        "0109501101530003",
        "00106141411234567897",
        "010703206980498815210526100329",
    ],
)
def test_is_gs1(text: str) -> None:
    assert is_gs1(text)


@pytest.mark.parametrize(
    "text",
    [
        "9501101530003",  # EAN-13
        "0123456789012",  # EAN-13 that starts like AI 01
        "09501101530003",  # GTIN-14 (ITF-14)
        "614141123452",  # UPC-A
        "96385074",  # EAN-8
        "0109501101530004",  # unmarked, bad check digit
        "10ABC",  # unmarked lot-like text: an internal code, not GS1
        "SKU-123",
        "",
    ],
)
def test_is_not_gs1(text: str) -> None:
    assert not is_gs1(text)
