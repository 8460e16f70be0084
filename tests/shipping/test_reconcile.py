"""Shipments left between two states, settled by asking EasyPost (the beat sweep
shipping.reconcile_stuck and the manager's action, page and API): a label EasyPost sold but
nobody recorded is recorded and never bought again; no label means rating again; a void whose
answer was lost is settled as EasyPost has it. The sweep is safe beside a rating run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.utils import timezone

from inventory.models import Event
from shipping import carrier
from shipping.exceptions import CarrierRetryable, ShipmentRefused
from shipping.models import Shipment, ShipmentStatus
from shipping.services import dispatch, rating
from shipping.tasks import rate_shipment, reconcile_stuck
from tests.api.conftest import error_of
from tests.helpers import element
from tests.shipping import shipments_fixtures
from tests.shipping.shipments_fixtures import fresh

packed = shipments_fixtures.packed
packed_two = shipments_fixtures.packed_two


def bought_but_not_recorded(shipment: Shipment) -> carrier.PurchasedLabel:
    """What a run leaves when its worker dies while EasyPost answers the buy: the EasyPost
    shipment and its rates committed, the label sold at EasyPost, nothing recorded here."""
    snap = rating._start(shipment.pk)
    assert snap is not None and snap.parcel is not None
    rated = carrier.create_shipment(
        from_address=snap.from_address, to_address=snap.to_address, parcel=snap.parcel
    )
    easypost_id, rates, _ = rating._store_rates(shipment.pk, rated)
    return carrier.buy(easypost_id, min(rates, key=lambda r: r.amount).id)


def idle(shipment: Shipment, minutes: float = 11) -> None:
    """Ages the shipment's last activity past SHIPPING_STUCK_MINUTES (10)."""
    then = timezone.now() - dt.timedelta(minutes=minutes)
    Shipment.objects.filter(pk=shipment.pk).update(updated_at=then)


def label_events(shipment: Shipment) -> int:
    return Event.objects.filter(
        type="shipment.label_purchased", payload__shipment_id=shipment.pk
    ).count()


def test_the_sweep_records_a_label_easypost_sold_and_buys_nothing(
    carrier_settings: Any, packed: Any
) -> None:
    bought = bought_but_not_recorded(packed.shipment)
    assert fresh(packed.shipment).status == ShipmentStatus.RATED
    idle(packed.shipment)

    assert reconcile_stuck.apply().get() == {"shipments": 1, "manifests": 0}

    shipment = fresh(packed.shipment)
    assert shipment.status == ShipmentStatus.LABEL_PURCHASED
    assert shipment.tracking_code == bought.tracking_code
    assert shipment.label_pdf and bought.tracking_code in shipment.label_zpl
    counters = carrier_settings.counters()
    assert counters["buy_attempts"] == {shipment.easypost_id: 1}
    assert counters["purchases"] == {shipment.easypost_id: 1}
    assert label_events(shipment) == 1


def test_the_sweep_rates_again_a_shipment_easypost_has_no_label_for(
    carrier_settings: Any, packed: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The rating task's message was lost: the shipment never left rating.
    idle(packed.shipment)
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_stuck.apply().get()
    shipment = fresh(packed.shipment)
    assert shipment.status == ShipmentStatus.LABEL_PURCHASED
    assert carrier_settings.counters()["purchases"] == {shipment.easypost_id: 1}


def test_the_sweep_fetches_the_files_of_a_label_recorded_without_them(
    carrier_settings: Any, packed: Any
) -> None:
    label = bought_but_not_recorded(packed.shipment)
    rating._record_purchase_row(packed.shipment.pk, label)  # then the worker died
    idle(packed.shipment)
    before = carrier_settings.counters()["buy_attempts"]
    reconcile_stuck.apply().get()
    shipment = fresh(packed.shipment)
    assert shipment.label_pdf and shipment.label_zpl
    assert carrier_settings.counters()["buy_attempts"] == before


def test_the_sweep_leaves_busy_and_settled_shipments_alone(
    carrier_settings: Any, manager: Any, east: Any, acme_outdoor: Any
) -> None:
    world = shipments_fixtures.make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, cartons=4
    )
    _recent, retry_due, attention, bought = world.shipments
    retry_later = timezone.now() + dt.timedelta(minutes=5)
    Shipment.objects.filter(pk=retry_due.pk).update(
        updated_at=timezone.now() - dt.timedelta(hours=1), next_attempt_at=retry_later
    )
    Shipment.objects.filter(pk=attention.pk).update(status=ShipmentStatus.NEEDS_ATTENTION)
    rate_shipment.apply(args=[bought.pk]).get()
    for shipment in (attention, bought):
        idle(shipment, minutes=60)
    requests_before = carrier_settings.counters()["requests"]

    assert reconcile_stuck.apply().get() == {"shipments": 0, "manifests": 0}
    assert carrier_settings.counters()["requests"] == requests_before
    assert [fresh(s).status for s in world.shipments] == [
        ShipmentStatus.RATING,
        ShipmentStatus.RATING,
        ShipmentStatus.NEEDS_ATTENTION,
        ShipmentStatus.LABEL_PURCHASED,
    ]


def test_a_retry_scheduled_by_the_task_keeps_the_sweep_away_until_due(
    carrier_settings: Any, packed: Any
) -> None:
    carrier_settings.control({"faults": [{"status": 503}]})
    with pytest.raises(Retry):
        rate_shipment.apply(args=[packed.shipment.pk]).get()
    shipment = fresh(packed.shipment)
    assert shipment.next_attempt_at is not None
    assert shipment.next_attempt_at > timezone.now() + dt.timedelta(seconds=5)
    assert list(rating.stuck_shipments()) == []
    later = timezone.now() + dt.timedelta(minutes=11)
    assert list(rating.stuck_shipments(later)) == [shipment]


def test_a_run_past_its_soft_time_limit_is_retried(
    carrier_settings: Any, packed: Any, monkeypatch: Any
) -> None:
    def too_slow(**kwargs: Any) -> Any:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(carrier, "create_shipment", too_slow)
    with pytest.raises(Retry):
        rate_shipment.apply(args=[packed.shipment.pk]).get()
    shipment = fresh(packed.shipment)
    assert shipment.status == ShipmentStatus.RATING
    assert shipment.next_attempt_at is not None


# --- Beside a running rating task ------------------------------------------------------------


def test_a_sweep_while_easypost_answers_the_buy_records_it_once(
    carrier_settings: Any, packed: Any, monkeypatch: Any
) -> None:
    real_buy = carrier.buy

    def buy_while_the_sweep_runs(shipment_id: str, rate_id: str) -> Any:
        label = real_buy(shipment_id, rate_id)  # EasyPost sold it; the answer is on its way
        assert rating.reconcile_shipment(shipment_id=packed.shipment.pk).outcome == "recorded"
        return label

    monkeypatch.setattr(carrier, "buy", buy_while_the_sweep_runs)
    assert rate_shipment.apply(args=[packed.shipment.pk]).get() == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    counters = carrier_settings.counters()
    assert counters["buy_attempts"] == {shipment.easypost_id: 1}
    assert counters["purchases"] == {shipment.easypost_id: 1}
    assert label_events(shipment) == 1


def test_a_sweep_just_before_the_buy_rates_again_and_still_buys_once(
    carrier_settings: Any, packed: Any, monkeypatch: Any
) -> None:
    real_buy = carrier.buy
    sweeps: list[str] = []

    def sweep_then_buy(shipment_id: str, rate_id: str) -> Any:
        if not sweeps:
            # The sweep finds no label yet and sends the rating task; a second worker runs it
            # at once and buys before this run's buy reaches EasyPost.
            sweeps.append(rating.reconcile_shipment(shipment_id=packed.shipment.pk).outcome)
            monkeypatch.setattr(carrier, "buy", real_buy)
            rate_shipment.apply(args=[packed.shipment.pk]).get()
        return real_buy(shipment_id, rate_id)  # EasyPost: SHIPMENT.POSTAGE.EXISTS

    monkeypatch.setattr(carrier, "buy", sweep_then_buy)
    assert rate_shipment.apply(args=[packed.shipment.pk]).get() == ShipmentStatus.LABEL_PURCHASED
    assert sweeps == ["rating"]
    shipment = fresh(packed.shipment)
    counters = carrier_settings.counters()
    assert counters["purchases"] == {shipment.easypost_id: 1}
    assert counters["buy_attempts"] == {shipment.easypost_id: 2}  # the second one refused
    assert counters["requests"]["POST /shipments"] == 1  # one EasyPost shipment, reused
    assert label_events(shipment) == 1


# --- Voids whose answer was lost -------------------------------------------------------------


@pytest.fixture
def bought(carrier_settings: Any, packed_two: Any) -> Any:
    for shipment in packed_two.shipments:
        rate_shipment.apply(args=[shipment.pk]).get()
    return packed_two


def test_a_void_easypost_made_without_answering_is_recorded(
    carrier_settings: Any, bought: Any, manager: Any, operator: Any
) -> None:
    shipment = bought.shipments[0]
    carrier_settings.control({"faults": [{"delay": 2.5, "after": True, "path": "/refund"}]})
    with pytest.raises(CarrierRetryable):
        rating.void_label(shipment=shipment, user=manager)
    # EasyPost refunded; until that is known here the carton is not loaded.
    assert fresh(shipment).refund_status == rating.REFUND_REQUESTING
    with pytest.raises(ShipmentRefused, match="being voided"):
        dispatch.ship_carton(user=operator, code=bought.cartons[0].lpn.code, ship_dock=bought.dock)

    result = rating.reconcile_shipment(shipment_id=shipment.pk, user=manager)
    assert (result.outcome, result.status) == ("voided", ShipmentStatus.VOIDED)
    assert fresh(shipment).refund_status == "submitted"
    assert carrier_settings.counters()["refunds"] == {fresh(shipment).easypost_id: 1}


def test_a_void_that_never_reached_easypost_is_cleared(
    carrier_settings: Any, bought: Any, manager: Any, operator: Any
) -> None:
    shipment = bought.shipments[0]
    carrier_settings.control({"faults": [{"status": 503, "path": "/refund"}]})
    with pytest.raises(CarrierRetryable):
        rating.void_label(shipment=shipment, user=manager)
    result = rating.reconcile_shipment(shipment_id=shipment.pk, user=manager)
    assert result.outcome == "void_cleared"
    assert (fresh(shipment).status, fresh(shipment).refund_status) == (
        ShipmentStatus.LABEL_PURCHASED,
        "",
    )
    assert carrier_settings.counters()["refunds"] == {}
    assert dispatch.ship_carton(
        user=operator, code=bought.cartons[0].lpn.code, ship_dock=bought.dock
    ).shipment


# --- The manager's action --------------------------------------------------------------------


def test_the_shipment_page_offers_reconcile_and_shows_the_result(
    http_for: Any, manager: Any, carrier_settings: Any, packed: Any
) -> None:
    bought_label = bought_but_not_recorded(packed.shipment)
    http = http_for(manager)
    page = http.get(f"/shipping/shipments/{packed.shipment.pk}/").content.decode()
    assert element(page, "#reconcile") is not None
    response = http.post(f"/shipping/shipments/{packed.shipment.pk}/reconcile/", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"tracking {bought_label.tracking_code}): it is recorded, nothing was bought" in text
    assert element(text, "#reconcile") is None
    assert fresh(packed.shipment).status == ShipmentStatus.LABEL_PURCHASED


def test_reconcile_of_a_settled_shipment_is_refused_on_the_page(
    http_for: Any, manager: Any, bought: Any, carrier_settings: Any
) -> None:
    shipment = bought.shipments[0]
    events = Event.objects.count()
    requests = carrier_settings.counters()["requests"]
    response = http_for(manager).post(f"/shipping/shipments/{shipment.pk}/reconcile/", follow=True)
    assert "waits for nothing from EasyPost" in response.content.decode()
    assert Event.objects.count() == events
    assert carrier_settings.counters()["requests"] == requests


def test_the_api_reconciles_once_per_idempotency_key(
    manager_api: Any, carrier_settings: Any, packed: Any
) -> None:
    bought_but_not_recorded(packed.shipment)
    url = f"/shipments/{packed.shipment.pk}/reconcile"
    first = manager_api.post(url, {}, **{"Idempotency-Key": "rec-1"})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["outcome"] == "recorded"
    assert body["shipment"]["status"] == "label_purchased"
    assert body["shipment"]["label_formats"] == ["pdf", "zpl"]
    requests = carrier_settings.counters()["requests"]
    repeat = manager_api.post(url, {}, **{"Idempotency-Key": "rec-1"})
    assert repeat.json() == body
    assert carrier_settings.counters()["requests"] == requests
    settled = manager_api.post(url, {}, **{"Idempotency-Key": "rec-2"})
    assert settled.status_code == 409
    assert error_of(settled)["code"] == "shipment_refused"


@pytest.mark.parametrize("persona", ["operator_api", "client_api"])
def test_others_may_not_reconcile_and_nothing_is_asked(
    request: pytest.FixtureRequest, carrier_settings: Any, packed: Any, persona: str
) -> None:
    response = request.getfixturevalue(persona).post(
        f"/shipments/{packed.shipment.pk}/reconcile", {}
    )
    assert response.status_code == 403
    assert carrier_settings.counters()["requests"] == {}
    assert fresh(packed.shipment).status == ShipmentStatus.RATING
