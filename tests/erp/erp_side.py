"""The ERP side of the tests: what a client's buyer or a bookkeeper does in Tryton, over the same
JSON-RPC client the product uses (erp.adapters.tryton_rpc), plus reads of what our pushes left
there. Each test gets its own Tryton database (a fresh copy of the golden one), so documents and
numbers never leak between tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from devtools.tryton import ADMIN_LOGIN, ADMIN_PASSWORD, TrytonServer
from erp.adapters.tryton_rpc import TrytonRpc


class ErpSide:
    def __init__(self, server: TrytonServer, database: str) -> None:
        self.server = server
        self.database = database
        self.facts: dict[str, Any] = dict(server.prepared.facts)
        self.rpc = TrytonRpc(server.url, database, ADMIN_LOGIN, ADMIN_PASSWORD)
        self.rpc.login()
        self._parties: dict[str, tuple[int, int]] = {}

    @classmethod
    def fresh(cls, server: TrytonServer) -> ErpSide:
        return cls(server, server.add_database())

    @property
    def warehouse(self) -> int:
        return int(self.facts["warehouse"])

    def party(self, name: str = "Supplier One") -> tuple[int, int]:
        if name not in self._parties:
            [pk] = self.rpc.create(
                "party.party",
                [
                    {
                        "name": name,
                        "addresses": [
                            [
                                "create",
                                [
                                    {
                                        "party_name": name,
                                        "street": "12 Analytical Way",
                                        "city": "Austin",
                                        "postal_code": "78701",
                                    }
                                ],
                            ]
                        ],
                    }
                ],
            )
            address = self.rpc.read("party.party", [pk], ["addresses"])[0]["addresses"][0]
            self._parties[name] = (pk, address)
        return self._parties[name]

    def product(self, sku: str, *, uom: int | None = None) -> int:
        found = self.rpc.search_read("product.product", [["code", "=", sku]], ["id"])
        if found:
            return int(found[0]["id"])
        unit = uom or self.facts["unit"]
        [template] = self.rpc.create(
            "product.template",
            [
                {
                    "name": f"{sku} from the ERP",
                    "type": "goods",
                    "default_uom": unit,
                    "purchasable": True,
                    "purchase_uom": unit,
                    "salable": True,
                    "sale_uom": unit,
                    "list_price": Decimal("10"),
                    "account_category": self.facts["goods_category"],
                    "products": [["create", [{"suffix_code": sku}]]],
                }
            ],
        )
        return int(self.rpc.read("product.template", [template], ["products"])[0]["products"][0])

    def _lines(self, lines: dict[str, Any], price: str) -> list[dict[str, Any]]:
        made = []
        for sku, quantity in lines.items():
            product = self.product(sku)
            unit = self.rpc.read("product.product", [product], ["default_uom"])[0]["default_uom"]
            made.append(
                {
                    "product": product,
                    "quantity": Decimal(str(quantity)),
                    "unit": unit,
                    "unit_price": Decimal(price),
                    "description": sku,
                }
            )
        return made

    def purchase(self, lines: dict[str, Any], *, warehouse: int | None = None) -> int:
        """A purchase order, quoted and confirmed (processing: its moves exist)."""
        party, address = self.party("Supplier One")
        [pk] = self.rpc.create(
            "purchase.purchase",
            [
                {
                    "party": party,
                    "invoice_address": address,
                    "payment_term": self.facts["payment_term"],
                    "warehouse": warehouse or self.warehouse,
                    "invoice_method": "fulfillment",
                    "lines": [["create", self._lines(lines, "7.50")]],
                }
            ],
        )
        self.rpc.button("purchase.purchase", "quote", [pk])
        self.rpc.button("purchase.purchase", "confirm", [pk])
        return pk

    def sale(self, lines: dict[str, Any], *, description: str = "") -> int:
        party, address = self.party("Customer One")
        [pk] = self.rpc.create(
            "sale.sale",
            [
                {
                    "party": party,
                    "invoice_address": address,
                    "shipment_address": address,
                    "payment_term": self.facts["payment_term"],
                    "warehouse": self.warehouse,
                    "invoice_method": "order",
                    "shipment_method": "order",
                    "description": description,
                    "lines": [["create", self._lines(lines, "20")]],
                }
            ],
        )
        self.rpc.button("sale.sale", "quote", [pk])
        self.rpc.button("sale.sale", "confirm", [pk])
        return pk

    def number(self, model: str, pk: int) -> str:
        return str(self.rpc.read(model, [pk], ["number"])[0]["number"])

    def moves_of_purchase(self, pk: int) -> list[dict[str, Any]]:
        moves = self.rpc.read("purchase.purchase", [pk], ["moves"])[0]["moves"]
        return self.rpc.read("stock.move", moves, ["state", "quantity", "product.code", "shipment"])

    def cancel_moves(self, pk: int, sku: str) -> None:
        """The buyer cancels what is still to come of one product (the supplier dropped it)."""
        ids = [
            m["id"]
            for m in self.moves_of_purchase(pk)
            if m["product."]["code"] == sku and m["state"] == "draft"
        ]
        self.rpc.button("stock.move", "cancel", ids)

    def incoming_shipments(self, reference: str) -> list[dict[str, Any]]:
        return self.rpc.search_read(
            "stock.shipment.in",
            [["reference", "=", reference]],
            ["state", "number", "incoming_moves"],
        )

    def sale_shipments(self, pk: int) -> list[dict[str, Any]]:
        ids = self.rpc.read("sale.sale", [pk], ["shipments"])[0]["shipments"]
        return self.rpc.read(
            "stock.shipment.out", ids, ["state", "number", "reference", "outgoing_moves"]
        )

    def move_quantities(self, ids: list[int]) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for move in self.rpc.read("stock.move", ids, ["quantity", "product.code", "state"]):
            if move["state"] != "cancelled":
                sku = move["product."]["code"]
                totals[sku] = totals.get(sku, Decimal(0)) + Decimal(move["quantity"])
        return totals

    def customer_invoices(self, reference: str) -> list[dict[str, Any]]:
        return self.rpc.search_read(
            "account.invoice",
            [["reference", "=", reference], ["type", "=", "out"]],
            ["state", "number", "total_amount", "lines", "party.code"],
        )

    def on_hand(self, sku: str) -> Decimal:
        rows = self.rpc.search_read(
            "product.product",
            [["code", "=", sku]],
            ["quantity"],
            context={"locations": [self.warehouse]},
        )
        return Decimal(rows[0]["quantity"]) if rows else Decimal(0)
