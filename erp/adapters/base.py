"""What ERP sync asks of an ERP, whatever its make: the adapter interface and the plain values
that cross it. Tryton is the first implementation (erp.adapters.tryton); a second ERP implements
the same methods and registers its kind in erp.adapters.registry.adapter_for.

Quantities cross as integers in the product's base unit: an adapter converts the ERP's units
and reports a line it cannot convert as a problem of the document, never rounds it."""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType


@dataclass(frozen=True)
class ErpLine:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class ErpAddress:
    name: str
    street1: str
    city: str
    postal_code: str
    country: str = "US"
    street2: str = ""
    state: str = ""
    company: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ErpDocument:
    """A purchase or sales order as the ERP has it now. `cancelled` when the ERP cancelled it
    (or every line of it); `problems` are reasons it cannot become one of our documents (a unit
    we cannot convert), each naming the line."""

    erp_model: str
    erp_id: int
    number: str
    revision: str
    warehouse_code: str
    lines: tuple[ErpLine, ...]
    cancelled: bool = False
    expected_date: dt.date | None = None
    ship_to: ErpAddress | None = None
    service_level: str = ""
    reference: str = ""
    problems: tuple[str, ...] = ()

    def content(self) -> dict[str, object]:
        """What we apply from it, comparable across pulls (our own pushes change the ERP's write
        date, never this)."""
        return {
            "lines": sorted([line.sku, line.quantity] for line in self.lines),
            "cancelled": self.cancelled,
            "warehouse": self.warehouse_code,
            "ship_to": None if self.ship_to is None else self.ship_to.__dict__,
            "service_level": self.service_level,
        }


@dataclass(frozen=True)
class PullBatch:
    documents: tuple[ErpDocument, ...]
    cursor: str | None


@dataclass(frozen=True)
class ErpProduct:
    sku: str
    name: str


@dataclass(frozen=True)
class PushResult:
    """What the ERP now has: its model, id and number, and a sentence for the sync log."""

    erp_model: str
    erp_id: int
    number: str
    message: str


@dataclass(frozen=True)
class InvoiceLineToPost:
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceToPost:
    reference: str
    number: str
    client_code: str
    client_name: str
    currency: str
    issue_date: dt.date | None
    lines: tuple[InvoiceLineToPost, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class ConnectionReport:
    """The answer of "test connection": what was found, or why not."""

    ok: bool
    message: str
    details: list[str] = field(default_factory=list)
    warehouse_codes: tuple[str, ...] = ()


class ErpAdapter(abc.ABC):
    """One session with one ERP database. Every method may raise ErpUnavailable (try later),
    ErpAuthFailed or ErpRefused (the ERP's own message). Pushes are idempotent on the ERP side:
    each first looks for what an earlier, interrupted attempt already did (by our reference)."""

    def __enter__(self) -> ErpAdapter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @abc.abstractmethod
    def open(self) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    def test(self) -> ConnectionReport: ...

    @abc.abstractmethod
    def purchases_since(self, cursor: str | None, *, limit: int) -> PullBatch:
        """Confirmed (or later cancelled) purchase orders written since `cursor`, oldest first."""

    @abc.abstractmethod
    def sales_since(self, cursor: str | None, *, limit: int) -> PullBatch: ...

    @abc.abstractmethod
    def purchase(self, erp_id: int) -> ErpDocument: ...

    @abc.abstractmethod
    def sale(self, erp_id: int) -> ErpDocument: ...

    @abc.abstractmethod
    def products(self, skus: list[str]) -> dict[str, ErpProduct]: ...

    @abc.abstractmethod
    def post_receipt(
        self, *, purchase_id: int, reference: str, received: dict[str, int]
    ) -> PushResult:
        """Receives `received` (SKU → units, short and over included) against the purchase's
        waiting incoming moves and completes the ERP's incoming shipment."""

    @abc.abstractmethod
    def complete_shipment(
        self, *, sale_id: int, reference: str, shipped: dict[str, int], tracking: list[str]
    ) -> PushResult:
        """Ships `shipped` from the sale's waiting customer shipment with the tracking numbers
        and completes it; the ERP makes its own backorder of the rest."""

    @abc.abstractmethod
    def post_invoice(self, invoice: InvoiceToPost, service_products: dict[str, str]) -> PushResult:
        """Creates and posts the customer invoice, unless one with our reference exists."""

    @abc.abstractmethod
    def on_hand(self, warehouse_codes: list[str]) -> dict[str, Decimal]:
        """On-hand per SKU over the ERP warehouses named."""
