"""GS1 numbers every app reads or prints: the mod-10 check digit, GTINs in their four spellings
and SSCCs (the 18-digit serial shipping container codes on LPN and carton labels). A whole
GS1-128 scan (application identifiers) is parsed by inventory.gs1_scan, for receiving and
picking alike."""

from __future__ import annotations

from wms.exceptions import DomainError

FNC1 = "\xf1"  # reportlab's Code128 writes this character as the FNC1 symbol (GS1-128).


class GS1Error(DomainError):
    """A scan that is not a valid GS1 number or element string; the message says what and
    where."""

    code = "gs1_invalid"


def check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for `digits` (the data without its check digit), any length:
    weights 3, 1, 3, … from the rightmost digit."""
    if not digits.isdigit() or not digits.isascii():
        raise GS1Error(f'check digit needs digits only, got "{digits}"')
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return -total % 10


def has_check_digit(number: str) -> bool:
    """True for digits whose last one is the GS1 check digit of the others."""
    return (
        len(number) > 1
        and number.isascii()
        and number.isdigit()
        and check_digit(number[:-1]) == int(number[-1])
    )


def normalize_gtin(code: str) -> str:
    """An EAN-8, UPC-A, EAN-13 or GTIN-14 as the 14-digit GTIN it stands for (left-padded with
    zeros), so product barcodes match GS1 AI (01) values. Refuses other lengths and bad check
    digits."""
    code = code.strip()
    if not code.isdigit() or not code.isascii() or len(code) not in (8, 12, 13, 14):
        raise GS1Error(f'"{code}" is not a GTIN: expected 8, 12, 13 or 14 digits')
    expected = check_digit(code[:-1])
    if int(code[-1]) != expected:
        raise GS1Error(f'GTIN "{code}" has check digit {code[-1]}, expected {expected}')
    return code.zfill(14)


def gtin_spellings(gtin14: str) -> list[str]:
    """A 14-digit GTIN as the shorter codes (EAN-8, UPC-A, EAN-13) a product barcode may store."""
    return [gtin14[-n:] for n in (8, 12, 13, 14) if set(gtin14[:-n]) <= {"0"}]


def sscc_for(extension_digit: int, company_prefix: str, serial: int) -> str:
    """The 18-digit SSCC: extension digit, GS1 company prefix (6 to 12 digits), the serial
    zero-padded to fill 16 digits, then the check digit."""
    if not 0 <= extension_digit <= 9:
        raise ValueError(f"The extension digit is 0 to 9, not {extension_digit}.")
    if not (company_prefix.isascii() and company_prefix.isdigit()):
        raise ValueError(f"A GS1 company prefix is digits only, not {company_prefix!r}.")
    if not 6 <= len(company_prefix) <= 12:
        raise ValueError(f"A GS1 company prefix has 6 to 12 digits, not {len(company_prefix)}.")
    serial_digits = 16 - len(company_prefix)
    if not 0 <= serial < 10**serial_digits:
        raise ValueError(
            f"With a {len(company_prefix)}-digit company prefix the serial has at most "
            f"{serial_digits} digits; {serial} does not fit."
        )
    body = f"{extension_digit}{company_prefix}{serial:0{serial_digits}d}"
    return body + str(check_digit(body))


def is_valid_sscc(sscc: str) -> bool:
    return len(sscc) == 18 and has_check_digit(sscc)


def sscc_text(sscc: str) -> str:
    """Human-readable SSCC: "(00) 1 0614141123456789 7" (extension, reference, check digit).
    The company prefix length is not known from the number, so it is not split out."""
    return f"(00) {sscc[0]} {sscc[1:17]} {sscc[17]}"


def sscc_element_string(sscc: str) -> str:
    """GS1-128 data for reportlab: FNC1, AI 00, the SSCC."""
    return f"{FNC1}00{sscc}"
