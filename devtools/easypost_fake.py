"""A fake EasyPost API on loopback, for tests and `make run`: the subset FluxVantage uses, answered
in EasyPost's documented shapes (docs/architecture.md, "Carriers") so that the official
`easypost` client talks to it over real HTTP, errors included.

    python -m devtools.easypost_fake --port 18733      # then api_base http://127.0.0.1:18733/v2

    with FakeEasyPost() as fake:                       # in-process, a free port
        client = EasyPostClient("EZTK_test", api_base=fake.api_base, timeout=1)

Routes (Bearer auth on everything under /v2; 401 without it): POST /v2/shipments (rates from
USPS, UPS and FedEx; a street1 containing UNDELIVERABLE is refused with ADDRESS.VERIFY.FAILURE),
GET /v2/shipments/{id}, POST /v2/shipments/{id}/buy (once: a second buy is EasyPost's 422
SHIPMENT.POSTAGE.EXISTS), GET /v2/shipments/{id}/label?file_format=ZPL|PDF, POST
/v2/shipments/{id}/refund, POST /v2/scan_forms, GET /v2/scan_forms/{id}, POST /v2/trackers,
GET /v2/trackers/{id}.
Label and form files are served without auth from /files/..., as EasyPost serves them from S3.

Control (no auth, loopback only): `POST /_control` with a JSON object, every key optional:
    {"reset": true,                                  # forget everything, counters included
     "faults": [{"status": 429, "times": 2},         # the next API requests answer this status
                {"delay": 3.0, "times": 1},          # ... or are this late (client timeouts)
                {"delay": 3.0, "after": true},       # ... late after doing the work
                {"disconnect": true},                # ... or the connection drops
                {"status": 503, "path": "/buy"}],    # only requests whose path contains this
     "rate_errors": {"FedEx": "Service unavailable"},# that carrier answers a rate_error message
     "no_rates": true,                               # no carrier rates at all
     "invalid_address": true,                        # every to_address fails verification
     "scan_form_creating": 2,                        # new scan forms answer status "creating"
                                                     # (form_url null) to the create and to
                                                     # this many GETs, then "created"
     "scan_form_failure": "USPS is down",            # ... or then "failed" with this message
     "today": "2025-03-03"}                          # the date delivery_date counts from
It answers (as does `GET /_control`) with the counters: requests per route, buy attempts and
purchases per shipment, refunds, scan forms, faults still queued. The same operations are
methods in-process: `fake.control({...})`, `fake.counters()`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ADDRESS_FAILURE_MARKER = "UNDELIVERABLE"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Service:
    carrier: str
    service: str
    account_id: str
    base: Decimal  # amount for a parcel up to 1 lb
    per_lb: Decimal
    days: int


# Carrier accounts of the fake: the demo data's CarrierAccount rows name these ids.
SERVICES = (
    Service("USPS", "GroundAdvantage", "ca_fake_usps", Decimal("5.40"), Decimal("0.85"), 5),
    Service("USPS", "Priority", "ca_fake_usps", Decimal("8.70"), Decimal("1.10"), 2),
    Service("UPS", "Ground", "ca_fake_ups", Decimal("9.15"), Decimal("0.70"), 4),
    Service("UPS", "NextDayAir", "ca_fake_ups", Decimal("31.20"), Decimal("2.40"), 1),
    Service("FedEx", "FEDEX_GROUND", "ca_fake_fedex", Decimal("8.95"), Decimal("0.75"), 3),
    Service("FedEx", "FEDEX_2_DAY", "ca_fake_fedex", Decimal("19.80"), Decimal("1.60"), 2),
)
CARRIER_ACCOUNTS = {s.account_id: s.carrier for s in SERVICES}


def quote_amount(service: Service, weight_oz: Decimal) -> Decimal:
    """The fake's tariff: the base price covers the first pound, each further pound (or part of
    one) adds `per_lb`."""
    pounds = max(1, -(-int(weight_oz.to_integral_value(rounding=ROUND_CEILING)) // 16))
    return (service.base + service.per_lb * (pounds - 1)).quantize(CENT)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors: list[Any] | None = None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"code": code, "message": message, "errors": errors or []}}


def _not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "The requested resource could not be found.")


@dataclass
class Fault:
    status: int | None = None
    delay: float = 0.0
    after: bool = False
    disconnect: bool = False
    path: str = ""
    times: int = 1


FAULT_BODIES = {
    429: ("RATE_LIMITED", "You have exceeded the rate limit. Please slow down."),
    500: ("INTERNAL_SERVER_ERROR", "We're sorry, something went wrong."),
    502: ("BAD_GATEWAY", "Bad gateway."),
    503: ("SERVICE.UNAVAILABLE", "The service is temporarily unavailable."),
    504: ("GATEWAY_TIMEOUT", "The upstream carrier did not answer in time."),
}


@dataclass
class State:
    shipments: dict[str, dict[str, Any]] = field(default_factory=dict)
    scan_forms: dict[str, dict[str, Any]] = field(default_factory=dict)
    trackers: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    rate_errors: dict[str, str] = field(default_factory=dict)
    no_rates: bool = False
    invalid_address: bool = False
    scan_form_creating: int = 0
    scan_form_failure: str = ""
    # Scan form id -> GETs it still answers "creating" to.
    scan_form_polls_left: dict[str, int] = field(default_factory=dict)
    today: dt.date | None = None
    requests: Counter[str] = field(default_factory=Counter)
    buy_attempts: Counter[str] = field(default_factory=Counter)
    purchases: Counter[str] = field(default_factory=Counter)
    refunds: Counter[str] = field(default_factory=Counter)
    serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or a server being stopped closes sockets under a handler:
        # expected here, and not worth a traceback in the test output.
        import sys

        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class FakeEasyPost:
    """The server and its in-memory state. Start it with `with FakeEasyPost() as fake:` (or
    `start()` / `stop()`); `api_base` is what EasyPostClient takes."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, api_key: str | None = None):
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"The fake serves loopback only, not {host!r}.")
        self.api_key = api_key  # None: any bearer token is accepted
        self.lock = threading.Lock()
        self.state = State()
        self.stopping = threading.Event()
        self.httpd = _Server((host, port), _handler_for(self))
        self.thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.httpd.server_address[0])
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/v2"

    def start(self) -> FakeEasyPost:
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, name="easypost-fake", daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # ends every delayed answer at once
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self) -> FakeEasyPost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- control ------------------------------------------------------------------------------

    def control(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Applies a control payload (see the module docstring); returns the counters."""
        if not isinstance(payload, dict):
            raise ApiError(400, "CONTROL.INVALID", "The control body is a JSON object.")
        with self.lock:
            if payload.get("reset"):
                self.state = State()
            for spec in payload.get("faults", []):
                self.state.faults.append(_fault(spec))
            if "rate_errors" in payload:
                self.state.rate_errors = {str(k): str(v) for k, v in payload["rate_errors"].items()}
            if "no_rates" in payload:
                self.state.no_rates = bool(payload["no_rates"])
            if "invalid_address" in payload:
                self.state.invalid_address = bool(payload["invalid_address"])
            if "scan_form_creating" in payload:
                self.state.scan_form_creating = max(0, int(payload["scan_form_creating"]))
            if "scan_form_failure" in payload:
                self.state.scan_form_failure = str(payload["scan_form_failure"] or "")
            if "today" in payload:
                today = payload["today"]
                self.state.today = dt.date.fromisoformat(today) if today else None
        return self.counters()

    def counters(self) -> dict[str, Any]:
        with self.lock:
            state = self.state
            return {
                "requests": dict(state.requests),
                "buy_attempts": dict(state.buy_attempts),
                "purchases": dict(state.purchases),
                "refunds": dict(state.refunds),
                "shipments": len(state.shipments),
                "scan_forms": len(state.scan_forms),
                "faults_queued": sum(f.times for f in state.faults),
            }

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.state.faults:
                if fault.path in path:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.state.faults.remove(fault)
                    return fault
        return None

    def sleep(self, seconds: float) -> None:
        self.stopping.wait(seconds)

    # --- helpers ------------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self.state.serial):012x}fake"

    def today(self) -> dt.date:
        return self.state.today or dt.datetime.now(dt.UTC).date()

    def file_url(self, name: str, content_type: str, content: bytes) -> str:
        self.state.files[name] = (content_type, content)
        return f"{self.url}/files/{name}"

    # --- API ----------------------------------------------------------------------------------

    def create_shipment(self, body: dict[str, Any]) -> dict[str, Any]:
        params = body.get("shipment")
        if not isinstance(params, dict):
            raise ApiError(422, "PARAMETER.REQUIRED", "Missing required parameter: shipment.")
        missing = [
            {"field": f"shipment.{name}", "message": "cannot be blank"}
            for name in ("from_address", "to_address", "parcel")
            if not isinstance(params.get(name), dict)
        ]
        if missing:
            raise ApiError(422, "PARAMETER.REQUIRED", "Missing required parameter.", missing)
        parcel = params["parcel"]
        try:
            weight = Decimal(str(parcel["weight"]))
        except (KeyError, ArithmeticError, ValueError) as exc:
            raise ApiError(
                422,
                "PARCEL.WEIGHT.INVALID",
                "Parcel weight is required and must be a number of ounces.",
                [{"field": "shipment.parcel.weight", "message": "must be greater than 0"}],
            ) from exc
        if weight <= 0:
            raise ApiError(
                422,
                "PARCEL.WEIGHT.INVALID",
                "Parcel weight must be greater than 0.",
                [{"field": "shipment.parcel.weight", "message": "must be greater than 0"}],
            )
        to_address = params["to_address"]
        with self.lock:
            if self.state.invalid_address or ADDRESS_FAILURE_MARKER in str(
                to_address.get("street1", "")
            ).upper().replace(" ", ""):
                raise ApiError(
                    422,
                    "ADDRESS.VERIFY.FAILURE",
                    "Unable to verify address.",
                    [
                        {
                            "code": "E.ADDRESS.NOT_FOUND",
                            "field": "address",
                            "message": "Address not found",
                            "suggestion": None,
                        },
                        "Street1 could not be matched to a deliverable address.",
                    ],
                )
            shipment_id = self.new_id("shp")
            accounts = [
                a if isinstance(a, str) else a.get("id")
                for a in params.get("carrier_accounts") or []
            ]
            rates, messages = self._rates(shipment_id, weight, accounts)
            options = {"label_format": "PDF", **(params.get("options") or {})}
            now = _timestamp()
            shipment = {
                "id": shipment_id,
                "object": "Shipment",
                "mode": "test",
                "status": "unknown",
                "reference": params.get("reference"),
                "is_return": bool(params.get("is_return", False)),
                "created_at": now,
                "updated_at": now,
                "messages": messages,
                "options": options,
                "from_address": self._address(params["from_address"]),
                "to_address": self._address(to_address),
                "return_address": self._address(
                    params.get("return_address") or params["from_address"]
                ),
                "buyer_address": self._address(to_address),
                "parcel": {"id": self.new_id("prcl"), "object": "Parcel", **parcel},
                "customs_info": None,
                "insurance": None,
                "order_id": None,
                "postage_label": None,
                "rates": rates,
                "selected_rate": None,
                "tracker": None,
                "tracking_code": None,
                "refund_status": None,
                "scan_form": None,
                "usps_zone": 4,
                "forms": [],
                "fees": [],
                "batch_id": None,
                "batch_status": None,
                "batch_message": None,
            }
            self.state.shipments[shipment_id] = shipment
            return shipment

    def _address(self, fields: dict[str, Any]) -> dict[str, Any]:
        keys = ("name", "company", "street1", "street2", "city", "state", "zip", "country")
        address = {key: fields.get(key) for key in keys}
        return {
            "id": self.new_id("adr"),
            "object": "Address",
            **address,
            "phone": fields.get("phone"),
            "email": fields.get("email"),
            "residential": fields.get("residential"),
            "verifications": {},
        }

    def _rates(
        self, shipment_id: str, weight_oz: Decimal, accounts: list[str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rates: list[dict[str, Any]] = []
        messages: list[dict[str, Any]] = []
        seen_errors: set[str] = set()
        today = self.today()
        for service in SERVICES:
            if accounts and service.account_id not in accounts:
                continue
            error = self.state.rate_errors.get(service.carrier)
            if self.state.no_rates:
                error = f"{service.carrier}: no services available for this shipment."
            if error is not None:
                if service.carrier not in seen_errors:
                    seen_errors.add(service.carrier)
                    messages.append(
                        {
                            "carrier": service.carrier,
                            "carrier_account_id": service.account_id,
                            "type": "rate_error",
                            "message": error,
                        }
                    )
                continue
            amount = quote_amount(service, weight_oz)
            retail = (amount * Decimal("1.18")).quantize(CENT, ROUND_HALF_UP)
            delivery = today + dt.timedelta(days=service.days)
            rates.append(
                {
                    "id": self.new_id("rate"),
                    "object": "Rate",
                    "mode": "test",
                    "service": service.service,
                    "carrier": service.carrier,
                    "rate": str(amount),
                    "currency": "USD",
                    "retail_rate": str(retail),
                    "retail_currency": "USD",
                    "list_rate": str(retail),
                    "list_currency": "USD",
                    "billing_type": "easypost",
                    "delivery_days": service.days,
                    "delivery_date": f"{delivery.isoformat()}T23:59:00Z",
                    "delivery_date_guaranteed": service.days <= 2,
                    "est_delivery_days": service.days,
                    "shipment_id": shipment_id,
                    "carrier_account_id": service.account_id,
                }
            )
        return rates, messages

    def shipment(self, shipment_id: str) -> dict[str, Any]:
        with self.lock:
            shipment = self.state.shipments.get(shipment_id)
            if shipment is None:
                raise _not_found()
            return shipment

    def buy(self, shipment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        rate_id = (body.get("rate") or {}).get("id") if isinstance(body.get("rate"), dict) else None
        with self.lock:
            shipment = self.state.shipments.get(shipment_id)
            if shipment is None:
                raise _not_found()
            self.state.buy_attempts[shipment_id] += 1
            if shipment["postage_label"] is not None:
                raise ApiError(
                    422, "SHIPMENT.POSTAGE.EXISTS", "Postage already exists for this shipment."
                )
            rate = next((r for r in shipment["rates"] if r["id"] == rate_id), None)
            if rate is None:
                raise ApiError(
                    422,
                    "SHIPMENT.RATE.INVALID",
                    f"Rate {rate_id!r} is not a rate of shipment {shipment_id}.",
                    [{"field": "rate.id", "message": "must be one of the shipment's rates"}],
                )
            tracking_code = self._tracking_code(rate["carrier"])
            label_id = self.new_id("pl")
            fmt = str(shipment["options"].get("label_format", "PDF")).upper()
            label = {
                "id": label_id,
                "object": "PostageLabel",
                "created_at": _timestamp(),
                "date_advance": 0,
                "integrated_form": "none",
                "label_date": _timestamp(),
                "label_resolution": 300,
                "label_size": "4x6",
                "label_type": "default",
                "label_file_type": "application/pdf",
                "label_url": None,
                "label_pdf_url": None,
                "label_zpl_url": None,
                "label_epl2_url": None,
                "label_file": None,
            }
            shipment.update(
                postage_label=label,
                selected_rate=rate,
                tracking_code=tracking_code,
                status="pre_transit",
                updated_at=_timestamp(),
                fees=[
                    {
                        "object": "Fee",
                        "type": "LabelFee",
                        "amount": "0.00000",
                        "charged": True,
                        "refunded": False,
                    },
                    {
                        "object": "Fee",
                        "type": "PostageFee",
                        "amount": f"{Decimal(rate['rate']):.5f}",
                        "charged": True,
                        "refunded": False,
                    },
                ],
                tracker={
                    "id": self.new_id("trk"),
                    "object": "Tracker",
                    "tracking_code": tracking_code,
                    "status": "pre_transit",
                    "carrier": rate["carrier"],
                    "public_url": f"{self.url}/track/{tracking_code}",
                },
            )
            self._add_label_format(shipment, "ZPL" if fmt == "ZPL" else "PDF")
            label["label_url"] = label["label_zpl_url"] if fmt == "ZPL" else label["label_pdf_url"]
            if fmt == "ZPL":
                label["label_file_type"] = "application/zpl"
            self.state.purchases[shipment_id] += 1
            return shipment

    def _tracking_code(self, carrier: str) -> str:
        number = next(self.state.serial)
        if carrier == "USPS":
            return f"9400{number:018d}"
        if carrier == "UPS":
            return f"1ZFAKE{number:012d}"
        return f"{number:012d}"

    def _add_label_format(self, shipment: dict[str, Any], fmt: str) -> None:
        label = shipment["postage_label"]
        name = f"labels/{shipment['id']}"
        if fmt == "ZPL" and label["label_zpl_url"] is None:
            label["label_zpl_url"] = self.file_url(
                f"{name}.zpl", "text/plain; charset=utf-8", _label_zpl(shipment).encode()
            )
        elif fmt == "PDF" and label["label_pdf_url"] is None:
            label["label_pdf_url"] = self.file_url(
                f"{name}.pdf", "application/pdf", _label_pdf(shipment)
            )

    def label(self, shipment_id: str, query: dict[str, list[str]]) -> dict[str, Any]:
        fmt = (query.get("file_format") or [""])[0].upper()
        if fmt not in {"PDF", "ZPL"}:
            raise ApiError(
                422,
                "SHIPMENT.LABEL.FORMAT",
                f"file_format must be PDF or ZPL here, not {fmt!r}.",
                [{"field": "file_format", "message": "must be PDF or ZPL"}],
            )
        with self.lock:
            shipment = self.state.shipments.get(shipment_id)
            if shipment is None:
                raise _not_found()
            if shipment["postage_label"] is None:
                raise ApiError(
                    422, "SHIPMENT.POSTAGE.REQUIRED", "The shipment has no postage label yet."
                )
            self._add_label_format(shipment, fmt)
            return shipment

    def refund(self, shipment_id: str) -> dict[str, Any]:
        with self.lock:
            shipment = self.state.shipments.get(shipment_id)
            if shipment is None:
                raise _not_found()
            if shipment["postage_label"] is None:
                raise ApiError(
                    422,
                    "SHIPMENT.REFUND.UNAVAILABLE",
                    "Only a shipment with purchased postage can be refunded.",
                )
            if shipment["refund_status"] is not None:
                raise ApiError(
                    422,
                    "SHIPMENT.REFUND.EXISTS",
                    f"A refund was already requested ({shipment['refund_status']}).",
                )
            self.state.refunds[shipment_id] += 1
            shipment["refund_status"] = "submitted"
            shipment["updated_at"] = _timestamp()
            return shipment

    def create_scan_form(self, body: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = body.get("scan_form") or body
        refs = params.get("shipments") or []
        ids = [r if isinstance(r, str) else (r or {}).get("id") for r in refs]
        if not ids:
            raise ApiError(
                422,
                "SCAN_FORM.MISSING_PARAMS",
                "Provide at least one shipment.",
                [{"field": "shipments", "message": "cannot be blank"}],
            )
        with self.lock:
            errors = []
            shipments = []
            for shipment_id in ids:
                shipment = self.state.shipments.get(str(shipment_id))
                if shipment is None:
                    errors.append(f"Shipment {shipment_id} not found.")
                elif shipment["postage_label"] is None:
                    errors.append(f"Shipment {shipment_id} has no postage.")
                elif shipment["refund_status"] is not None:
                    errors.append(f"Shipment {shipment_id} was refunded.")
                elif shipment["scan_form"] is not None:
                    errors.append(f"Shipment {shipment_id} is already on a scan form.")
                else:
                    shipments.append(shipment)
            if errors:
                raise ApiError(
                    422, "SCAN_FORM.VALIDATION.ERROR", "Unable to create the scan form.", errors
                )
            form_id = self.new_id("sf")
            tracking_codes = [s["tracking_code"] for s in shipments]
            form = {
                "id": form_id,
                "object": "ScanForm",
                "status": "creating",
                "message": None,
                "address": shipments[0]["from_address"],
                "tracking_codes": tracking_codes,
                "form_url": None,
                "form_file_type": None,
                "batch_id": self.new_id("batch"),
                "confirmation": None,
                "created_at": _timestamp(),
                "updated_at": _timestamp(),
            }
            for shipment in shipments:
                shipment["scan_form"] = form
            self.state.scan_forms[form_id] = form
            self.state.scan_form_polls_left[form_id] = self.state.scan_form_creating
            self._settle_scan_form(form)
            return form

    def scan_form(self, form_id: str) -> dict[str, Any]:
        with self.lock:
            form = self.state.scan_forms.get(form_id)
            if form is None:
                raise _not_found()
            if form["status"] == "creating":
                self.state.scan_form_polls_left[form_id] -= 1
                self._settle_scan_form(form)
            return form

    def _settle_scan_form(self, form: dict[str, Any]) -> None:
        """A creating form with no polls left becomes created (with its PDF) or failed; the
        shipments on it see the same object."""
        if form["status"] != "creating" or self.state.scan_form_polls_left[form["id"]] > 0:
            return
        if self.state.scan_form_failure:
            form.update(status="failed", message=self.state.scan_form_failure)
            for shipment in self.state.shipments.values():
                if shipment["scan_form"] is form:  # free to go on another form
                    shipment["scan_form"] = None
        else:
            pdf = _form_pdf(form["id"], form["tracking_codes"])
            url = self.file_url(f"forms/{form['id']}.pdf", "application/pdf", pdf)
            form.update(status="created", form_url=url, form_file_type="application/pdf")
        form["updated_at"] = _timestamp()

    def create_tracker(self, body: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = body.get("tracker") or {}
        code = str(params.get("tracking_code") or "")
        if not code:
            raise ApiError(
                422,
                "TRACKER.TRACKING_CODE.REQUIRED",
                "Missing required parameter: tracking_code.",
                [{"field": "tracker.tracking_code", "message": "cannot be blank"}],
            )
        with self.lock:
            purchased = next(
                (s for s in self.state.shipments.values() if s["tracking_code"] == code), None
            )
            status = "pre_transit" if purchased else "unknown"
            if code.startswith("EZ4"):
                status = "delivered"
            elif code.startswith("EZ2"):
                status = "in_transit"
            tracker_id = self.new_id("trk")
            tracker: dict[str, Any] = {
                "id": tracker_id,
                "object": "Tracker",
                "mode": "test",
                "tracking_code": code,
                "status": status,
                "status_detail": "unknown" if status == "unknown" else "status_update",
                "carrier": params.get("carrier")
                or (purchased["selected_rate"]["carrier"] if purchased else "USPS"),
                "tracking_details": [],
                "est_delivery_date": None,
                "shipment_id": purchased["id"] if purchased else None,
                "public_url": f"{self.url}/track/{code}",
                "created_at": _timestamp(),
                "updated_at": _timestamp(),
            }
            self.state.trackers[tracker_id] = tracker
            return tracker

    def tracker(self, tracker_id: str) -> dict[str, Any]:
        with self.lock:
            tracker = self.state.trackers.get(tracker_id)
            if tracker is None:
                raise _not_found()
            return tracker


def _fault(spec: Any) -> Fault:
    if not isinstance(spec, dict):
        raise ApiError(400, "CONTROL.INVALID", f"A fault is a JSON object, not {spec!r}.")
    fault = Fault(
        status=int(spec["status"]) if spec.get("status") is not None else None,
        delay=float(spec.get("delay", 0)),
        after=bool(spec.get("after", False)),
        disconnect=bool(spec.get("disconnect", False)),
        path=str(spec.get("path", "")),
        times=int(spec.get("times", 1)),
    )
    if fault.status is None and not fault.delay and not fault.disconnect:
        raise ApiError(400, "CONTROL.INVALID", "A fault needs a status, a delay or disconnect.")
    return fault


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- documents ---------------------------------------------------------------------------------


def _label_pdf(shipment: dict[str, Any]) -> bytes:
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas

    rate, to = shipment["selected_rate"], shipment["to_address"]
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(4 * inch, 6 * inch))
    c.setTitle(f"Label {shipment['tracking_code']}")
    c.setFont("Helvetica-Bold", 16)
    c.drawString(0.25 * inch, 5.5 * inch, f"{rate['carrier']} {rate['service']}")
    c.setFont("Helvetica", 10)
    city = f"{to.get('city') or ''} {to.get('state') or ''} {to.get('zip') or ''}"
    lines = [to.get("name") or "", to.get("street1") or "", city, "FAKE LABEL - NOT POSTAGE"]
    for index, line in enumerate(lines):
        c.drawString(0.25 * inch, (5.0 - 0.2 * index) * inch, line)
    barcode = Code128(shipment["tracking_code"], barWidth=0.014 * inch, barHeight=1.0 * inch)
    barcode.drawOn(c, 0.25 * inch, 2.0 * inch)
    c.drawString(0.25 * inch, 1.7 * inch, f"TRACKING # {shipment['tracking_code']}")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _label_zpl(shipment: dict[str, Any]) -> str:
    rate, code = shipment["selected_rate"], shipment["tracking_code"]
    return (
        "^XA\n^CI28\n"
        f"^FO40,40^A0N,40,40^FD{rate['carrier']} {rate['service']}^FS\n"
        f"^FO40,120^BY3^BCN,200,Y,N,N^FD{code}^FS\n"
        f"^FO40,380^A0N,30,30^FDTRACKING # {code}^FS\n"
        "^XZ\n"
    )


def _form_pdf(form_id: str, tracking_codes: list[str]) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=letter)
    c.setTitle(f"Scan form {form_id}")
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 720, f"SCAN FORM {form_id}")
    c.setFont("Helvetica", 10)
    for index, code in enumerate(tracking_codes):
        c.drawString(72, 690 - 14 * index, code)
    c.showPage()
    c.save()
    return buffer.getvalue()


# --- HTTP --------------------------------------------------------------------------------------

SHIPMENT_ACTION = re.compile(r"^/v2/shipments/(shp_\w+)(?:/(buy|label|refund))?$")
TRACKER = re.compile(r"^/v2/trackers/(trk_\w+)$")
SCAN_FORM = re.compile(r"^/v2/scan_forms/(sf_\w+)$")


def _handler_for(fake: FakeEasyPost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeEasyPost/1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: tests and `make run` read the counters instead

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def _dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            path = parts.path
            try:
                body = self._body()
                if path == "/_control":
                    self._json(200, fake.control(body) if method == "POST" else fake.counters())
                elif path.startswith("/files/") and method == "GET":
                    self._file(path.removeprefix("/files/"))
                elif path.startswith("/v2/"):
                    self._api(method, path, parse_qs(parts.query), body)
                else:
                    raise _not_found()
            except ApiError as exc:
                self._json(exc.status, exc.body)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                self._json(
                    400, {"error": {"code": "BAD_REQUEST", "message": str(exc), "errors": []}}
                )

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if not length:
                return {}
            data = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(data, dict):
                raise ApiError(400, "BAD_REQUEST", "The body must be a JSON object.")
            return data

        def _api(
            self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]
        ) -> None:
            if not self._authorized():
                raise ApiError(
                    401, "APIKEY.REQUIRED", "An API key is required: Authorization: Bearer <key>."
                )
            route = self._route(method, path)
            with fake.lock:
                fake.state.requests[route] += 1
            fault = fake.take_fault(path)
            if fault is not None and not fault.after:
                if fault.delay:
                    fake.sleep(fault.delay)
                if fault.disconnect:
                    self.close_connection = True
                    return
                if fault.status is not None:
                    code, message = FAULT_BODIES.get(fault.status, ("FAULT", "Injected fault."))
                    raise ApiError(fault.status, code, message)
            status, answer = self._answer(method, path, query, body)
            if fault is not None and fault.after:
                # The work is done, the answer is late or lost: what a client timeout hides.
                fake.sleep(fault.delay)
                if fault.disconnect:
                    self.close_connection = True
                    return
            self._json(status, answer)

        def _authorized(self) -> bool:
            scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
            if scheme != "Bearer" or not token.strip():
                return False
            return fake.api_key is None or token.strip() == fake.api_key

        def _route(self, method: str, path: str) -> str:
            if match := SHIPMENT_ACTION.match(path):
                return f"{method} /shipments/{{id}}" + (f"/{match[2]}" if match[2] else "")
            if TRACKER.match(path):
                return f"{method} /trackers/{{id}}"
            if SCAN_FORM.match(path):
                return f"{method} /scan_forms/{{id}}"
            return f"{method} {path.removeprefix('/v2')}"

        def _answer(
            self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]
        ) -> tuple[int, dict[str, Any]]:
            if method == "POST" and path == "/v2/shipments":
                return 201, fake.create_shipment(body)
            if method == "POST" and path == "/v2/scan_forms":
                return 201, fake.create_scan_form(body)
            if method == "POST" and path == "/v2/trackers":
                return 201, fake.create_tracker(body)
            if method == "GET" and (match := TRACKER.match(path)):
                return 200, fake.tracker(match[1])
            if method == "GET" and (match := SCAN_FORM.match(path)):
                return 200, fake.scan_form(match[1])
            if match := SHIPMENT_ACTION.match(path):
                shipment_id, action = match[1], match[2]
                if method == "GET" and action is None:
                    return 200, fake.shipment(shipment_id)
                if method == "POST" and action == "buy":
                    return 200, fake.buy(shipment_id, body)
                if method == "GET" and action == "label":
                    return 200, fake.label(shipment_id, query)
                if method == "POST" and action == "refund":
                    return 200, fake.refund(shipment_id)
            raise _not_found()

        def _file(self, name: str) -> None:
            with fake.lock:
                found = fake.state.files.get(name)
            if found is None:
                raise _not_found()
            content_type, content = found
            self._send(200, content_type, content)

        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self._send(status, "application/json; charset=utf-8", data)

        def _send(self, status: int, content_type: str, data: bytes) -> None:
            # A client that timed out has gone: its closed socket is not the fake's error.
            with suppress(ConnectionError):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

    return Handler


@contextmanager
def running(port: int = 0, api_key: str | None = None) -> Iterator[FakeEasyPost]:
    """The fake on 127.0.0.1 for the duration of a `with` block."""
    with FakeEasyPost(port=port, api_key=api_key) as fake:
        yield fake


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A fake EasyPost API on loopback.")
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK_HOSTS)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default=None, help="accept only this bearer key")
    args = parser.parse_args(argv)
    fake = FakeEasyPost(args.host, args.port, api_key=args.api_key)
    print(f"fake EasyPost listening on {fake.api_base}", flush=True)
    try:
        fake.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake.httpd.server_close()
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
