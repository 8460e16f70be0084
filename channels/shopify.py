"""The Shopify Admin GraphQL calls channel sync makes: set a SKU's available count with
compare-and-set (`inventorySetQuantities` with `compareQuantity`) and read it back. Failures say
what the caller should do: re-read and retry (StaleQuantity), wait (Throttled, with the store's
Retry-After), try later (Unavailable), or fix the connection (Refused)."""

from __future__ import annotations

from typing import Any

import requests

API_PATH = "/admin/api/2025-01/graphql.json"

SET_QUANTITIES = """
mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { createdAt }
    userErrors { code field message }
  }
}"""

READ_LEVEL = """
query Available($id: ID!, $locationId: ID!) {
  inventoryItem(id: $id) {
    id
    inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
  }
}"""


ORDERS = """
query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id name updatedAt cancelledAt
      shippingAddress { name company address1 address2 city provinceCode zip countryCodeV2 phone }
      lineItems(first: 250) { nodes { sku quantity } }
      fulfillmentOrders(first: 5) { nodes { id } }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""

FULFILLMENT_CREATE = """
mutation Fulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}"""


class ChannelError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StaleQuantity(ChannelError):
    """The store's count is not the one we compared against (someone else changed it)."""


class Throttled(ChannelError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(ChannelError):
    """Down, slow or answering 5xx: the same call may work later."""


class Refused(ChannelError):
    """Bad credentials or a request the store refuses as such."""


class ShopifyClient:
    def __init__(self, shop_url: str, token: str, *, timeout: float) -> None:
        self.endpoint = shop_url.rstrip("/") + API_PATH
        self.token = token
        self.timeout = timeout

    def _call(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            response = requests.post(
                self.endpoint,
                json={"query": query, "variables": variables},
                headers={"X-Shopify-Access-Token": self.token},
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise Unavailable(f"The store cannot be reached: {exc}") from exc
        if response.status_code == 429:
            try:
                wait = float(response.headers.get("retry-after") or 2)
            except ValueError:
                wait = 2.0
            raise Throttled("The store is throttling us (429).", wait)
        if response.status_code >= 500:
            raise Unavailable(f"The store answered {response.status_code}.")
        if response.status_code != 200:
            raise Refused(f"The store refused the call ({response.status_code}).")
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise Refused(f"The store refused the call: {body['errors']}")
        return dict(body.get("data") or {})

    def read_available(self, item: str, location: str) -> int:
        data = self._call(READ_LEVEL, {"id": item, "locationId": location})
        level = (data.get("inventoryItem") or {}).get("inventoryLevel")
        if not level:
            return 0
        for q in level.get("quantities") or []:
            if q.get("name") == "available":
                return int(q["quantity"])
        return 0

    def set_available(self, item: str, location: str, quantity: int, compare: int) -> None:
        variables = {
            "input": {
                "name": "available",
                "reason": "correction",
                "quantities": [
                    {
                        "inventoryItemId": item,
                        "locationId": location,
                        "quantity": quantity,
                        "compareQuantity": compare,
                    }
                ],
            }
        }
        result = self._call(SET_QUANTITIES, variables)["inventorySetQuantities"]
        errors = result.get("userErrors") or []
        if any(e.get("code") == "COMPARE_QUANTITY_STALE" for e in errors):
            raise StaleQuantity(errors[0]["message"])
        if errors:
            raise Refused("; ".join(str(e.get("message")) for e in errors))

    def orders_since(self, since: str, *, page_size: int = 50) -> list[dict[str, Any]]:
        """Every order changed at or after `since` (ISO time), oldest change first."""
        found: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            data = self._call(
                ORDERS, {"first": page_size, "after": after, "query": f"updated_at:>='{since}'"}
            )["orders"]
            found.extend(data.get("nodes") or [])
            if not data["pageInfo"]["hasNextPage"]:
                return found
            after = data["pageInfo"]["endCursor"]

    def create_fulfillment(
        self, fulfillment_order_id: str, *, company: str, numbers: list[str]
    ) -> str:
        """Posts a fulfilment with its tracking; returns the store's fulfilment id."""
        variables = {
            "fulfillment": {
                "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fulfillment_order_id}],
                "trackingInfo": {"company": company, "numbers": numbers},
                "notifyCustomer": True,
            }
        }
        result = self._call(FULFILLMENT_CREATE, variables)["fulfillmentCreate"]
        if result.get("userErrors"):
            raise Refused("; ".join(str(e.get("message")) for e in result["userErrors"]))
        return str(result["fulfillment"]["id"])
