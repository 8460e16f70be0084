"""Billing's refusals. Each is a DomainError (a 4xx in the API, a message or form error on the
pages) and is raised before anything is written."""

from __future__ import annotations

from wms.exceptions import ConflictError, DomainError


class RateCardRefused(DomainError):
    """A rate card or version that cannot be saved: a negative price, overlapping rules, an
    effective date inside a finalised period. `field_errors` names the rule and field."""

    code = "rate_card_refused"
    status = 422


class PeriodRefused(ConflictError):
    """A period that cannot close or re-rate now (not ended, unrated activity, wrong status)."""

    code = "period_refused"


class InvoiceRefused(ConflictError):
    code = "invoice_refused"


class ChargeRefused(DomainError):
    """A manual charge, credit note or unrated-queue action that is not allowed."""

    code = "charge_refused"
    status = 422


class DisputeRefused(DomainError):
    """A dispute that cannot be opened or answered: an empty note, a line already disputed, a
    dispute already answered."""

    code = "dispute_refused"
    status = 422
