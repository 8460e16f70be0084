from wms.exceptions import DomainError


class AccountError(DomainError):
    """A refused change to users or tokens; the message says why (the API answers 400)."""
