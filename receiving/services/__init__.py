"""Every write of receiving. Callers use `from receiving import services` and
`services.<name>`; the functions live in `services.asn` (documents and their status) and
`services.receipts` (scans and blind receipts)."""

from receiving.services.asn import (
    AsnLineSpec,
    cancel_asn,
    close_asn,
    create_asn,
    mark_expected,
    transition,
)
from receiving.services.receipts import blind_receive, receive_scan

__all__ = [
    "AsnLineSpec",
    "blind_receive",
    "cancel_asn",
    "close_asn",
    "create_asn",
    "mark_expected",
    "receive_scan",
    "transition",
]
