"""Refusals of receiving. Each message names what was expected and what was found."""

from wms.exceptions import ConflictError, DomainError


class AsnRefused(ConflictError):
    """An ASN that cannot be created or changed as asked (a clash on client plus reference, a
    line that does not fit its client)."""

    code = "asn_refused"


class ReceiptRefused(DomainError):
    """A scan that cannot be received: unknown code, missing lot or expiry, a product not on the
    ASN, an ASN that is not open for receiving, no dock location."""

    code = "receipt_refused"


class OverReceipt(ConflictError):
    code = "over_receipt"


class NotPermitted(DomainError):
    code = "not_permitted"
    status = 403


class PutawayRefused(DomainError):
    """A putaway that cannot be done as asked: a location other than the proposed one without
    the override permission or a reason, an unknown location, a task in the wrong state."""

    code = "putaway_refused"


class TaskTaken(ConflictError):
    """Another operator claimed the task first."""

    code = "task_taken"


class WrongLocation(PutawayRefused):
    """A destination scan that is not the proposed location (and not an allowed override): a
    conflict with what the task expects, answered 409 with what was expected and scanned."""

    code = "wrong_location"
    status = 409


class LabelRefused(ConflictError):
    """A label that cannot be printed: a code outside printable ASCII (Code 128's alphabet), from
    before codes were checked when they were saved."""

    code = "label_refused"
