"""The rating task (shipping.rate_shipment) run eagerly against the fake EasyPost server: every
path ends with at most one purchase per shipment, as the fake's counters show."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from celery.exceptions import Retry
from pypdf import PdfReader

from inventory.models import Event
from shipping import carrier
from shipping.models import ShipmentStatus, ShippingPolicy
from shipping.services import rating
from shipping.tasks import rate_shipment
from tests.shipping import shipments_fixtures
from tests.shipping.conftest import TODAY
from tests.shipping.shipments_fixtures import UNDELIVERABLE, fresh, make_packed_order

packed = shipments_fixtures.packed


def run(shipment: Any, max_runs: int = 10) -> str:
    """Runs the task as a worker would: each Retry it raises is run again with the next retry
    number (countdowns are not waited for)."""
    for retries in range(max_runs):
        try:
            return str(rate_shipment.apply(args=[shipment.pk], retries=retries).get())
        except Retry:
            continue
    raise AssertionError(f"still retrying after {max_runs} runs")


def purchases(fake: Any) -> dict[str, int]:
    return dict(fake.counters()["purchases"])


def event_types(shipment: Any) -> list[str]:
    return list(
        Event.objects.filter(type__startswith="shipment.", payload__shipment_id=shipment.pk)
        .order_by("pk")
        .values_list("type", flat=True)
    )


def test_happy_path_buys_the_cheapest_label_once_and_stores_it(
    carrier_settings: Any, packed: Any
) -> None:
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    # 1200 g is 42.4 oz, billed as 3 lb: USPS GroundAdvantage 5.40 + 2 x 0.85.
    assert (shipment.carrier, shipment.service, shipment.amount) == (
        "USPS",
        "GroundAdvantage",
        Decimal("7.10"),
    )
    assert shipment.currency == "USD"
    assert shipment.tracking_code.startswith("9400")
    assert len(shipment.rates) == 6
    assert shipment.rate_id == next(
        r["id"] for r in shipment.rates if r["service"] == "GroundAdvantage"
    )
    assert shipment.attempts == 1
    assert shipment.purchased_at is not None
    assert purchases(carrier_settings) == {shipment.easypost_id: 1}
    text = PdfReader(io.BytesIO(bytes(shipment.label_pdf))).pages[0].extract_text()
    assert shipment.tracking_code in text
    assert "^XA" in shipment.label_zpl and shipment.tracking_code in shipment.label_zpl
    assert event_types(shipment) == [
        "shipment.opened",
        "shipment.rated",
        "shipment.label_purchased",
    ]


def test_the_request_carries_warehouse_order_and_carton(carrier_settings: Any, packed: Any) -> None:
    run(packed.shipment)
    shipment = fresh(packed.shipment)
    sent = carrier_settings.state.shipments[shipment.easypost_id]
    assert sent["from_address"]["street1"] == "100 Dock Rd"
    assert sent["from_address"]["zip"] == "07102"
    assert sent["to_address"]["name"] == "Ada Lovelace"
    assert sent["to_address"]["zip"] == "78701"
    # 300 x 200 x 150 mm, 1200 g, rounded up to 0.1 in / 0.1 oz.
    assert (sent["parcel"]["length"], sent["parcel"]["width"], sent["parcel"]["height"]) == (
        11.9,
        7.9,
        6.0,
    )
    assert sent["parcel"]["weight"] == 42.4
    assert sent["reference"] == f"{packed.order.reference}-1"


def test_a_second_run_buys_nothing(carrier_settings: Any, packed: Any) -> None:
    run(packed.shipment)
    before = carrier_settings.counters()
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    after = carrier_settings.counters()
    assert after["buy_attempts"] == before["buy_attempts"]
    assert after["requests"] == before["requests"]
    assert fresh(packed.shipment).attempts == 1


def test_rate_limited_twice_then_bought(carrier_settings: Any, packed: Any) -> None:
    carrier_settings.control({"faults": [{"status": 429, "times": 2}]})
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    assert shipment.attempts == 3
    assert carrier_settings.counters()["requests"]["POST /shipments"] == 3
    assert purchases(carrier_settings) == {shipment.easypost_id: 1}


def test_a_server_error_on_buy_is_retried_and_buys_once(carrier_settings: Any, packed: Any) -> None:
    carrier_settings.control({"faults": [{"status": 503, "path": "/buy"}]})
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    counters = carrier_settings.counters()
    assert counters["requests"]["POST /shipments/{id}/buy"] == 2
    assert counters["requests"]["POST /shipments"] == 1  # the stored EasyPost shipment is reused
    assert purchases(carrier_settings) == {shipment.easypost_id: 1}


def test_a_timeout_while_rating_is_retried(carrier_settings: Any, packed: Any) -> None:
    carrier_settings.control({"faults": [{"delay": 2.5, "times": 1}]})  # the client waits 1 s
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    assert shipment.attempts == 2
    assert purchases(carrier_settings) == {shipment.easypost_id: 1}


def test_a_buy_that_timed_out_after_buying_is_found_not_bought_again(
    carrier_settings: Any, packed: Any
) -> None:
    carrier_settings.control({"faults": [{"delay": 2.5, "after": True, "path": "/buy"}]})
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    counters = carrier_settings.counters()
    assert counters["buy_attempts"] == {shipment.easypost_id: 1}
    assert purchases(carrier_settings) == {shipment.easypost_id: 1}
    assert shipment.tracking_code
    assert shipment.label_pdf


def test_a_run_that_died_after_buying_is_recorded_not_bought_again(
    carrier_settings: Any, packed: Any
) -> None:
    # The first run stored the EasyPost shipment and bought, then its worker died.
    snap = rating._start(packed.shipment.pk)
    assert snap is not None and snap.parcel is not None
    rated = carrier.create_shipment(
        from_address=snap.from_address, to_address=snap.to_address, parcel=snap.parcel
    )
    easypost_id, rates, _ = rating._store_rates(packed.shipment.pk, rated)
    bought = carrier.buy(easypost_id, max(rates, key=lambda r: r.amount).id)

    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    assert shipment.tracking_code == bought.tracking_code
    assert shipment.service == bought.rate.service  # what was bought, not what the rule says
    assert carrier_settings.counters()["buy_attempts"] == {easypost_id: 1}
    assert shipment.label_pdf


def test_a_concurrent_purchase_answered_postage_exists_is_recorded(
    carrier_settings: Any, packed: Any, monkeypatch: Any
) -> None:
    real_buy = carrier.buy

    def bought_by_another_run_first(shipment_id: str, rate_id: str) -> Any:
        real_buy(shipment_id, rate_id)  # the other run
        return real_buy(shipment_id, rate_id)  # ours: 422 SHIPMENT.POSTAGE.EXISTS

    monkeypatch.setattr(carrier, "buy", bought_by_another_run_first)
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    assert carrier_settings.counters()["buy_attempts"] == {shipment.easypost_id: 2}
    assert purchases(carrier_settings) == {shipment.easypost_id: 1}
    assert shipment.tracking_code


def test_invalid_address_needs_attention_with_easyposts_message(
    carrier_settings: Any, manager: Any, east: Any, acme_outdoor: Any
) -> None:
    world = make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, street1=UNDELIVERABLE
    )
    assert run(world.shipment) == ShipmentStatus.NEEDS_ATTENTION
    shipment = fresh(world.shipment)
    assert shipment.attention_message.startswith(
        "Unable to verify address. (ADDRESS.VERIFY.FAILURE): address: Address not found"
    )
    assert "Street1 could not be matched" in shipment.attention_message
    assert shipment.attempts == 1  # a refusal is not retried
    assert shipment.easypost_id == ""
    assert carrier_settings.counters()["buy_attempts"] == {}
    assert event_types(shipment)[-1] == "shipment.needs_attention"


def test_a_carrier_rate_error_still_buys_from_the_others(
    carrier_settings: Any, packed: Any
) -> None:
    carrier_settings.control({"rate_errors": {"USPS": "USPS is unavailable in test."}})
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    assert (shipment.carrier, shipment.service) == ("FedEx", "FEDEX_GROUND")
    assert shipment.rate_messages == [
        {"carrier": "USPS", "message": "USPS is unavailable in test.", "type": "rate_error"}
    ]
    assert purchases(carrier_settings) == {shipment.easypost_id: 1}


def test_no_carrier_rating_needs_attention_with_each_carriers_message(
    carrier_settings: Any, packed: Any
) -> None:
    carrier_settings.control({"no_rates": True})
    assert run(packed.shipment) == ShipmentStatus.NEEDS_ATTENTION
    shipment = fresh(packed.shipment)
    # EasyPost's messages name their carrier already: the reason names each carrier once.
    assert shipment.attention_message == (
        "No carrier returned a rate: USPS: no services available for this shipment.; "
        "UPS: no services available for this shipment.; "
        "FedEx: no services available for this shipment."
    )
    assert purchases(carrier_settings) == {}


def test_retries_run_out_and_the_shipment_needs_attention(
    carrier_settings: Any, packed: Any, settings: Any
) -> None:
    settings.SHIPPING_RATE_MAX_RETRIES = 2
    carrier_settings.control({"faults": [{"status": 503, "times": 10}]})
    assert run(packed.shipment) == ShipmentStatus.NEEDS_ATTENTION
    shipment = fresh(packed.shipment)
    assert shipment.attempts == 3
    assert shipment.attention_message == (
        "EasyPost did not answer after 3 attempts: The service is temporarily unavailable."
    )
    assert purchases(carrier_settings) == {}


def test_backoff_doubles_and_is_capped(settings: Any) -> None:
    settings.SHIPPING_RATE_RETRY_SECONDS = 10
    settings.SHIPPING_RATE_RETRY_MAX_SECONDS = 60
    assert [rating.backoff_seconds(n) for n in range(5)] == [10, 20, 40, 60, 60]


@pytest.mark.parametrize(
    ("rule", "carriers", "deliver_by", "expected"),
    [
        ("cheapest", "", None, ("USPS", "GroundAdvantage")),
        ("arrives_by", "", TODAY + dt.timedelta(days=2), ("USPS", "Priority")),
        ("arrives_by", "", None, ("USPS", "GroundAdvantage")),
        ("preferred_carrier", "UPS, FedEx", None, ("UPS", "Ground")),
        ("cheapest", "", TODAY + dt.timedelta(days=3), ("FedEx", "FEDEX_GROUND")),
    ],
)
def test_the_clients_rule_chooses(
    carrier_settings: Any,
    manager: Any,
    east: Any,
    acme_outdoor: Any,
    rule: str,
    carriers: str,
    deliver_by: dt.date | None,
    expected: tuple[str, str],
) -> None:
    ShippingPolicy.objects.create(client=acme_outdoor, rate_rule=rule, preferred_carriers=carriers)
    world = make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, deliver_by=deliver_by
    )
    run(world.shipment)
    shipment = fresh(world.shipment)
    assert (shipment.carrier, shipment.service) == expected


def test_no_rate_keeps_the_promise_needs_attention(
    carrier_settings: Any, manager: Any, east: Any, acme_outdoor: Any
) -> None:
    world = make_packed_order(user=manager, warehouse=east, client=acme_outdoor, deliver_by=TODAY)
    assert run(world.shipment) == ShipmentStatus.NEEDS_ATTENTION
    shipment = fresh(world.shipment)
    assert shipment.attention_message.startswith(
        "No rate arrives by 2025-03-03, the order's promised date (6 rates asked)."
    )
    assert purchases(carrier_settings) == {}
