"""Refusals of outbound work. Each message says what was expected and what was found."""

from wms.exceptions import ConflictError, DomainError


class OrderRefused(DomainError):
    """Bad order input: unknown client or SKU, zero quantity, a reused reference."""

    code = "order_refused"


class DuplicateOrder(ConflictError):
    """The client's reference exists with other lines; orders are never merged."""

    code = "duplicate_reference"


class WaveRefused(ConflictError):
    code = "wave_refused"


class PickRefused(ConflictError):
    """A scan or confirmation that does not match the pick: wrong bin, item, lot, tote or too
    many units. Nothing is written."""

    code = "pick_refused"


class NotYourList(ConflictError):
    code = "not_your_list"
