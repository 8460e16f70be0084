"""Domain errors every app raises. Views turn them into form errors; the API into JSON."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action. `code` is stable for API clients; `message` says what was expected and
    what was found."""

    code = "refused"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field_errors = field_errors or {}


class ConflictError(DomainError):
    code = "conflict"
    status = 409


class InvalidTransition(ConflictError):
    code = "invalid_transition"
