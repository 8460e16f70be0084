"""The carrier gateway: the one module that talks to EasyPost, through the official client.

Everything else in FluxVantage sees plain dataclasses (`RatedShipment`, `PurchasedLabel`, …) and
two kinds of failure: `CarrierRetryable` (429, 5xx, timeouts, network faults: try again later)
and `CarrierRejected` (EasyPost said no, with its own message: a bad address, postage already
bought, a wrong key). Calls here are network calls: never make them inside a database
transaction (STYLE 10); tasks call them after commit.

Settings: EASYPOST_API_KEY, EASYPOST_API_BASE (default https://api.easypost.com/v2; the
loopback fake in development and tests), EASYPOST_TIMEOUT (seconds per request).

A client fact that matters for retries: the client's HTTPAdapter(max_retries=3) repeats GETs by
itself after a timeout or a dropped connection, but never a POST. A buy that timed out may have
been bought: look with `get_label` before buying again (a second buy is refused anyway, with
EasyPost's SHIPMENT.POSTAGE.EXISTS)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import easypost
import requests
from django.conf import settings
from easypost.errors import EasyPostError

from shipping.exceptions import CarrierRejected, CarrierRetryable
from shipping.rates import Rate, RateMessage, parse_delivery_date

T = TypeVar("T")
LabelFormat = Literal["PDF", "ZPL", "PNG"]
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
GRAMS_PER_OUNCE = Decimal("28.349523125")
MM_PER_INCH = Decimal("25.4")


# --- What goes in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    name: str
    street1: str
    city: str
    zip: str
    country: str = "US"
    state: str = ""
    street2: str = ""
    company: str = ""
    phone: str = ""
    email: str = ""

    def as_params(self) -> dict[str, str]:
        return {key: value for key, value in self.__dict__.items() if value}


@dataclass(frozen=True)
class Parcel:
    """EasyPost's units: inches and ounces."""

    length_in: Decimal
    width_in: Decimal
    height_in: Decimal
    weight_oz: Decimal

    @classmethod
    def from_metric(cls, length_mm: int, width_mm: int, height_mm: int, weight_g: int) -> Parcel:
        """A carton as the WMS measures it (outer mm, gross g), rounded up to 0.1 in / 0.1 oz so
        that a carrier never re-bills a parcel we declared too small."""

        def up(value: Decimal) -> Decimal:
            return value.quantize(Decimal("0.1"), rounding=ROUND_CEILING)

        return cls(
            up(Decimal(length_mm) / MM_PER_INCH),
            up(Decimal(width_mm) / MM_PER_INCH),
            up(Decimal(height_mm) / MM_PER_INCH),
            up(Decimal(weight_g) / GRAMS_PER_OUNCE),
        )

    def as_params(self) -> dict[str, float]:
        return {
            "length": float(self.length_in),
            "width": float(self.width_in),
            "height": float(self.height_in),
            "weight": float(self.weight_oz),
        }


# --- What comes back ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RatedShipment:
    shipment_id: str
    rates: tuple[Rate, ...]
    messages: tuple[RateMessage, ...] = ()


@dataclass(frozen=True)
class Fee:
    type: str
    amount: Decimal


@dataclass(frozen=True)
class PurchasedLabel:
    shipment_id: str
    tracking_code: str
    rate: Rate
    label_url: str
    label_pdf_url: str = ""
    label_zpl_url: str = ""
    fees: tuple[Fee, ...] = field(default=())
    refund_status: str = ""

    def url_for(self, fmt: LabelFormat) -> str:
        return {"PDF": self.label_pdf_url, "ZPL": self.label_zpl_url}.get(fmt) or ""


@dataclass(frozen=True)
class ScanForm:
    """EasyPost's ScanForm: `status` is creating, created or failed; `form_url` is empty until
    created (EasyPost may answer the create with "creating" and make the PDF later)."""

    id: str
    form_url: str
    tracking_codes: tuple[str, ...]
    status: str = "created"
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"


# --- The client and its errors -----------------------------------------------------------------


def _client() -> easypost.EasyPostClient:
    key = settings.EASYPOST_API_KEY
    if not key:
        raise CarrierRejected(
            "No EasyPost API key is configured (EASYPOST_API_KEY).",
            carrier_code="CONFIGURATION.MISSING_KEY",
        )
    return easypost.EasyPostClient(
        key, api_base=settings.EASYPOST_API_BASE, timeout=settings.EASYPOST_TIMEOUT
    )


def _call(action: Callable[[easypost.EasyPostClient], T]) -> T:
    """Runs one client call; translates every EasyPost error into the two domain kinds."""
    client = _client()
    try:
        return action(client)
    except EasyPostError as exc:
        raise translate_error(exc) from exc


def translate_error(exc: EasyPostError) -> CarrierRetryable | CarrierRejected:
    """429, 5xx, timeouts (easypost.errors.TimeoutError, also HTTP 408), network faults
    (HttpError) and unreadable bodies are retryable; every other API error is a rejection that
    keeps EasyPost's message, code and error list."""
    status = getattr(exc, "http_status", None)
    message = str(getattr(exc, "message", "") or exc) or type(exc).__name__
    code = str(getattr(exc, "code", "") or "")
    errors = [_error_text(e) for e in (getattr(exc, "errors", None) or [])]
    network = isinstance(exc, (easypost.errors.TimeoutError, easypost.errors.HttpError))
    unreadable = isinstance(exc, easypost.errors.JsonError) and (status is None or status >= 500)
    retryable = network or unreadable or (status is not None and (status == 429 or status >= 500))
    kind = CarrierRetryable if retryable else CarrierRejected
    field_errors = {"to_address": errors or [message]} if code.startswith("ADDRESS.") else None
    return kind(
        message,
        carrier_code=code,
        http_status=status,
        errors=errors,
        field_errors=field_errors,
    )


def _error_text(error: Any) -> str:
    """EasyPost's `errors` items are objects ({field, message, …}) or plain strings."""
    if isinstance(error, Mapping):
        text = str(error.get("message") or error.get("code") or "")
        return f"{error['field']}: {text}" if error.get("field") else text
    return str(error)


# --- Conversions -------------------------------------------------------------------------------


def _amount(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise CarrierRejected(f"EasyPost sent an amount that is not a number: {value!r}.") from exc


def _rate(raw: Any) -> Rate:
    days = raw.get("delivery_days")
    return Rate(
        id=str(raw["id"]),
        carrier=str(raw["carrier"]),
        service=str(raw["service"]),
        amount=_amount(raw["rate"]),
        currency=str(raw.get("currency") or "USD"),
        delivery_days=int(days) if days is not None else None,
        delivery_date=parse_delivery_date(raw.get("delivery_date")),
        carrier_account_id=str(raw.get("carrier_account_id") or ""),
    )


def _rated(shipment: Any) -> RatedShipment:
    messages = tuple(
        RateMessage(
            carrier=str(m.get("carrier") or ""),
            message=str(m.get("message") or ""),
            type=str(m.get("type") or ""),
            carrier_account_id=str(m.get("carrier_account_id") or ""),
        )
        for m in shipment.get("messages") or []
    )
    rates = tuple(_rate(r) for r in shipment.get("rates") or [])
    return RatedShipment(shipment_id=str(shipment["id"]), rates=rates, messages=messages)


def _purchased(shipment: Any) -> PurchasedLabel:
    label = shipment["postage_label"]
    return PurchasedLabel(
        shipment_id=str(shipment["id"]),
        tracking_code=str(shipment["tracking_code"]),
        rate=_rate(shipment["selected_rate"]),
        label_url=str(label.get("label_url") or ""),
        label_pdf_url=str(label.get("label_pdf_url") or ""),
        label_zpl_url=str(label.get("label_zpl_url") or ""),
        fees=tuple(
            Fee(type=str(f.get("type")), amount=_amount(f.get("amount")))
            for f in shipment.get("fees") or []
        ),
        refund_status=str(shipment.get("refund_status") or ""),
    )


# --- Calls -------------------------------------------------------------------------------------


def create_shipment(
    *,
    from_address: Address,
    to_address: Address,
    parcel: Parcel,
    reference: str = "",
    carrier_accounts: Iterable[str] = (),
    label_format: LabelFormat = "PDF",
) -> RatedShipment:
    """Creates an EasyPost shipment and returns its rates, with a message for each carrier that
    did not rate (its rate list may be partial or empty)."""
    params: dict[str, Any] = {
        "from_address": from_address.as_params(),
        "to_address": to_address.as_params(),
        "parcel": parcel.as_params(),
        "options": {"label_format": label_format},
    }
    if reference:
        params["reference"] = reference
    if accounts := list(carrier_accounts):
        params["carrier_accounts"] = accounts
    return _rated(_call(lambda client: client.shipment.create(**params)))


def buy(shipment_id: str, rate_id: str) -> PurchasedLabel:
    """Buys the rate. Never retried here (a POST): after a retryable failure, `get_label` says
    whether it was bought after all."""
    return _purchased(_call(lambda client: client.shipment.buy(shipment_id, rate={"id": rate_id})))


def get_label(shipment_id: str) -> PurchasedLabel | None:
    """The shipment's label if it was bought, else None."""
    shipment = _call(lambda client: client.shipment.retrieve(shipment_id))
    return _purchased(shipment) if shipment.get("postage_label") else None


def get_rates(shipment_id: str) -> RatedShipment:
    return _rated(_call(lambda client: client.shipment.retrieve(shipment_id)))


def label(shipment_id: str, fmt: LabelFormat) -> PurchasedLabel:
    """Asks EasyPost for the label in another format; the result carries its URL."""
    return _purchased(_call(lambda client: client.shipment.label(shipment_id, file_format=fmt)))


def refund(shipment_id: str) -> str:
    """Asks for the postage back (a void); returns EasyPost's refund_status ("submitted")."""
    shipment = _call(lambda client: client.shipment.refund(shipment_id))
    return str(shipment.get("refund_status") or "")


def _scan_form(form: Any) -> ScanForm:
    return ScanForm(
        id=str(form["id"]),
        form_url=str(form.get("form_url") or ""),
        tracking_codes=tuple(str(code) for code in form.get("tracking_codes") or []),
        status=str(form.get("status") or "created"),
        message=str(form.get("message") or ""),
    )


def create_scan_form(shipment_ids: Iterable[str]) -> ScanForm:
    """One end-of-day manifest (USPS SCAN form) for bought shipments. Its PDF may not be ready
    yet (status creating): ask `get_scan_form` again later."""
    refs = [{"id": shipment_id} for shipment_id in shipment_ids]
    return _scan_form(_call(lambda client: client.scan_form.create(shipments=refs)))


def get_scan_form(form_id: str) -> ScanForm:
    """The scan form as EasyPost has it now (GET /scan_forms/{id})."""
    return _scan_form(_call(lambda client: client.scan_form.retrieve(form_id)))


def scan_form_of(shipment_id: str) -> ScanForm | None:
    """The scan form a bought shipment is on at EasyPost, if any: how a manifest whose request
    went unanswered finds out whether EasyPost made the form after all."""
    shipment = _call(lambda client: client.shipment.retrieve(shipment_id))
    form = shipment.get("scan_form")
    return _scan_form(form) if form else None


# --- Documents ---------------------------------------------------------------------------------

EASYPOST_HOST_SUFFIXES = (".easypost.com",)


def document_host_allowed(url: str) -> bool:
    """Labels and forms are fetched only from the configured API host (same scheme and port:
    the loopback fake) or over https from EasyPost's own hosts and its S3 file buckets. A URL
    in a carrier answer must never make the server fetch an arbitrary address."""
    parts = urlsplit(url)
    base = urlsplit(settings.EASYPOST_API_BASE)
    host = (parts.hostname or "").lower()
    if (parts.scheme, parts.netloc.lower()) == (base.scheme, base.netloc.lower()):
        return True
    if parts.scheme != "https" or parts.port not in (None, 443) or parts.username:
        return False
    return (
        host == "easypost.com"
        or host.endswith(EASYPOST_HOST_SUFFIXES)
        or (host.startswith("easypost-files.s3") and host.endswith(".amazonaws.com"))
    )


def fetch_document(url: str) -> bytes:
    """The bytes of a label or scan form at `url`. No redirects (they could leave the allowed
    hosts), no API key sent (EasyPost's file URLs are public), at most 10 MB."""
    if not document_host_allowed(url):
        raise CarrierRejected(
            f"Refused to fetch {url!r}: not the configured EasyPost host or an EasyPost file host.",
            carrier_code="DOCUMENT.HOST_REFUSED",
        )
    try:
        with requests.get(
            url, timeout=settings.EASYPOST_TIMEOUT, allow_redirects=False, stream=True
        ) as response:
            status = response.status_code
            if status == 429 or status >= 500:
                raise CarrierRetryable(
                    f"The document server answered {status}.", http_status=status
                )
            if status != 200:
                raise CarrierRejected(
                    f"The document server answered {status} for {url}.", http_status=status
                )
            content = b""
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > MAX_DOCUMENT_BYTES:
                    raise CarrierRejected(f"The document at {url} is larger than 10 MB.")
            return content
    except requests.Timeout as exc:
        raise CarrierRetryable(f"Fetching {url} timed out.") from exc
    except requests.RequestException as exc:
        raise CarrierRetryable(f"Fetching {url} failed: {exc}.") from exc
