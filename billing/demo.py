"""Demo data for `manage.py seed_demo` (after the floor apps' demos): the 3PL's billing
settings, a rate card with every rule kind for each client, a month of billed activity (last
month) and one finalised invoice per client, so `make run` shows real invoices; this month's
floor activity from the other demos is rated and accrues on the billing page.

The floor demos make their stock today, so last month never happened on the floor: its
activity is written into the outbox as the floor writes it, dated last month, and its nights as
the nightly task records them (each night the stock of today). Everything else (rating, closing,
finalising) goes through the billing services. Idempotent: a client that already has a
finalised invoice is left as it is."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from billing.models import (
    BillingPeriod,
    BillingSettings,
    Invoice,
    RateCard,
    RateRule,
    StorageDay,
)
from billing.services.cards import RuleSpec, create_rate_card, create_version
from billing.services.charges import add_manual_charge, mark_non_billable
from billing.services.invoices import close_period, finalize_invoice
from billing.services.rating import rate_pending
from billing.services.storage import SNAPSHOT, _event
from inventory.models import Client, Event, Warehouse
from wms.accounts.models import Role, User


def _rules() -> list[RuleSpec]:
    def r(kind: str, basis: str, price: str = "0", **extra: Any) -> RuleSpec:
        return RuleSpec(kind=kind, basis=basis, unit_price=Decimal(price), **extra)

    return [
        r("storage", "location_day", "0.35", storage_type="bin"),
        r("storage", "location_day", "0.25", storage_type="shelf"),
        r("storage", "location_day", "1.10", storage_type="pallet_position"),
        r("storage", "pallet_day", "0.45"),
        r("storage", "unit_day", "0.002"),
        r("storage", "storage_minimum", "150", description="Monthly storage minimum"),
        r("receiving", "per_asn", "25", description="ASN handling"),
        r("receiving", "per_receipt_line", "1.25"),
        r("receiving", "per_unit_received", "0.035"),
        r("receiving", "per_case_received", "0.40"),
        r("receiving", "per_pallet_received", "8"),
        r("receiving", "putaway_per_lpn", "2.25"),
        r("picking", "pick_per_order", "0.50"),
        r("picking", "pick_first_unit", "0.95"),
        r("picking", "pick_additional_unit", "0.30"),
        r("picking", "pick_unit_range", "0.10", tier_from=11, description="Bulk discount over 10"),
        r("packing", "pack_per_order", "0.75"),
        r("packing", "pack_per_carton", "0.50"),
        r("packing", "materials", markup_percent=Decimal("15")),
        r("packing", "boxes", markup_percent=Decimal("10"), markup_flat=Decimal("0.05")),
        r("shipping", "label", markup_percent=Decimal("8"), markup_flat=Decimal("0.25")),
        r("vas", "manual", "38", description="Kitting, per hour"),
        r("vas", "manual", "0.15", description="Relabelling, per unit"),
        r("minimum", "period_minimum", "500", description="Monthly minimum"),
    ]


def seed(*, password: str, stdout: Any) -> None:
    manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
    if manager is None:
        return
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    month = last_month_end.replace(day=1)
    with transaction.atomic():
        if not BillingSettings.objects.filter(pk=1).exists():
            BillingSettings.objects.create(
                pk=1,
                company_name="Demo Logistics",
                company_address="100 Dock Road\nNewark, NJ 07102\nUnited States",
                tax_label="Sales tax",
                tax_rate_percent=Decimal("6.625"),
            )
        fresh = []
        for client in Client.objects.filter(is_active=True).order_by("code"):
            if Invoice.objects.filter(client=client, status="finalized").exists():
                continue
            if not RateCard.objects.filter(client=client).exists():
                card = create_rate_card(
                    user=manager, client=client, name=f"{client.name} 3PL rates"
                )
                create_version(
                    user=manager,
                    card=card,
                    effective_from=month - dt.timedelta(days=31),
                    rules=_rules(),
                    note="Demo card: every rule kind.",
                )
            fresh.append(client)
        if fresh:
            _last_month(fresh, month, last_month_end, manager)
    rate_pending()
    finalised = 0
    for client in fresh:
        finalised += _invoice(client, month, manager)
    stdout.write(
        f"Demo billing: {len(fresh)} clients billed for {month:%B %Y} ({finalised} invoices "
        "finalised); this month accrues on /billing/."
    )


def _at(day: dt.date, hour: int, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 15), tzinfo=zoneinfo.ZoneInfo(zone))


def _last_month(clients: list[Client], month: dt.date, end: dt.date, manager: User) -> None:
    warehouse = Warehouse.objects.filter(is_active=True).order_by("code").first()
    if warehouse is None:
        return
    zone = warehouse.time_zone
    events: list[Event] = []
    days = [month + dt.timedelta(days=n) for n in range((end - month).days + 1)]
    for client in clients:
        rng = random.Random(f"{client.code}-{month}")  # noqa: S311  (demo data, not secrets)
        for day in (d for d in days if d.weekday() < 5):
            events += _workday(client, warehouse, day, zone, rng, len(events))
        kitting = RateRule.objects.filter(
            version__card__client=client, description="Kitting, per hour"
        ).order_by("-version__number")
        add_manual_charge(
            user=manager,
            client=client,
            quantity=Decimal(rng.randint(2, 12)),
            rule=kitting.first(),
            description="Kitting, per hour",
            activity_date=days[10],
            note="Gift sets for a retail launch",
        )
    Event.objects.bulk_create(events)
    _nights(warehouse, days)


def _workday(
    client: Client, warehouse: Warehouse, day: dt.date, zone: str, rng: random.Random, n: int
) -> list[Event]:
    """One weekday of a client's floor work, as the floor's events."""

    def event(kind: str, hour: int, payload: dict[str, Any]) -> Event:
        return Event(
            type=kind,
            client=client,
            warehouse=warehouse,
            payload=payload,
            created_at=_at(day, hour, zone),
        )

    made = []
    ref = f"{client.code[:3].upper()}-{day:%m%d}"
    if rng.random() < 0.4:
        packs = rng.randint(2, 20)
        receipt = {"uom": "case", "packs": packs, "pack_quantity": 12, "asn": f"ASN-{ref}"}
        made += [
            event("stock.received", 9, {"sku": "DEMO", "quantity": packs * 12, "receipt": receipt}),
            event("putaway.done", 10, {"task": n, "what": f"LPN P-{ref}", "lpn": f"P-{ref}"}),
            event(
                "asn.closed", 11, {"reference": f"ASN-{ref}", "lines": [{"received": packs * 12}]}
            ),
        ]
    material = {"code": "FILL-PAPER", "quantity": 2, "cost": "0.06", "currency": "USD"}
    for order in range(rng.randint(3, 12)):
        units, reference = rng.randint(1, 14), f"SO-{ref}-{order}"
        shipment = n + len(made)
        picked = {"reference": reference, "picked_units": units, "picked_lines": min(units, 3)}
        carton = {
            "order": reference,
            "sscc": f"0061414{shipment:011d}",
            "box_type": "BOX-M",
            "box_cost": "0.85",
            "box_currency": "USD",
            "materials": [material],
        }
        label = {
            "shipment_id": shipment,
            "order": reference,
            "tracking_code": f"9400{shipment:012d}",
            "amount": f"{rng.randint(5, 14)}.{rng.randint(10, 99)}",
            "currency": "USD",
        }
        made += [
            event("order.picked", 13, picked),
            event("carton.packed", 15, carton),
            event("order.packed", 15, {"reference": reference, "cartons": 1, "units": units}),
            event("shipment.label_purchased", 16, label),
        ]
    return made


def _nights(warehouse: Warehouse, days: list[dt.date]) -> None:
    """Each night of the month as the nightly task records it, with today's stock."""
    now = timezone.now()
    events = []
    with connection.cursor() as cursor:
        for day in days:
            if StorageDay.objects.filter(warehouse=warehouse, date=day).exists():
                continue
            StorageDay.objects.create(warehouse=warehouse, date=day, as_of=now)
            cursor.execute(
                SNAPSHOT, {"warehouse": warehouse.pk, "as_of": now, "day": day, "now": now}
            )
            for row in cursor.fetchall():
                new = _event(warehouse, day, row)
                events.append(
                    Event(
                        type=new.type,
                        client_id=new.client_id,
                        warehouse_id=new.warehouse_id,
                        payload=new.payload,
                        created_at=_at(day + dt.timedelta(days=1), 0, warehouse.time_zone),
                    )
                )
    Event.objects.bulk_create(events)


def _invoice(client: Client, month: dt.date, manager: User) -> int:
    period = BillingPeriod.objects.filter(client=client, start_date=month).first()
    if period is None or period.status != "open":
        return 0
    for entry in period.unrated.filter(status="open"):
        mark_non_billable(user=manager, entry=entry, reason="Demo: not billed.")
    invoice = close_period(user=manager, period=period)
    finalize_invoice(user=manager, invoice=invoice)
    return 1
