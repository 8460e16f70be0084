"""Refusals of inventory control. Each message names what was expected and what was found."""

from wms.exceptions import ConflictError, DomainError


class CountRefused(DomainError):
    code = "count_refused"


class WrongBin(DomainError):
    code = "wrong_bin"


class NotYourCount(ConflictError):
    code = "not_your_count"


class OwnCountRefused(ConflictError):
    code = "own_count"


class HoldRefused(DomainError):
    code = "hold_refused"


class ReplenishmentRefused(DomainError):
    code = "replenishment_refused"


class TransferRefused(DomainError):
    code = "transfer_refused"


class ReturnRefused(DomainError):
    code = "return_refused"
