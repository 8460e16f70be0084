"""Webhooks' refusals, raised before anything is written."""

from __future__ import annotations

from wms.exceptions import ConflictError, DomainError


class EndpointRefused(DomainError):
    """An endpoint that cannot be saved as given (its URL, its topics, its client)."""

    code = "webhook_endpoint_refused"
    status = 422


class ReplayRefused(ConflictError):
    code = "webhook_replay_refused"
