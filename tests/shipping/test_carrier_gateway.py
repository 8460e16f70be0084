"""The carrier gateway (shipping.carrier) through the real easypost client against the fake over
HTTP: what comes back as plain dataclasses, and every failure as CarrierRetryable or
CarrierRejected with EasyPost's own words. No database."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from devtools.easypost_fake import FakeEasyPost
from shipping import carrier
from shipping.carrier import Address, Fee, Parcel, PurchasedLabel, RatedShipment
from shipping.exceptions import CarrierRejected, CarrierRetryable
from shipping.rates import Rate, RateMessage, RateRule, choose_rate
from tests.shipping.conftest import FROM, TO, TODAY

REPO_DIR = Path(__file__).resolve().parents[2]
WAREHOUSE = Address(**FROM)
CUSTOMER = Address(**TO)
PARCEL = Parcel(Decimal("12"), Decimal("8"), Decimal("6"), Decimal("40"))


def rated() -> RatedShipment:
    return carrier.create_shipment(
        from_address=WAREHOUSE, to_address=CUSTOMER, parcel=PARCEL, reference="ORD-7"
    )


def rate_of(shipment: RatedShipment, service: str) -> Rate:
    return next(rate for rate in shipment.rates if rate.service == service)


def test_rates_come_back_as_decimals_with_dates(carrier_settings: FakeEasyPost) -> None:
    shipment = rated()
    assert shipment.shipment_id.startswith("shp_")
    assert shipment.messages == ()
    assert shipment.rates[0] == Rate(
        id=shipment.rates[0].id,
        carrier="USPS",
        service="GroundAdvantage",
        amount=Decimal("7.10"),
        currency="USD",
        delivery_days=5,
        delivery_date=dt.date(2025, 3, 8),
        carrier_account_id="ca_fake_usps",
    )
    assert [(r.service, r.amount) for r in shipment.rates] == [
        ("GroundAdvantage", Decimal("7.10")),
        ("Priority", Decimal("10.90")),
        ("Ground", Decimal("10.55")),
        ("NextDayAir", Decimal("36.00")),
        ("FEDEX_GROUND", Decimal("10.45")),
        ("FEDEX_2_DAY", Decimal("23.00")),
    ]
    chosen = choose_rate(shipment.rates, RateRule.ARRIVES_BY, dt.date(2025, 3, 5), today=TODAY)
    assert chosen == rate_of(shipment, "Priority")


def test_carrier_that_fails_to_rate_is_a_message_on_a_partial_result(
    carrier_settings: FakeEasyPost,
) -> None:
    carrier_settings.control({"rate_errors": {"UPS": "UPS: invalid shipper number."}})
    shipment = carrier.create_shipment(
        from_address=WAREHOUSE,
        to_address=CUSTOMER,
        parcel=PARCEL,
        carrier_accounts=["ca_fake_ups", "ca_fake_usps"],
    )
    assert [r.carrier for r in shipment.rates] == ["USPS", "USPS"]
    assert shipment.messages == (
        RateMessage(
            carrier="UPS",
            message="UPS: invalid shipper number.",
            type="rate_error",
            carrier_account_id="ca_fake_ups",
        ),
    )


def test_no_rates_is_an_empty_result_not_an_error(carrier_settings: FakeEasyPost) -> None:
    carrier_settings.control({"no_rates": True})
    shipment = rated()
    assert shipment.rates == ()
    assert len(shipment.messages) == 3
    assert choose_rate(shipment.rates, RateRule.CHEAPEST) is None


def test_buy_returns_the_label_and_its_pdf_downloads(carrier_settings: FakeEasyPost) -> None:
    shipment = rated()
    rate = rate_of(shipment, "FEDEX_GROUND")

    label = carrier.buy(shipment.shipment_id, rate.id)

    assert label == PurchasedLabel(
        shipment_id=shipment.shipment_id,
        tracking_code=label.tracking_code,
        rate=rate,
        label_url=label.label_pdf_url,
        label_pdf_url=label.label_pdf_url,
        label_zpl_url="",
        fees=(Fee("LabelFee", Decimal("0")), Fee("PostageFee", Decimal("10.45"))),
        refund_status="",
    )
    assert len(label.tracking_code) == 12
    pdf = carrier.fetch_document(label.url_for("PDF"))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"TRACKING # {label.tracking_code}" in text
    assert carrier.get_label(shipment.shipment_id) == label


def test_get_label_of_an_unbought_shipment_is_none(carrier_settings: FakeEasyPost) -> None:
    shipment = rated()
    assert carrier.get_label(shipment.shipment_id) is None
    assert carrier.get_rates(shipment.shipment_id) == shipment


def test_second_buy_is_rejected_with_easyposts_message(carrier_settings: FakeEasyPost) -> None:
    shipment = rated()
    carrier.buy(shipment.shipment_id, shipment.rates[0].id)

    with pytest.raises(CarrierRejected) as refused:
        carrier.buy(shipment.shipment_id, shipment.rates[1].id)

    assert refused.value.message == "Postage already exists for this shipment."
    assert refused.value.carrier_code == "SHIPMENT.POSTAGE.EXISTS"
    assert refused.value.http_status == 422
    assert (refused.value.code, refused.value.status) == ("carrier_rejected", 422)
    assert not refused.value.is_address_failure
    assert carrier_settings.counters()["purchases"] == {shipment.shipment_id: 1}


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_rate_limits_and_server_errors_are_retryable(
    carrier_settings: FakeEasyPost, status: int
) -> None:
    shipment = rated()
    carrier_settings.control({"faults": [{"status": status, "path": "/buy"}]})

    with pytest.raises(CarrierRetryable) as failed:
        carrier.buy(shipment.shipment_id, shipment.rates[0].id)

    assert failed.value.http_status == status
    assert (failed.value.code, failed.value.status) == ("carrier_unavailable", 503)
    assert carrier_settings.counters()["purchases"] == {}
    assert carrier.buy(shipment.shipment_id, shipment.rates[0].id).tracking_code


def test_timeout_is_retryable_and_get_label_finds_a_buy_that_went_through(
    carrier_settings: FakeEasyPost,
) -> None:
    shipment = rated()
    carrier_settings.control({"faults": [{"delay": 2.5, "after": True, "path": "/buy"}]})

    with pytest.raises(CarrierRetryable) as timed_out:
        carrier.buy(shipment.shipment_id, shipment.rates[0].id)

    assert timed_out.value.message == "Request timed out."
    found = carrier.get_label(shipment.shipment_id)
    assert found is not None
    assert found.rate.id == shipment.rates[0].id
    assert carrier_settings.counters()["purchases"] == {shipment.shipment_id: 1}


def test_dropped_connection_is_retryable(carrier_settings: FakeEasyPost) -> None:
    carrier_settings.control({"faults": [{"disconnect": True}]})
    with pytest.raises(CarrierRetryable) as dropped:
        rated()
    assert dropped.value.http_status is None
    assert carrier_settings.counters()["shipments"] == 0


def test_nothing_listening_is_retryable(settings: object, easypost_fake: FakeEasyPost) -> None:
    from devtools.devstack import free_port

    settings.EASYPOST_API_KEY = "EZTK_x"  # type: ignore[attr-defined]
    settings.EASYPOST_API_BASE = f"http://127.0.0.1:{free_port(47400)}/v2"  # type: ignore[attr-defined]
    with pytest.raises(CarrierRetryable):
        rated()


def test_address_failure_is_rejected_with_the_carriers_reasons(
    carrier_settings: FakeEasyPost,
) -> None:
    with pytest.raises(CarrierRejected) as refused:
        carrier.create_shipment(
            from_address=WAREHOUSE,
            to_address=Address(**{**TO, "street1": "9 Undeliverable Rd"}),
            parcel=PARCEL,
        )
    assert refused.value.is_address_failure
    assert refused.value.message == "Unable to verify address."
    assert refused.value.carrier_code == "ADDRESS.VERIFY.FAILURE"
    assert refused.value.errors == [
        "address: Address not found",
        "Street1 could not be matched to a deliverable address.",
    ]
    assert refused.value.field_errors == {"to_address": refused.value.errors}


def test_wrong_or_missing_key_is_rejected(carrier_settings: FakeEasyPost, settings: object) -> None:
    settings.EASYPOST_API_KEY = "EZTK_wrong"  # type: ignore[attr-defined]
    with pytest.raises(CarrierRejected) as wrong:
        rated()
    assert (wrong.value.http_status, wrong.value.carrier_code) == (401, "APIKEY.REQUIRED")
    settings.EASYPOST_API_KEY = ""  # type: ignore[attr-defined]
    with pytest.raises(CarrierRejected) as missing:
        rated()
    assert missing.value.carrier_code == "CONFIGURATION.MISSING_KEY"
    assert carrier_settings.counters()["requests"] == {}  # a 401 is not counted


def test_zpl_label_on_request(carrier_settings: FakeEasyPost) -> None:
    shipment = rated()
    bought = carrier.buy(shipment.shipment_id, shipment.rates[0].id)

    converted = carrier.label(shipment.shipment_id, "ZPL")

    assert converted.label_pdf_url == bought.label_pdf_url
    zpl = carrier.fetch_document(converted.url_for("ZPL")).decode()
    assert f"^FD{bought.tracking_code}^FS" in zpl


def test_refund_and_scan_form(carrier_settings: FakeEasyPost) -> None:
    first, second = rated(), rated()
    labels = [carrier.buy(s.shipment_id, s.rates[0].id) for s in (first, second)]

    form = carrier.create_scan_form([first.shipment_id, second.shipment_id])

    assert form.id.startswith("sf_")
    assert form.tracking_codes == tuple(label.tracking_code for label in labels)
    text = PdfReader(io.BytesIO(carrier.fetch_document(form.form_url))).pages[0].extract_text()
    assert labels[1].tracking_code in text
    assert carrier.refund(first.shipment_id) == "submitted"
    with pytest.raises(CarrierRejected) as again:
        carrier.refund(first.shipment_id)
    assert again.value.carrier_code == "SHIPMENT.REFUND.EXISTS"


def test_documents_come_only_from_the_api_host_or_easypost_hosts(
    carrier_settings: FakeEasyPost,
) -> None:
    base = carrier_settings.url
    allowed = [
        f"{base}/files/labels/x.pdf",
        "https://easypost-files.s3-us-west-2.amazonaws.com/files/postage_label/x.png",
        "https://easypost-files.s3.us-west-2.amazonaws.com/files/scan_form/x.pdf",
        "https://api.easypost.com/v2/files/x.pdf",
    ]
    refused = [
        "http://easypost-files.s3-us-west-2.amazonaws.com/x.png",  # not https
        "https://evil.example/label.pdf",
        "https://easypost.com.evil.example/label.pdf",
        "https://someone-files.s3.amazonaws.com/x.pdf",
        "https://user@api.easypost.com/x.pdf",
        f"http://127.0.0.2:{carrier_settings.port}/files/labels/x.pdf",
        f"http://127.0.0.1:{carrier_settings.port + 1}/files/labels/x.pdf",
        "file:///etc/passwd",
    ]
    assert [carrier.document_host_allowed(url) for url in allowed] == [True] * len(allowed)
    assert [carrier.document_host_allowed(url) for url in refused] == [False] * len(refused)
    with pytest.raises(CarrierRejected) as blocked:
        carrier.fetch_document("https://evil.example/label.pdf")
    assert blocked.value.carrier_code == "DOCUMENT.HOST_REFUSED"
    with pytest.raises(CarrierRejected) as missing:
        carrier.fetch_document(f"{base}/files/labels/none.pdf")
    assert missing.value.http_status == 404


def test_metric_carton_becomes_a_parcel_rounded_up() -> None:
    # 300 mm = 11.81 in, 200 mm = 7.87 in, 150 mm = 5.906 in; 1200 g = 42.33 oz.
    assert Parcel.from_metric(300, 200, 150, 1200) == Parcel(
        Decimal("11.9"), Decimal("7.9"), Decimal("6.0"), Decimal("42.4")
    )
    assert Parcel.from_metric(254, 127, 25, 2835).as_params() == {
        "length": 10.0,
        "width": 5.0,
        "height": 1.0,
        "weight": 100.1,
    }


def test_default_api_base_is_easyposts_own() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYPOST_")}
    code = "from wms.settings import base; print(base.EASYPOST_API_BASE, base.EASYPOST_TIMEOUT)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO_DIR, capture_output=True, text=True
    )
    assert result.stdout.strip() == "https://api.easypost.com/v2 20"
