"""A Shopify-shaped store on loopback, for tests, the bench and `make run`: the subset of the Admin
GraphQL API that sales-channel sync uses, in its documented shapes, so our client talks to it
over real HTTP. Not a GraphQL server: each request is recognised by the operation it names.

    with FakeShopify(token="shpat_test") as shop:     # in-process, a free port
        shop.url                                      # http://127.0.0.1:<port>
        shop.stock("gid://shopify/InventoryItem/1", shop.location, 5)
        shop.fault(status=429, times=2)               # the next 2 requests answer 429

POST /admin/api/2025-01/graphql.json with `X-Shopify-Access-Token` (401 without it):
- `inventorySetQuantities(input: {name: "available", reason, quantities: [{inventoryItemId,
  locationId, quantity, compareQuantity}]})`: sets each quantity when `compareQuantity` matches
  the stored one, else answers userErrors COMPARE_QUANTITY_STALE and changes nothing.
- `inventoryItem(id) { inventoryLevel(locationId) { quantities(names: ["available"]) } }`.
- `orders(first, after, query: "updated_at:>='<ISO time>'", sortKey: UPDATED_AT)`: orders with
  `id name updatedAt cancelledAt shippingAddress lineItems{sku quantity}
  fulfillmentOrders{id}`, oldest change first, paged by `pageInfo`.
- `fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder: [{fulfillmentOrderId}],
  trackingInfo: {company, numbers}})`: records the fulfilment (`shop.fulfillments`).
Orders are made and changed with `shop.add_order(...)`, `shop.change_order(...)`.
Faults on request: a status (429 with Retry-After, 5xx), a delay (client timeouts), or a change
made in the store meanwhile (`shop.stock(...)`, which a compare-and-set then finds stale)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GRAPHQL_PATH = "/admin/api/2025-01/graphql.json"
LOCATION = "gid://shopify/Location/1"


class FakeShopify:
    def __init__(self, token: str = "shpat_fake", port: int = 0) -> None:  # noqa: S107
        self.token = token
        self.location = LOCATION
        self._lock = threading.Lock()
        self.levels: dict[tuple[str, str], int] = {}
        self.sets: list[dict[str, Any]] = []  # every accepted set, in order
        self.requests = 0
        self._faults: list[dict[str, Any]] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.fulfillments: list[dict[str, Any]] = []
        self._clock = 0
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                status, body, headers = shop._handle(self.path, dict(self.headers.items()), raw)
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- control -------------------------------------------------------------------------------
    def stock(self, item: str, location: str, quantity: int) -> None:
        with self._lock:
            self.levels[(item, location)] = quantity

    def quantity(self, item: str, location: str | None = None) -> int | None:
        with self._lock:
            return self.levels.get((item, location or self.location))

    def fault(
        self, *, status: int = 0, delay: float = 0.0, times: int = 1, retry_after: float = 1
    ) -> None:
        with self._lock:
            self._faults.extend(
                {"status": status, "delay": delay, "retry_after": retry_after} for _ in range(times)
            )

    def _stamp(self) -> str:
        # Strictly increasing update times, a second apart from a fixed start (no sleeping).
        self._clock += 1
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_800_000_000 + self._clock))

    def add_order(self, number: int, lines: list[tuple[str, int]], **address: str) -> str:
        gid = f"gid://shopify/Order/{number}"
        with self._lock:
            self.orders[gid] = {
                "id": gid,
                "name": f"#{number}",
                "updatedAt": self._stamp(),
                "cancelledAt": None,
                "shippingAddress": {
                    "name": "Ada Lovelace",
                    "address1": "1 Main St",
                    "city": "Springfield",
                    "zip": "12345",
                    "countryCodeV2": "US",
                    **address,
                },
                "lineItems": {"nodes": [{"sku": sku, "quantity": q} for sku, q in lines]},
                "fulfillmentOrders": {
                    "nodes": [{"id": f"gid://shopify/FulfillmentOrder/{number}"}]
                },
            }
        return gid

    def change_order(
        self, gid: str, *, lines: list[tuple[str, int]] | None = None, cancel: bool = False
    ) -> None:
        with self._lock:
            order = self.orders[gid]
            if lines is not None:
                order["lineItems"] = {"nodes": [{"sku": sku, "quantity": q} for sku, q in lines]}
            if cancel:
                order["cancelledAt"] = self._stamp()
            order["updatedAt"] = self._stamp()

    def reset(self) -> None:
        with self._lock:
            self.orders.clear()
            self.fulfillments.clear()
            self.levels.clear()
            self.sets.clear()
            self._faults.clear()
            self.requests = 0

    # --- the API -------------------------------------------------------------------------------
    def _handle(
        self, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        lowered = {k.lower(): v for k, v in headers.items()}
        if path != GRAPHQL_PATH:
            return 404, {"errors": "Not Found"}, {}
        if lowered.get("x-shopify-access-token") != self.token:
            return 401, {"errors": "[API] Invalid API key or access token"}, {}
        with self._lock:
            self.requests += 1
            fault = self._faults.pop(0) if self._faults else None
        if fault and fault["delay"]:
            time.sleep(fault["delay"])
        if fault and fault["status"] == 429:
            return (
                429,
                {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]},
                {"retry-after": str(fault["retry_after"])},
            )
        if fault and fault["status"]:
            return fault["status"], {"errors": "Internal Server Error"}, {}
        request = json.loads(raw or b"{}")
        query = str(request.get("query") or "")
        variables = request.get("variables") or {}
        if "inventorySetQuantities" in query:
            return 200, self._set_quantities(variables["input"]), {}
        if "inventoryItem" in query:
            return 200, self._read_level(variables), {}
        if "fulfillmentCreate" in query:
            return 200, self._fulfil(variables["fulfillment"]), {}
        if "orders(" in query:
            return 200, self._orders(variables), {}
        return 200, {"errors": [{"message": f"Unsupported operation: {query[:60]}"}]}, {}

    def _set_quantities(self, data: dict[str, Any]) -> dict[str, Any]:
        errors = []
        with self._lock:
            for index, q in enumerate(data["quantities"]):
                key = (q["inventoryItemId"], q["locationId"])
                current = self.levels.get(key, 0)
                if not data.get("ignoreCompareQuantity") and q.get("compareQuantity") != current:
                    errors.append(
                        {
                            "code": "COMPARE_QUANTITY_STALE",
                            "field": ["input", "quantities", str(index), "compareQuantity"],
                            "message": "The compareQuantity argument no longer matches the "
                            "persisted quantity.",
                        }
                    )
            if not errors:
                for q in data["quantities"]:
                    self.levels[(q["inventoryItemId"], q["locationId"])] = int(q["quantity"])
                    self.sets.append({**q, "at": time.time()})
        group = None if errors else {"createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ")}
        return {
            "data": {
                "inventorySetQuantities": {"inventoryAdjustmentGroup": group, "userErrors": errors}
            }
        }

    def _read_level(self, variables: dict[str, Any]) -> dict[str, Any]:
        item, location = variables["id"], variables["locationId"]
        quantity = self.quantity(item, location)
        level = (
            None
            if quantity is None
            else {"quantities": [{"name": "available", "quantity": quantity}]}
        )
        return {"data": {"inventoryItem": {"id": item, "inventoryLevel": level}}}

    def _orders(self, variables: dict[str, Any]) -> dict[str, Any]:
        since = str(variables.get("query") or "").partition(">=")[2].strip("'\" ")
        first = int(variables.get("first") or 50)
        after = variables.get("after")
        with self._lock:
            rows = sorted(
                (o for o in self.orders.values() if o["updatedAt"] >= since),
                key=lambda o: (o["updatedAt"], o["id"]),
            )
            start = int(after) if after else 0
            page = [json.loads(json.dumps(o)) for o in rows[start : start + first]]
        more = start + first < len(rows)
        return {
            "data": {
                "orders": {
                    "nodes": page,
                    "pageInfo": {"hasNextPage": more, "endCursor": str(start + len(page))},
                }
            }
        }

    def _fulfil(self, data: dict[str, Any]) -> dict[str, Any]:
        ids = [g["fulfillmentOrderId"] for g in data.get("lineItemsByFulfillmentOrder") or []]
        known = {fo["id"] for o in self.orders.values() for fo in o["fulfillmentOrders"]["nodes"]}
        if not ids or not set(ids) <= known:
            errors = [{"field": ["fulfillment"], "message": "Fulfillment order does not exist."}]
            return {"data": {"fulfillmentCreate": {"fulfillment": None, "userErrors": errors}}}
        with self._lock:
            self.fulfillments.append(
                {"fulfillment_orders": ids, "tracking": data.get("trackingInfo") or {}}
            )
            number = len(self.fulfillments)
        made = {"id": f"gid://shopify/Fulfillment/{number}", "status": "SUCCESS"}
        return {"data": {"fulfillmentCreate": {"fulfillment": made, "userErrors": []}}}

    def __enter__(self) -> FakeShopify:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
