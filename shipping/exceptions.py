"""Refusals of shipping: the box catalog, and what the carrier gateway (shipping.carrier) makes of
EasyPost's answers. Callers decide on two carrier kinds only: try again later, or show the
carrier's own reason to a person."""

from __future__ import annotations

from wms.exceptions import ConflictError, DomainError


class CatalogRefused(ConflictError):
    """A box type, packaging material or carrier account that cannot be saved as asked."""

    code = "catalog_refused"


class CarrierError(DomainError):
    """Something EasyPost (or the way to it) said no to."""

    code = "carrier_error"

    def __init__(
        self,
        message: str,
        *,
        carrier_code: str = "",
        http_status: int | None = None,
        errors: list[str] | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message, field_errors=field_errors)
        self.carrier_code = carrier_code  # EasyPost's own code, e.g. ADDRESS.VERIFY.FAILURE
        self.http_status = http_status
        self.errors = errors or []


class CarrierRetryable(CarrierError):
    """Rate limited (429), a server error (5xx), a timeout or a network fault: the same request
    may well succeed later. A task retries with backoff; nothing was decided by the carrier."""

    code = "carrier_unavailable"
    status = 503


class CarrierRejected(CarrierError):
    """EasyPost refused the request (4xx: a bad address, a rate already bought, a wrong key):
    sending it again will not help. `message` is EasyPost's own."""

    code = "carrier_rejected"
    status = 422

    @property
    def is_address_failure(self) -> bool:
        return self.carrier_code.startswith("ADDRESS.")


class PackRefused(ConflictError):
    """A scan or close at the pack station that does not match the order: a wrong item, lot or
    box, an extra unit, a closed carton, a weight off the expected one. Nothing was written."""

    code = "pack_refused"


class ShipmentRefused(ConflictError):
    """A shipment action refused by its state: shipping a carton without a bought label, voiding
    a shipped one, a manifest with nothing to put on it. The message says what was expected."""

    code = "shipment_refused"
