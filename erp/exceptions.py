"""ERP sync's errors. The adapter's three failures say what the caller should do: try again later
(ErpUnavailable: the ERP is down, slow or busy), fix the connection (ErpAuthFailed), or look at
the document (ErpRefused: the ERP's own message, e.g. a Tryton UserError). The others are
refusals of our own, raised before anything is written."""

from __future__ import annotations

from wms.exceptions import ConflictError, DomainError


class ErpError(Exception):
    """A failure talking to an ERP; `message` is what the sync log and pages show."""

    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ErpUnavailable(ErpError):
    """Unreachable, timed out, 5xx, busy: the same call may work later."""

    retryable = True


class ErpAuthFailed(ErpError):
    """The ERP refused the connection's credentials."""


class ErpRefused(ErpError):
    """The ERP refused the call (its own error message), or the document cannot be mapped (an
    unknown warehouse, SKU or unit): trying again unchanged would fail again."""


class ConnectionRefused(DomainError):
    """A connection that cannot be saved as given."""

    code = "erp_connection_refused"
    status = 422


class SyncRefused(ConflictError):
    """A sync-log action that the row's state does not allow (retrying a done row)."""

    code = "erp_sync_refused"
