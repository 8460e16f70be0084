"""What billing charges for, as data: which outbox events are billable, which kind of rule each
belongs to, which event feeds which basis, and the unit a basis counts in. The rating job's SQL
(billing.services.rating_sql) and the rate-card editor's checks both read these tables.

The facts each basis counts, all from the event's payload (or, for storage, its snapshot):

    asn.closed               per ASN (1); per receipt line (lines with units received)
    stock.received           per receipt line (receipts without an ASN: 1); per unit (units);
                             per case (cases, when received as cases); per pallet (the first
                             receipt onto a pallet LPN that held nothing, by ledger order)
    putaway.done             putaway per LPN (tasks that moved a whole LPN)
    order.picked             per order; per line; per unit; first unit; each additional unit;
                             units in a range (from, to) of the order's units
    order.packed             per order packed
    carton.packed            per carton; materials and the box at cost plus markup
    shipment.label_purchased the label's cost plus markup; `shipment.voided` credits it
    storage.snapshot         per location-day by storage type, pallet-day, ft³-day, m³-day,
                             unit-day (half-month mode: only the 1st's and the 16th's)"""

from __future__ import annotations

from billing.models import Basis, RuleKind

STOCK_RECEIVED = "stock.received"
ASN_CLOSED = "asn.closed"
PUTAWAY_DONE = "putaway.done"
ORDER_PICKED = "order.picked"
ORDER_PACKED = "order.packed"
CARTON_PACKED = "carton.packed"
LABEL_PURCHASED = "shipment.label_purchased"
LABEL_VOIDED = "shipment.voided"
STORAGE_SNAPSHOT = "storage.snapshot"

# The ledger's reference of a putaway's moves (receiving.services.putaway_tasks.REFERENCE_TYPE):
# a whole-LPN putaway event names no client, its moves do.
PUTAWAY_REFERENCE_TYPE = "putaway_task"

EVENT_KINDS: dict[str, str] = {
    ASN_CLOSED: RuleKind.RECEIVING,
    STOCK_RECEIVED: RuleKind.RECEIVING,
    PUTAWAY_DONE: RuleKind.RECEIVING,
    ORDER_PICKED: RuleKind.PICKING,
    ORDER_PACKED: RuleKind.PACKING,
    CARTON_PACKED: RuleKind.PACKING,
    LABEL_PURCHASED: RuleKind.SHIPPING,
    LABEL_VOIDED: RuleKind.SHIPPING,
    STORAGE_SNAPSHOT: RuleKind.STORAGE,
}
BILLABLE_EVENTS = frozenset(EVENT_KINDS)
# Rated by the rules of the card in effect; a void is rated by the label charge it credits.
RATED_BY_CARD = BILLABLE_EVENTS - {LABEL_VOIDED}

BASIS_KIND: dict[str, str] = {
    Basis.LOCATION_DAY: RuleKind.STORAGE,
    Basis.PALLET_DAY: RuleKind.STORAGE,
    Basis.CUBIC_FOOT_DAY: RuleKind.STORAGE,
    Basis.CUBIC_METRE_DAY: RuleKind.STORAGE,
    Basis.UNIT_DAY: RuleKind.STORAGE,
    Basis.STORAGE_MINIMUM: RuleKind.STORAGE,
    Basis.PER_ASN: RuleKind.RECEIVING,
    Basis.PER_RECEIPT_LINE: RuleKind.RECEIVING,
    Basis.PER_UNIT_RECEIVED: RuleKind.RECEIVING,
    Basis.PER_CASE_RECEIVED: RuleKind.RECEIVING,
    Basis.PER_PALLET_RECEIVED: RuleKind.RECEIVING,
    Basis.PUTAWAY_PER_LPN: RuleKind.RECEIVING,
    Basis.PICK_PER_ORDER: RuleKind.PICKING,
    Basis.PICK_PER_LINE: RuleKind.PICKING,
    Basis.PICK_PER_UNIT: RuleKind.PICKING,
    Basis.PICK_FIRST_UNIT: RuleKind.PICKING,
    Basis.PICK_ADDITIONAL_UNIT: RuleKind.PICKING,
    Basis.PICK_UNIT_RANGE: RuleKind.PICKING,
    Basis.PACK_PER_ORDER: RuleKind.PACKING,
    Basis.PACK_PER_CARTON: RuleKind.PACKING,
    Basis.MATERIALS: RuleKind.PACKING,
    Basis.BOXES: RuleKind.PACKING,
    Basis.LABEL: RuleKind.SHIPPING,
    Basis.MANUAL: RuleKind.VAS,
    Basis.PERIOD_MINIMUM: RuleKind.MINIMUM,
}

# (event type, basis): the event feeds rules of that basis.
FEEDS: tuple[tuple[str, str], ...] = (
    (ASN_CLOSED, Basis.PER_ASN),
    (ASN_CLOSED, Basis.PER_RECEIPT_LINE),
    (STOCK_RECEIVED, Basis.PER_RECEIPT_LINE),
    (STOCK_RECEIVED, Basis.PER_UNIT_RECEIVED),
    (STOCK_RECEIVED, Basis.PER_CASE_RECEIVED),
    (STOCK_RECEIVED, Basis.PER_PALLET_RECEIVED),
    (PUTAWAY_DONE, Basis.PUTAWAY_PER_LPN),
    (ORDER_PICKED, Basis.PICK_PER_ORDER),
    (ORDER_PICKED, Basis.PICK_PER_LINE),
    (ORDER_PICKED, Basis.PICK_PER_UNIT),
    (ORDER_PICKED, Basis.PICK_FIRST_UNIT),
    (ORDER_PICKED, Basis.PICK_ADDITIONAL_UNIT),
    (ORDER_PICKED, Basis.PICK_UNIT_RANGE),
    (ORDER_PACKED, Basis.PACK_PER_ORDER),
    (CARTON_PACKED, Basis.PACK_PER_CARTON),
    (CARTON_PACKED, Basis.MATERIALS),
    (CARTON_PACKED, Basis.BOXES),
    (LABEL_PURCHASED, Basis.LABEL),
    (STORAGE_SNAPSHOT, Basis.LOCATION_DAY),
    (STORAGE_SNAPSHOT, Basis.PALLET_DAY),
    (STORAGE_SNAPSHOT, Basis.CUBIC_FOOT_DAY),
    (STORAGE_SNAPSHOT, Basis.CUBIC_METRE_DAY),
    (STORAGE_SNAPSHOT, Basis.UNIT_DAY),
)

COST_PLUS = frozenset({Basis.MATERIALS, Basis.BOXES, Basis.LABEL})
PERIOD_BASES = frozenset({Basis.STORAGE_MINIMUM, Basis.PERIOD_MINIMUM})
CUBIC = frozenset({Basis.CUBIC_FOOT_DAY, Basis.CUBIC_METRE_DAY})

UNITS: dict[str, str] = {
    Basis.LOCATION_DAY: "location-day",
    Basis.PALLET_DAY: "pallet-day",
    Basis.CUBIC_FOOT_DAY: "ft³-day",
    Basis.CUBIC_METRE_DAY: "m³-day",
    Basis.UNIT_DAY: "unit-day",
    Basis.STORAGE_MINIMUM: "period",
    Basis.PER_ASN: "ASN",
    Basis.PER_RECEIPT_LINE: "line",
    Basis.PER_UNIT_RECEIVED: "unit",
    Basis.PER_CASE_RECEIVED: "case",
    Basis.PER_PALLET_RECEIVED: "pallet",
    Basis.PUTAWAY_PER_LPN: "LPN",
    Basis.PICK_PER_ORDER: "order",
    Basis.PICK_PER_LINE: "line",
    Basis.PICK_PER_UNIT: "unit",
    Basis.PICK_FIRST_UNIT: "unit",
    Basis.PICK_ADDITIONAL_UNIT: "unit",
    Basis.PICK_UNIT_RANGE: "unit",
    Basis.PACK_PER_ORDER: "order",
    Basis.PACK_PER_CARTON: "carton",
    Basis.MATERIALS: "each",
    Basis.BOXES: "box",
    Basis.LABEL: "label",
    Basis.MANUAL: "each",
    Basis.PERIOD_MINIMUM: "period",
}

# A rule of these bases may appear more than once in a version, told apart by their detail:
# location-days by storage type, unit ranges by range (which must not overlap), manual services
# by description.
REPEATABLE = frozenset({Basis.LOCATION_DAY, Basis.PICK_UNIT_RANGE, Basis.MANUAL})

CM3_PER_CUBIC_FOOT = "28316.846592"
CM3_PER_CUBIC_METRE = "1000000"
