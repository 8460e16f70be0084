class AccountError(Exception):
    """A refused change to users or tokens; the message says why."""
