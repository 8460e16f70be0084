"""Tryton 8.2 behind the ErpAdapter interface, over plain JSON-RPC (erp.adapters.tryton_rpc).

Mapping (each point checked against a real Tryton 8.2 in tests/erp):
- a purchase order is `purchase.purchase` (confirmed, processing or done); its expected lines are
  its goods lines, less lines whose every move the ERP cancelled (a purchase with all lines
  cancelled is cancelled for us);
- the receipt of an ASN is a `stock.shipment.in` holding the purchase's waiting incoming moves
  with the received quantities written on them (only draft moves take a quantity); Tryton then
  makes its own backorder move of what is still missing;
- a sales order is `sale.sale`; shipping it completes its waiting `stock.shipment.out` with our
  quantities on the inventory moves (assigned by force if the ERP thinks it has no stock: the
  floor has shipped), the tracking numbers in the shipment's `reference`;
- a 3PL invoice is an `account.invoice` of type out, posted.
RPC `create` does not run on_change, so every field the client would fill (invoice account and
journal, shipment input and storage locations, addresses, units) is given here. Each push first
looks for what an earlier attempt did, by our reference, so a crash between the ERP's answer and
our commit never makes a second document."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from erp.adapters.base import (
    ConnectionReport,
    ErpAdapter,
    ErpAddress,
    ErpDocument,
    ErpLine,
    ErpProduct,
    InvoiceToPost,
    PullBatch,
    PushResult,
)
from erp.adapters.tryton_rpc import TrytonRpc
from erp.exceptions import ErpAuthFailed, ErpRefused, ErpUnavailable

PURCHASE = "purchase.purchase"
SALE = "sale.sale"
SHIPMENT_IN = "stock.shipment.in"
SHIPMENT_OUT = "stock.shipment.out"
INVOICE = "account.invoice"
PULLED_STATES = ["confirmed", "processing", "done", "cancelled"]
# Documents written this long before the cursor are read again: a Tryton transaction stamps its
# write date when it starts, so one still running at our last pull may commit an older date.
CURSOR_OVERLAP = dt.timedelta(minutes=5)
SERVICE_LEVEL_WORDS = {"overnight": "overnight", "expedited": "expedited"}
CENT = Decimal("0.01")


def _whole(quantity: Decimal) -> int | None:
    return int(quantity) if quantity == quantity.to_integral_value() else None


class TrytonAdapter(ErpAdapter):
    def __init__(
        self, *, url: str, database: str, username: str, password: str, timeout: float = 20.0
    ) -> None:
        self.rpc = TrytonRpc(url, database, username, password, timeout=timeout)
        self._unit_category: int | None = None

    def open(self) -> None:
        self.rpc.login()

    def close(self) -> None:
        self.rpc.logout()
        self.rpc.http.close()

    # --- test connection ------------------------------------------------------------------------

    def test(self) -> ConnectionReport:
        version = self.rpc.server_version()
        self.rpc.login()
        company = str(self.rpc.context.get("company.rec_name") or "no company")
        warehouses = self.rpc.search_read(
            "stock.location", [["type", "=", "warehouse"]], ["code", "name"]
        )
        purchases = self.rpc.call(PURCHASE, "search_count", [["state", "in", PULLED_STATES]])
        sales = self.rpc.call(SALE, "search_count", [["state", "in", PULLED_STATES]])
        codes = ", ".join(f"{w['code']} ({w['name']})" for w in warehouses if w.get("code"))
        details = [
            f"Company: {company}.",
            f"Warehouses: {codes or 'none with a code'}.",
            f"Confirmed purchase orders: {purchases}; confirmed sales orders: {sales}.",
        ]
        return ConnectionReport(
            ok=True,
            message=f"Connected to Tryton {version}, database {self.rpc.database!r} as "
            f"{self.rpc.login_name!r}.",
            details=details,
            warehouse_codes=tuple(str(w["code"]) for w in warehouses if w.get("code")),
        )

    # --- reading documents ----------------------------------------------------------------------

    def _since(self, model: str, cursor: str | None, moves_path: str) -> list[int]:
        domain: list[Any] = [["state", "in", PULLED_STATES]]
        if cursor:
            since = dt.datetime.fromisoformat(cursor) - CURSOR_OVERLAP
            domain.append(
                [
                    "OR",
                    ["write_date", ">=", since],
                    ["create_date", ">=", since],
                    [f"{moves_path}.write_date", ">=", since],
                ]
            )
        return [int(pk) for pk in self.rpc.call(model, "search", domain, 0, None, [["id", "ASC"]])]

    def purchases_since(self, cursor: str | None, *, limit: int = 0) -> PullBatch:
        return self._batch(
            [self.purchase(pk) for pk in self._since(PURCHASE, cursor, "lines.moves")], cursor
        )

    def sales_since(self, cursor: str | None, *, limit: int = 0) -> PullBatch:
        return self._batch(
            [self.sale(pk) for pk in self._since(SALE, cursor, "lines.moves")], cursor
        )

    @staticmethod
    def _batch(documents: list[ErpDocument], cursor: str | None) -> PullBatch:
        revisions = [doc.revision for doc in documents if doc.revision]
        newest = max([*revisions, *([cursor] if cursor else [])], default=None)
        return PullBatch(documents=tuple(documents), cursor=newest)

    def _unit_category_id(self) -> int:
        if self._unit_category is None:
            self._unit_category = int(
                self.rpc.call("ir.model.data", "get_id", "product", "uom_cat_unit")
            )
        return self._unit_category

    def _lines(
        self, line_model: str, line_ids: list[int]
    ) -> tuple[tuple[ErpLine, ...], bool, tuple[str, ...], str]:
        """Goods lines by SKU in whole base units; whether every line is cancelled; problems;
        and the newest write date among lines and moves (the document's revision)."""
        rows = self.rpc.read(
            line_model,
            line_ids,
            [
                "type",
                "quantity",
                "moves",
                "write_date",
                "product.code",
                "product.rec_name",
                "product.type",
                "product.default_uom",
                "unit.name",
                "unit.factor",
                "unit.category",
            ],
        )
        move_ids = [pk for row in rows for pk in row.get("moves") or []]
        moves = {m["id"]: m for m in self.rpc.read("stock.move", move_ids, ["state", "write_date"])}
        default_uoms = {
            int(row["product."]["default_uom"])
            for row in rows
            if row.get("product.") and row["product."].get("default_uom")
        }
        uoms = {
            u["id"]: u
            for u in self.rpc.read(
                "product.uom", sorted(default_uoms), ["name", "factor", "category"]
            )
        }
        by_sku: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        problems: list[str] = []
        dates = [row["write_date"] for row in rows if row.get("write_date")]
        dates += [m["write_date"] for m in moves.values() if m.get("write_date")]
        live_lines = 0
        for number, row in enumerate(rows, start=1):
            product = row.get("product.") or {}
            if row.get("type") != "line" or product.get("type") not in ("goods", "assets"):
                continue
            line_moves = [moves[pk] for pk in row.get("moves") or [] if pk in moves]
            if line_moves and all(m["state"] == "cancelled" for m in line_moves):
                continue
            live_lines += 1
            sku = str(product.get("code") or "")
            if not sku:
                problems.append(
                    f"Line {number} ({product.get('rec_name')}): the product has no code (SKU)."
                )
                continue
            unit = row.get("unit.") or {}
            default = uoms.get(int(product.get("default_uom") or 0), {})
            if default.get("category") != self._unit_category_id():
                problems.append(
                    f"Line {number} ({sku}): the ERP counts it in {default.get('name', '?')}, "
                    "which we cannot convert to whole units."
                )
                continue
            quantity = (
                Decimal(row["quantity"]) * Decimal(unit["factor"]) / Decimal(default["factor"])
            )
            whole = _whole(quantity)
            if whole is None or whole <= 0:
                problems.append(
                    f"Line {number} ({sku}): {row['quantity']} {unit.get('name')} is not a whole "
                    f"number of units ({quantity} {default.get('name')}); we cannot convert it."
                )
                continue
            by_sku[sku] += whole
            names[sku] = str(product.get("rec_name") or sku)
        lines = tuple(
            ErpLine(sku=sku, name=names[sku], quantity=qty) for sku, qty in sorted(by_sku.items())
        )
        revision = max(dates).isoformat() if dates else ""
        return lines, live_lines == 0 and bool(rows), tuple(problems), revision

    def purchase(self, erp_id: int) -> ErpDocument:
        row = self._read_one(
            PURCHASE,
            erp_id,
            [
                "number",
                "reference",
                "state",
                "warehouse.code",
                "delivery_date",
                "lines",
                "write_date",
                "create_date",
            ],
        )
        lines, all_cancelled, problems, revision = self._lines("purchase.line", row["lines"])
        return ErpDocument(
            erp_model=PURCHASE,
            erp_id=erp_id,
            number=str(row.get("number") or erp_id),
            reference=str(row.get("reference") or ""),
            revision=max(revision, self._stamp(row)),
            warehouse_code=str((row.get("warehouse.") or {}).get("code") or ""),
            lines=lines,
            cancelled=row["state"] == "cancelled" or all_cancelled,
            expected_date=row.get("delivery_date"),
            problems=problems,
        )

    def sale(self, erp_id: int) -> ErpDocument:
        row = self._read_one(
            SALE,
            erp_id,
            [
                "number",
                "reference",
                "description",
                "state",
                "warehouse.code",
                "lines",
                "write_date",
                "create_date",
                "party.name",
                "shipment_address",
            ],
        )
        lines, all_cancelled, problems, revision = self._lines("sale.line", row["lines"])
        ship_to = self._address(
            row.get("shipment_address"), str((row.get("party.") or {}).get("name") or "")
        )
        words = str(row.get("description") or "").lower()
        level = next(
            (level for word, level in SERVICE_LEVEL_WORDS.items() if word in words), "standard"
        )
        return ErpDocument(
            erp_model=SALE,
            erp_id=erp_id,
            number=str(row.get("number") or erp_id),
            reference=str(row.get("reference") or ""),
            revision=max(revision, self._stamp(row)),
            warehouse_code=str((row.get("warehouse.") or {}).get("code") or ""),
            lines=lines,
            cancelled=row["state"] == "cancelled" or all_cancelled,
            ship_to=ship_to,
            service_level=level,
            problems=problems,
        )

    @staticmethod
    def _stamp(row: dict[str, Any]) -> str:
        stamp = row.get("write_date") or row.get("create_date")
        return stamp.isoformat() if stamp else ""

    def _read_one(self, model: str, erp_id: int, fields: list[str]) -> dict[str, Any]:
        rows = self.rpc.read(model, [erp_id], fields)
        if not rows:
            raise ErpRefused(f"The ERP has no {model} {erp_id} (deleted?).")
        return rows[0]

    def _address(self, address_id: int | None, party_name: str) -> ErpAddress | None:
        if not address_id:
            return None
        row = self.rpc.read(
            "party.address",
            [int(address_id)],
            ["party_name", "street", "city", "postal_code", "country.code", "subdivision.code"],
        )[0]
        street = [
            part.strip() for part in str(row.get("street") or "").splitlines() if part.strip()
        ]
        subdivision = str((row.get("subdivision.") or {}).get("code") or "")
        return ErpAddress(
            name=str(row.get("party_name") or party_name),
            street1=street[0] if street else "",
            street2=", ".join(street[1:]),
            city=str(row.get("city") or ""),
            postal_code=str(row.get("postal_code") or ""),
            country=str((row.get("country.") or {}).get("code") or "US"),
            state=subdivision.split("-")[-1] if subdivision else "",
        )

    def products(self, skus: list[str]) -> dict[str, ErpProduct]:
        rows = self.rpc.search_read("product.product", [["code", "in", skus]], ["code", "rec_name"])
        return {
            str(r["code"]): ErpProduct(sku=str(r["code"]), name=str(r["rec_name"])) for r in rows
        }

    # --- receipts -------------------------------------------------------------------------------

    def post_receipt(
        self, *, purchase_id: int, reference: str, received: dict[str, int]
    ) -> PushResult:
        existing = self.rpc.search_read(
            SHIPMENT_IN, [["reference", "=", reference]], ["state", "number"], limit=1
        )
        if existing:
            shipment_id = int(existing[0]["id"])
        else:
            shipment_id = self._new_receipt(purchase_id, reference, received)
            if shipment_id == 0:
                return PushResult(
                    PURCHASE,
                    purchase_id,
                    "",
                    "Nothing was received: the ERP keeps waiting for the whole purchase.",
                )
        state = self._read_one(SHIPMENT_IN, shipment_id, ["state"])["state"]
        if state == "draft":
            self.rpc.button(SHIPMENT_IN, "receive", [shipment_id], confirm=True)
            state = "received"
        if state == "received":
            self.rpc.button(SHIPMENT_IN, "do", [shipment_id], confirm=True)
        done = self._read_one(SHIPMENT_IN, shipment_id, ["state", "number"])
        if done["state"] != "done":
            raise ErpRefused(f"The ERP left incoming shipment {done['number']} {done['state']}.")
        waiting = self._waiting_moves(purchase_id)
        backorder = ", ".join(f"{sku} {qty}" for sku, qty in sorted(waiting.items()))
        message = f"Incoming shipment {done['number']} done: " + ", ".join(
            f"{sku} {qty}" for sku, qty in sorted(received.items())
        )
        message += (
            f"; the ERP still expects {backorder}." if backorder else "; nothing left to receive."
        )
        return PushResult(SHIPMENT_IN, shipment_id, str(done["number"]), message)

    def _purchase_moves(self, purchase_id: int) -> list[dict[str, Any]]:
        purchase = self._read_one(PURCHASE, purchase_id, ["moves"])
        return self.rpc.read(
            "stock.move",
            purchase["moves"],
            ["state", "quantity", "shipment", "product.code", "to_location"],
        )

    def _waiting_moves(self, purchase_id: int) -> dict[str, int]:
        waiting: dict[str, int] = defaultdict(int)
        for move in self._purchase_moves(purchase_id):
            if move["state"] == "draft" and not move.get("shipment"):
                waiting[str(move["product."]["code"])] += int(Decimal(move["quantity"]))
        return dict(waiting)

    def _new_receipt(self, purchase_id: int, reference: str, received: dict[str, int]) -> int:
        purchase = self._read_one(
            PURCHASE,
            purchase_id,
            ["party", "warehouse", "warehouse.input_location", "warehouse.storage_location"],
        )
        waiting: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for move in self._purchase_moves(purchase_id):
            if move["state"] == "draft" and not move.get("shipment"):
                waiting[str(move["product."]["code"])].append(move)
        chosen: list[int] = []
        missing = sorted(sku for sku, qty in received.items() if qty > 0 and sku not in waiting)
        if missing:
            raise ErpRefused(
                "The ERP's purchase has no waiting line for "
                + ", ".join(missing)
                + ": receive those on a purchase that orders them."
            )
        for sku, qty in sorted(received.items()):
            if qty <= 0:
                continue
            first = waiting[sku][0]
            self.rpc.write("stock.move", [int(first["id"])], {"quantity": Decimal(qty)})
            chosen.append(int(first["id"]))
        if not chosen:
            return 0
        warehouse = purchase.get("warehouse.") or {}
        [shipment_id] = self.rpc.create(
            SHIPMENT_IN,
            [
                {
                    "supplier": purchase["party"],
                    "warehouse": purchase["warehouse"],
                    "warehouse_input": warehouse.get("input_location"),
                    "warehouse_storage": warehouse.get("storage_location"),
                    "reference": reference,
                    "incoming_moves": [["add", chosen]],
                }
            ],
        )
        return shipment_id

    # --- shipments ------------------------------------------------------------------------------

    def complete_shipment(
        self, *, sale_id: int, reference: str, shipped: dict[str, int], tracking: list[str]
    ) -> PushResult:
        sale = self._read_one(SALE, sale_id, ["shipments", "number"])
        shipments = self.rpc.read(
            SHIPMENT_OUT, sale["shipments"], ["state", "number", "reference", "inventory_moves"]
        )
        stamp = (", ".join(tracking) or reference)[:100]
        done = [s for s in shipments if s["state"] == "done" and s.get("reference") == stamp]
        if done:
            return self._shipped(done[0], shipped)
        open_ = [s for s in shipments if s["state"] not in ("done", "cancelled")]
        if not open_:
            raise ErpRefused(
                f"Sale {sale['number']} has no open customer shipment in the ERP to complete."
            )
        shipment = open_[0]
        pk = int(shipment["id"])
        if shipment["state"] in ("draft", "waiting"):
            moves = self.rpc.read(
                "stock.move", shipment["inventory_moves"], ["product.code", "quantity", "state"]
            )
            left = dict(shipped)
            to_delete: list[int] = []
            for move in moves:
                sku = str(move["product."]["code"])
                qty = min(left.get(sku, 0), int(Decimal(move["quantity"])))
                if qty <= 0:
                    to_delete.append(int(move["id"]))
                    continue
                left[sku] = left.get(sku, 0) - qty
                self.rpc.write("stock.move", [int(move["id"])], {"quantity": Decimal(qty)})
            if len(to_delete) == len(moves):
                raise ErpRefused(f"Nothing shipped matches sale {sale['number']}'s shipment.")
            if to_delete:
                self.rpc.call("stock.move", "delete", to_delete)
            self.rpc.write(SHIPMENT_OUT, [pk], {"reference": stamp})
            self.rpc.button(SHIPMENT_OUT, "assign_try", [pk])
            if self._read_one(SHIPMENT_OUT, pk, ["state"])["state"] == "waiting":
                # The floor has shipped it: the ERP's idea of its stock is not the fact.
                self.rpc.button(SHIPMENT_OUT, "assign_force", [pk])
        for button, before in (("pick", "assigned"), ("pack", "picked"), ("do", "packed")):
            if self._read_one(SHIPMENT_OUT, pk, ["state"])["state"] == before:
                self.rpc.button(SHIPMENT_OUT, button, [pk], confirm=True)
        final = self._read_one(SHIPMENT_OUT, pk, ["state", "number", "reference"])
        if final["state"] != "done":
            raise ErpRefused(f"The ERP left customer shipment {final['number']} {final['state']}.")
        return self._shipped(final, shipped)

    @staticmethod
    def _shipped(shipment: dict[str, Any], shipped: dict[str, int]) -> PushResult:
        what = ", ".join(f"{sku} {qty}" for sku, qty in sorted(shipped.items()))
        return PushResult(
            SHIPMENT_OUT,
            int(shipment["id"]),
            str(shipment["number"]),
            f"Customer shipment {shipment['number']} done ({what}), tracking "
            f"{shipment.get('reference') or 'none'}.",
        )

    # --- invoices -------------------------------------------------------------------------------

    def post_invoice(self, invoice: InvoiceToPost, service_products: dict[str, str]) -> PushResult:
        found = self.rpc.search_read(
            INVOICE,
            [["reference", "=", invoice.reference], ["type", "=", "out"]],
            ["state", "number", "total_amount"],
            limit=1,
        )
        pk = int(found[0]["id"]) if found else self._create_invoice(invoice, service_products)
        row = self._read_one(INVOICE, pk, ["state", "number", "total_amount"])
        if Decimal(row["total_amount"]) != invoice.total:
            raise ErpRefused(
                f"The ERP totals invoice {invoice.number} at {row['total_amount']}, ours is "
                f"{invoice.total}: left as a draft in the ERP for a person to check."
            )
        if row["state"] in ("draft", "validated"):
            self.rpc.button(INVOICE, "post", [pk], confirm=True)
            row = self._read_one(INVOICE, pk, ["state", "number", "total_amount"])
        if row["state"] not in ("posted", "paid"):
            raise ErpRefused(f"The ERP left invoice {invoice.number} {row['state']}.")
        return PushResult(
            INVOICE,
            pk,
            str(row["number"]),
            f"Posted as customer invoice {row['number']}, total {row['total_amount']} "
            f"{invoice.currency}.",
        )

    def _create_invoice(self, invoice: InvoiceToPost, service_products: dict[str, str]) -> int:
        if invoice.tax:
            raise ErpRefused(
                f"Invoice {invoice.number} carries tax {invoice.tax}; taxes are not mapped to the "
                "ERP's, so post it by hand."
            )
        codes = {
            line.kind: service_products.get(line.kind) or service_products.get("default")
            for line in invoice.lines
        }
        unmapped = sorted(kind for kind, code in codes.items() if not code)
        if unmapped:
            raise ErpRefused(
                "No ERP service product is mapped for billing kind(s) "
                + ", ".join(unmapped)
                + ": set them (or a default) on the connection."
            )
        products = {
            str(r["code"]): r
            for r in self.rpc.search_read(
                "product.product",
                [["code", "in", sorted({c for c in codes.values() if c})]],
                ["code", "default_uom", "template.account_category.account_revenue"],
            )
        }
        missing = sorted({c for c in codes.values() if c and c not in products})
        if missing:
            raise ErpRefused(f"The ERP has no product with code {', '.join(missing)}.")
        party = self._party(invoice.client_code, invoice.client_name)
        journals = self.rpc.search_read(
            "account.journal", [["type", "=", "revenue"]], ["id"], limit=1
        )
        if not journals:
            raise ErpRefused("The ERP has no revenue journal.")
        lines = []
        for line in invoice.lines:
            product = products[str(codes[line.kind])]
            category = (product.get("template.") or {}).get("account_category.") or {}
            revenue = category.get("account_revenue")
            if not revenue:
                raise ErpRefused(
                    f"ERP product {product['code']} has no accounting category with a revenue "
                    "account."
                )
            quantity, unit_price, description = line.quantity, line.unit_price, line.description
            if (quantity * unit_price).quantize(CENT, ROUND_HALF_UP) != line.amount:
                # Our amount is a sum of lines each rounded to the cent: book it as one amount.
                description = f"{description} ({quantity} x {unit_price})"
                quantity, unit_price = Decimal(1), line.amount
            lines.append(
                {
                    "type": "line",
                    "product": product["id"],
                    "description": description[:200],
                    "quantity": quantity,
                    "unit": product["default_uom"],
                    "unit_price": unit_price,
                    "account": revenue,
                }
            )
        [pk] = self.rpc.create(
            INVOICE,
            [
                {
                    "type": "out",
                    "party": party["id"],
                    "invoice_address": party["address"],
                    "account": party["receivable"],
                    "journal": journals[0]["id"],
                    "payment_term": party.get("payment_term"),
                    "invoice_date": invoice.issue_date,
                    "reference": invoice.reference,
                    "description": f"3PL invoice {invoice.number}",
                    "lines": [["create", lines]],
                }
            ],
        )
        return pk

    def _party(self, code: str, name: str) -> dict[str, Any]:
        fields = ["addresses", "account_receivable", "customer_payment_term"]
        rows = self.rpc.search_read("party.party", [["code", "=", code]], fields, limit=1)
        if not rows:
            self.rpc.create(
                "party.party", [{"name": name, "code": code, "addresses": [["create", [{}]]]}]
            )
            rows = self.rpc.search_read("party.party", [["code", "=", code]], fields, limit=1)
        row = rows[0]
        # Tryton's own fallback (account_receivable_used is a property, not readable): the
        # party's account, else the accounting configuration's default.
        receivable = row.get("account_receivable") or self._default_receivable()
        if not receivable:
            raise ErpRefused(f"ERP party {code} has no receivable account (set a default).")
        terms = row.get("customer_payment_term")
        if not terms:
            found = self.rpc.search_read("account.invoice.payment_term", [], ["id"], limit=1)
            terms = found[0]["id"] if found else None
        return {
            "id": row["id"],
            "address": (row.get("addresses") or [None])[0],
            "receivable": receivable,
            "payment_term": terms,
        }

    def _default_receivable(self) -> int | None:
        rows = self.rpc.read("account.configuration", [1], ["default_account_receivable"])
        return rows[0].get("default_account_receivable") if rows else None

    # --- stock ----------------------------------------------------------------------------------

    def on_hand(self, warehouse_codes: list[str]) -> dict[str, Decimal]:
        locations = self.rpc.search_read(
            "stock.location",
            [["type", "=", "warehouse"], ["code", "in", warehouse_codes]],
            ["code"],
        )
        if len(locations) != len(set(warehouse_codes)):
            found = {str(loc["code"]) for loc in locations}
            raise ErpRefused(
                "The ERP has no warehouse " + ", ".join(sorted(set(warehouse_codes) - found)) + "."
            )
        rows = self.rpc.search_read(
            "product.product",
            [["type", "=", "goods"], ["code", "!=", None]],
            ["code", "quantity"],
            context={"locations": [loc["id"] for loc in locations]},
        )
        return {str(r["code"]): Decimal(r["quantity"]) for r in rows if r.get("code")}


__all__ = ["ErpAuthFailed", "ErpUnavailable", "TrytonAdapter"]
