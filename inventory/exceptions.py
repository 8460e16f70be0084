"""Refusals of the ledger and master data. Each message names what was expected and found."""

from wms.exceptions import ConflictError, DomainError


class InvalidQuantity(DomainError):
    code = "invalid_quantity"


class InsufficientStock(ConflictError):
    code = "insufficient_stock"


class NotAllocatable(ConflictError):
    code = "not_allocatable"


class LocationRefused(ConflictError):
    """Blocked, full, virtual where a physical place is needed, or in another warehouse."""

    code = "location_refused"


class LotRefused(DomainError):
    """Missing on a lot-tracked product, given for an untracked one, or another product's."""

    code = "lot_refused"


class LpnRefused(ConflictError):
    code = "lpn_refused"


class ReservationRefused(ConflictError):
    code = "reservation_refused"


class MasterDataRefused(ConflictError):
    code = "master_data_refused"


class MoveRefused(DomainError):
    code = "move_refused"
