"""The billing REST routes under /api/v1/ (mounted by wms.api by dotted path): rate cards (list,
create, read, add a version), charges (list with filters; a manual charge honouring
Idempotency-Key), the unrated queue, invoices (list, read, finalise, PDF, CSV of every line) and
credit notes. Routes look the object up in the user's scope (404 outside it), check the
permission (403, nothing written) and call one service; refusals become the JSON error envelope.

Who may do what: managers and admins everything; a client user reads their own client's charges
and invoices (PDF and CSV included) and nothing else; operators nothing."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from billing import documents, selectors
from billing.exceptions import RateCardRefused
from billing.models import (
    ChargeLine,
    CreditNote,
    Invoice,
    InvoiceStatus,
    RateCard,
    RateRule,
    UnratedStatus,
)
from billing.schemas import (
    ChargeOut,
    ChargeQuery,
    CreditNoteIn,
    CreditNoteOut,
    InvoiceDetailOut,
    InvoiceOut,
    ManualChargeIn,
    RateCardIn,
    RateCardOut,
    RuleIn,
    UnratedOut,
    VersionIn,
    VersionOut,
)
from billing.services.cards import RuleSpec, create_rate_card, create_version
from billing.services.charges import add_manual_charge
from billing.services.invoices import CreditSpec, create_credit_note, finalize_invoice
from inventory.selectors import References
from wms.accounts.models import User
from wms.api_common import IdempotencyKey, Page, found, user_of
from wms.permissions import require
from wms.validation import Code, IdParam

router = Router(tags=["billing"])

VIEW = "billing.view_charges"
MANAGE = "billing.manage_billing"


def _specs(rules: list[RuleIn]) -> list[RuleSpec]:
    return [RuleSpec(**rule.model_dump(mode="python")) for rule in rules]


def _card(user: User, pk: int) -> RateCard:
    return found(selectors.get_rate_card_for_user(user, pk), f"No rate card {pk}.")


def _invoice(user: User, pk: int) -> Invoice:
    return found(selectors.get_invoice_for_user(user, pk), f"No invoice {pk}.")


def _detail(invoice: Invoice) -> Invoice:
    """The invoice with what InvoiceDetailOut shows loaded (its credit notes come through the
    related manager)."""
    invoice.summary = selectors.invoice_summary(invoice)  # type: ignore[attr-defined]
    return invoice


# --- Rate cards -------------------------------------------------------------------------------


@router.get("/rate-cards", response=list[RateCardOut], summary="Rate cards with their versions")
@paginate(Page)
def list_rate_cards(request: HttpRequest) -> Any:
    user = user_of(request)
    require(user, MANAGE)
    return selectors.rate_cards_for_user(user)


@router.post("/rate-cards", response={201: RateCardOut}, summary="Create a client's rate card")
def create_rate_card_route(
    request: HttpRequest, payload: RateCardIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Creates the card (one per client) and, when `version` is given, its first version, in one
    transaction: any refused rule (negative price, overlapping rules…) writes nothing (422 with
    `version.rules.<n>.<field>` errors)."""
    user = user_of(request)
    require(user, MANAGE)
    refs = References(user)
    client = refs.client(payload.client)
    refs.check()
    assert client is not None
    with transaction.atomic():
        card = create_rate_card(
            user=user, client=client, name=payload.name, period_kind=payload.period_kind
        )
        if payload.version is not None:
            _version(user, card, payload.version, idempotency_key, prefix="version.")
    return Status(201, card)


def _version(
    user: User, card: RateCard, payload: VersionIn, key: str | None, prefix: str = ""
) -> Any:
    try:
        return create_version(
            user=user,
            card=card,
            effective_from=payload.effective_from,
            rules=_specs(payload.rules),
            storage_mode=payload.storage_mode,
            note=payload.note,
            idempotency_key=key,
        )
    except RateCardRefused as exc:
        if prefix:
            exc.field_errors = {f"{prefix}{k}": v for k, v in exc.field_errors.items()}
        raise


@router.get("/rate-cards/{pk}", response=RateCardOut, summary="A rate card with its versions")
def get_rate_card(request: HttpRequest, pk: IdParam) -> Any:
    user = user_of(request)
    require(user, MANAGE)
    return _card(user, pk)


@router.post(
    "/rate-cards/{pk}/versions",
    response={201: VersionOut},
    summary="Add a version to a rate card",
)
def create_version_route(
    request: HttpRequest, pk: IdParam, payload: VersionIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """A new version with its rules, in effect from `effective_from` (never on or before the end
    of the client's last finalised period). Refused with field errors and nothing written for a
    negative price, overlapping rules or such a date. A repeat with the same Idempotency-Key
    answers the first version."""
    user = user_of(request)
    require(user, MANAGE)
    card = _card(user, pk)
    return Status(201, _version(user, card, payload, idempotency_key))


# --- Charges ----------------------------------------------------------------------------------


@router.get("/charges", response=list[ChargeOut], summary="Charge lines, newest activity first")
@paginate(Page)
def list_charges(request: HttpRequest, filters: Query[ChargeQuery]) -> Any:
    """Every charge line the user may see (a client user: their client's only), with the event or
    storage snapshot it came from. Filters: client code, period, kind, activity date range,
    invoice."""
    user = user_of(request)
    require(user, VIEW)
    client_id = None
    if filters.client:
        client = selectors.find_client_for_user(user, code=filters.client)
        client_id = client.pk if client else 0
    return selectors.charges_for_user(
        user,
        selectors.ChargeFilters(
            client_id=client_id,
            period_id=filters.period_id,
            kind=filters.kind or "",
            date_from=filters.date_from,
            date_to=filters.date_to,
            invoice_id=filters.invoice_id,
        ),
    )


@router.post(
    "/charges",
    response={201: ChargeOut},
    summary="Add a manual charge (value-added service or labour)",
)
def create_charge(
    request: HttpRequest, payload: ManualChargeIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """A manager's line: a service of the client's card (`rule_id`, its price) or a named one with
    its own `unit_price`. A client unknown in this tenant, a day of a finalised period or a rule
    of another client's card is refused with a field error and nothing written. A repeat with
    the same Idempotency-Key answers the first line and adds nothing."""
    user = user_of(request)
    require(user, MANAGE)
    refs = References(user)
    client = refs.client(payload.client)
    rule = None
    if payload.rule_id is not None:
        rule = RateRule.objects.select_related("version__card").filter(pk=payload.rule_id).first()
        if rule is None:
            refs.fail("rule_id", f"No rule {payload.rule_id}.")
    refs.check()
    assert client is not None
    line = add_manual_charge(
        user=user,
        client=client,
        quantity=payload.quantity,
        rule=rule,
        description=payload.description,
        unit_price=payload.unit_price,
        unit=payload.unit,
        activity_date=payload.activity_date,
        note=payload.note,
        idempotency_key=idempotency_key,
    )
    return Status(201, ChargeLine.objects.select_related("client").get(pk=line.pk))


# --- The unrated queue ------------------------------------------------------------------------


@router.get("/unrated", response=list[UnratedOut], summary="Billable activity waiting unrated")
@paginate(Page)
def list_unrated(request: HttpRequest, status: UnratedStatus | None = UnratedStatus.OPEN) -> Any:
    """Events the rating job could not charge, with the reason (no rate card, no matching rule,
    missing dimensions…). `status`: open (default), non_billable or resolved; leave it empty
    (`?status=`) for all."""
    user = user_of(request)
    require(user, MANAGE)
    return selectors.unrated_for_user(user, status=status or "")


# --- Invoices and credit notes ----------------------------------------------------------------


@router.get("/invoices", response=list[InvoiceOut], summary="Invoices, newest period first")
@paginate(Page)
def list_invoices(
    request: HttpRequest, status: InvoiceStatus | None = None, client: Code = ""
) -> Any:
    user = user_of(request)
    require(user, VIEW)
    client_id = None
    if client:
        found_client = selectors.find_client_for_user(user, code=client)
        client_id = found_client.pk if found_client else 0
    return selectors.invoices_for_user(user, status=status or "", client_id=client_id)


@router.get("/invoices/{pk}", response=InvoiceDetailOut, summary="An invoice with its summary")
def get_invoice(request: HttpRequest, pk: IdParam) -> Any:
    user = user_of(request)
    require(user, VIEW)
    return _detail(_invoice(user, pk))


@router.post("/invoices/{pk}/finalize", response=InvoiceDetailOut, summary="Finalise an invoice")
def finalize_invoice_route(
    request: HttpRequest, pk: IdParam, idempotency_key: IdempotencyKey = None
) -> Any:
    """Gives the draft the tenant's next invoice number and makes it immutable; writes
    `invoice.finalized`. Finalising twice is refused (409 invalid_transition) and changes nothing;
    a repeat with the same Idempotency-Key answers the finalised invoice."""
    user = user_of(request)
    require(user, MANAGE)
    invoice = finalize_invoice(
        user=user, invoice=_invoice(user, pk), idempotency_key=idempotency_key
    )
    return _detail(_invoice(user, invoice.pk))


@router.get("/invoices/{pk}/pdf", summary="The invoice as PDF")
def invoice_pdf(request: HttpRequest, pk: IdParam) -> HttpResponse:
    user = user_of(request)
    require(user, VIEW)
    invoice = _invoice(user, pk)
    pdf = documents.render_invoice_pdf(selectors.invoice_document(invoice))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_name(invoice)}.pdf"'
    return response


@router.get("/invoices/{pk}/lines.csv", summary="Every line of the invoice with its source")
def invoice_csv(request: HttpRequest, pk: IdParam) -> StreamingHttpResponse:
    user = user_of(request)
    require(user, VIEW)
    invoice = _invoice(user, pk)
    response = StreamingHttpResponse(
        documents.iter_invoice_csv(selectors.invoice_csv_lines(invoice), invoice.currency),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(invoice)}.csv"'
    return response


def _file_name(invoice: Invoice) -> str:
    return invoice.number_text or f"draft-{invoice.pk}"


@router.post("/credit-notes", response={201: CreditNoteOut}, summary="Issue a credit note")
def create_credit_note_route(
    request: HttpRequest, payload: CreditNoteIn, idempotency_key: IdempotencyKey = None
) -> Any:
    """Credits amounts against lines of a finalised invoice, with the next credit-note number.
    More than a line has left, a line of another invoice or a draft invoice is refused with
    field errors and nothing written. A repeat with the same Idempotency-Key answers the first
    credit note."""
    user = user_of(request)
    require(user, MANAGE)
    invoice = _invoice(user, payload.invoice_id)
    note = create_credit_note(
        user=user,
        invoice=invoice,
        lines=[
            CreditSpec(
                charge_line_id=line.charge_line_id, amount=line.amount, description=line.description
            )
            for line in payload.lines
        ],
        reason=payload.reason,
        idempotency_key=idempotency_key,
    )
    return Status(201, CreditNote.objects.prefetch_related("lines").get(pk=note.pk))
