"""The fake EasyPost server against the real `easypost` client over HTTP: shapes, the buy-once
rule, documents it serves, the control API, and every error class the client maps a status to.
No database."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import easypost
import pytest
import requests
from easypost import errors
from pypdf import PdfReader

from devtools.easypost_fake import FakeEasyPost
from tests.shipping.conftest import API_KEY, FROM, PARCEL, TO

REPO_DIR = Path(__file__).resolve().parents[2]


def client_for(fake: FakeEasyPost, key: str = API_KEY) -> easypost.EasyPostClient:
    return easypost.EasyPostClient(key, api_base=fake.api_base, timeout=1)


def new_shipment(client: easypost.EasyPostClient, **changes: Any) -> Any:
    params = {"from_address": FROM, "to_address": TO, "parcel": PARCEL, "reference": "ORD-1"}
    return client.shipment.create(**{**params, **changes})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_shipment_comes_back_with_rates_from_three_carriers(easypost_fake: FakeEasyPost) -> None:
    shipment = new_shipment(client_for(easypost_fake))

    assert shipment.id.startswith("shp_")
    assert shipment.reference == "ORD-1"
    assert shipment.messages == []
    assert shipment.postage_label is None
    assert shipment.tracking_code is None
    assert shipment.selected_rate is None
    assert shipment.to_address.id.startswith("adr_")
    assert shipment.to_address.street1 == "12 Analytical Way"
    rates = [
        (r.carrier, r.service, r.rate, r.currency, r.delivery_days, r.delivery_date)
        for r in shipment.rates
    ]
    assert rates == [
        ("USPS", "GroundAdvantage", "7.10", "USD", 5, "2025-03-08T23:59:00Z"),
        ("USPS", "Priority", "10.90", "USD", 2, "2025-03-05T23:59:00Z"),
        ("UPS", "Ground", "10.55", "USD", 4, "2025-03-07T23:59:00Z"),
        ("UPS", "NextDayAir", "36.00", "USD", 1, "2025-03-04T23:59:00Z"),
        ("FedEx", "FEDEX_GROUND", "10.45", "USD", 3, "2025-03-06T23:59:00Z"),
        ("FedEx", "FEDEX_2_DAY", "23.00", "USD", 2, "2025-03-05T23:59:00Z"),
    ]
    first = shipment.rates[0]
    assert first.id.startswith("rate_")
    assert (first.shipment_id, first.carrier_account_id) == (shipment.id, "ca_fake_usps")
    assert (first.retail_rate, first.list_rate) == ("8.38", "8.38")
    assert shipment.lowest_rate().service == "GroundAdvantage"
    assert client_for(easypost_fake).shipment.retrieve(shipment.id).to_dict() == shipment.to_dict()


def test_carrier_accounts_limit_the_rates_to_those_carriers(easypost_fake: FakeEasyPost) -> None:
    shipment = new_shipment(client_for(easypost_fake), carrier_accounts=["ca_fake_ups"])
    assert [(r.carrier, r.service) for r in shipment.rates] == [
        ("UPS", "Ground"),
        ("UPS", "NextDayAir"),
    ]


def test_buy_returns_label_tracking_and_fees_and_serves_the_files(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    rate = shipment.rates[2]  # UPS Ground

    bought = client.shipment.buy(shipment.id, rate=rate)

    assert bought.tracking_code.startswith("1ZFAKE")
    assert bought.selected_rate.id == rate.id
    assert bought.status == "pre_transit"
    label = bought.postage_label
    assert label.id.startswith("pl_")
    assert (label.label_size, label.label_resolution, label.label_file_type) == (
        "4x6",
        300,
        "application/pdf",
    )
    assert label.label_url == label.label_pdf_url
    assert label.label_pdf_url.startswith(easypost_fake.url + "/files/")
    assert label.label_zpl_url is None
    assert [(f.type, f.amount) for f in bought.fees] == [
        ("LabelFee", "0.00000"),
        ("PostageFee", "10.55000"),
    ]
    pdf = requests.get(label.label_pdf_url, timeout=5)
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f"TRACKING # {bought.tracking_code}" in pdf_text(pdf.content)
    assert easypost_fake.counters()["purchases"] == {shipment.id: 1}


def test_second_buy_is_refused_as_already_purchased_and_buys_nothing(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    first = client.shipment.buy(shipment.id, rate=shipment.rates[0])

    with pytest.raises(errors.InvalidRequestError) as refused:
        client.shipment.buy(shipment.id, rate=shipment.rates[1])

    assert refused.value.http_status == 422
    assert refused.value.code == "SHIPMENT.POSTAGE.EXISTS"
    assert refused.value.message == "Postage already exists for this shipment."
    counters = easypost_fake.counters()
    assert counters["buy_attempts"] == {shipment.id: 2}
    assert counters["purchases"] == {shipment.id: 1}
    again = client.shipment.retrieve(shipment.id)
    assert (again.tracking_code, again.selected_rate.id) == (
        first.tracking_code,
        shipment.rates[0].id,
    )


def test_buy_of_a_rate_from_elsewhere_or_an_unknown_shipment_is_refused(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    with pytest.raises(errors.InvalidRequestError) as wrong_rate:
        client.shipment.buy(shipment.id, rate={"id": "rate_nope"})
    assert wrong_rate.value.code == "SHIPMENT.RATE.INVALID"
    with pytest.raises(errors.NotFoundError) as missing:
        client.shipment.buy("shp_nope", rate={"id": "rate_nope"})
    assert missing.value.http_status == 404
    assert easypost_fake.counters()["purchases"] == {}


def test_label_converts_to_zpl_that_carries_the_tracking_code(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    bought = client.shipment.buy(shipment.id, rate=shipment.rates[0])

    converted = client.shipment.label(shipment.id, file_format="ZPL")

    zpl_url = converted.postage_label.label_zpl_url
    assert zpl_url.startswith(easypost_fake.url + "/files/")
    assert converted.postage_label.label_pdf_url == bought.postage_label.label_pdf_url
    zpl = requests.get(zpl_url, timeout=5).text
    assert zpl.startswith("^XA")
    assert zpl.rstrip().endswith("^XZ")
    assert f"^BCN,200,Y,N,N^FD{bought.tracking_code}^FS" in zpl


def test_label_before_buying_is_refused(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    with pytest.raises(errors.InvalidRequestError) as refused:
        client.shipment.label(shipment.id, file_format="ZPL")
    assert refused.value.code == "SHIPMENT.POSTAGE.REQUIRED"


def test_zpl_label_format_at_creation_makes_the_zpl_the_label(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client, options={"label_format": "ZPL"})
    bought = client.shipment.buy(shipment.id, rate=shipment.rates[0])
    label = bought.postage_label
    assert (label.label_file_type, label.label_url, label.label_pdf_url) == (
        "application/zpl",
        label.label_zpl_url,
        None,
    )


def test_refund_is_submitted_once(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    client.shipment.buy(shipment.id, rate=shipment.rates[0])

    assert client.shipment.refund(shipment.id).refund_status == "submitted"
    with pytest.raises(errors.InvalidRequestError) as again:
        client.shipment.refund(shipment.id)
    assert again.value.code == "SHIPMENT.REFUND.EXISTS"
    assert easypost_fake.counters()["refunds"] == {shipment.id: 1}


def test_scan_form_lists_the_bought_shipments_and_serves_its_pdf(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    bought = []
    for _ in range(2):
        shipment = new_shipment(client)
        bought.append(client.shipment.buy(shipment.id, rate=shipment.rates[0]))

    form = client.scan_form.create(shipments=bought)

    assert form.id.startswith("sf_")
    assert form.status == "created"
    assert form.tracking_codes == [b.tracking_code for b in bought]
    text = pdf_text(requests.get(form.form_url, timeout=5).content)
    assert f"SCAN FORM {form.id}" in text
    assert all(b.tracking_code in text for b in bought)
    assert client.shipment.retrieve(bought[0].id).scan_form.id == form.id
    with pytest.raises(errors.InvalidRequestError) as twice:
        client.scan_form.create(shipments=[{"id": bought[0].id}])
    assert twice.value.errors == [f"Shipment {bought[0].id} is already on a scan form."]


def test_a_scan_form_can_be_creating_first_as_easypost_documents(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    bought = client.shipment.buy(shipment.id, rate=shipment.rates[0])
    easypost_fake.control({"scan_form_creating": 2})

    form = client.scan_form.create(shipments=[bought])
    assert (form.status, form.form_url) == ("creating", None)
    assert client.scan_form.retrieve(form.id).status == "creating"
    assert client.shipment.retrieve(bought.id).scan_form.id == form.id
    ready = client.scan_form.retrieve(form.id)
    assert ready.status == "created"
    assert f"SCAN FORM {form.id}" in pdf_text(requests.get(ready.form_url, timeout=5).content)
    assert easypost_fake.counters()["requests"]["GET /scan_forms/{id}"] == 2


def test_a_scan_form_can_fail_and_free_its_shipments(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    bought = client.shipment.buy(shipment.id, rate=shipment.rates[0])
    easypost_fake.control({"scan_form_creating": 1, "scan_form_failure": "USPS is down."})

    form = client.scan_form.create(shipments=[bought])
    failed = client.scan_form.retrieve(form.id)
    assert (failed.status, failed.message, failed.form_url) == ("failed", "USPS is down.", None)
    assert client.shipment.retrieve(bought.id).scan_form is None
    with pytest.raises(errors.NotFoundError):
        client.scan_form.retrieve("sf_000000000000fake")


def test_scan_form_refuses_unbought_shipments(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    with pytest.raises(errors.InvalidRequestError) as refused:
        client.scan_form.create(shipments=[shipment])
    assert refused.value.code == "SCAN_FORM.VALIDATION.ERROR"
    assert refused.value.errors == [f"Shipment {shipment.id} has no postage."]
    assert easypost_fake.counters()["scan_forms"] == 0


def test_trackers_are_created_and_retrieved(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    bought = client.shipment.buy(shipment.id, rate=shipment.rates[0])

    tracker = client.tracker.create(tracking_code=bought.tracking_code, carrier="USPS")
    delivered = client.tracker.create(tracking_code="EZ4000000004", carrier="USPS")

    assert tracker.id.startswith("trk_")
    assert (tracker.status, tracker.shipment_id) == ("pre_transit", shipment.id)
    assert delivered.status == "delivered"
    assert client.tracker.retrieve(tracker.id).tracking_code == bought.tracking_code


def test_undeliverable_street_fails_address_verification_with_the_documented_body(
    easypost_fake: FakeEasyPost,
) -> None:
    client = client_for(easypost_fake)
    with pytest.raises(errors.InvalidRequestError) as refused:
        new_shipment(client, to_address={**TO, "street1": "1 Undeliverable St"})

    assert refused.value.http_status == 422
    assert refused.value.code == "ADDRESS.VERIFY.FAILURE"
    assert refused.value.message == "Unable to verify address."
    assert refused.value.json_body == {
        "error": {
            "code": "ADDRESS.VERIFY.FAILURE",
            "message": "Unable to verify address.",
            "errors": [
                {
                    "code": "E.ADDRESS.NOT_FOUND",
                    "field": "address",
                    "message": "Address not found",
                    "suggestion": None,
                },
                "Street1 could not be matched to a deliverable address.",
            ],
        }
    }
    assert easypost_fake.counters()["shipments"] == 0


def test_invalid_address_flag_fails_any_address(easypost_fake: FakeEasyPost) -> None:
    easypost_fake.control({"invalid_address": True})
    with pytest.raises(errors.InvalidRequestError) as refused:
        new_shipment(client_for(easypost_fake))
    assert refused.value.code == "ADDRESS.VERIFY.FAILURE"


def test_missing_parcel_is_a_parameter_error(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    with pytest.raises(errors.InvalidRequestError) as refused:
        client.shipment.create(from_address=FROM, to_address=TO)
    assert refused.value.code == "PARAMETER.REQUIRED"
    assert refused.value.errors == [{"field": "shipment.parcel", "message": "cannot be blank"}]


def test_rate_error_for_one_carrier_comes_back_as_a_message_not_an_error(
    easypost_fake: FakeEasyPost,
) -> None:
    easypost_fake.control({"rate_errors": {"FedEx": "FedEx: account suspended."}})
    shipment = new_shipment(client_for(easypost_fake))
    assert {r.carrier for r in shipment.rates} == {"USPS", "UPS"}
    assert [m.to_dict() for m in shipment.messages] == [
        {
            "carrier": "FedEx",
            "carrier_account_id": "ca_fake_fedex",
            "type": "rate_error",
            "message": "FedEx: account suspended.",
        }
    ]


def test_no_rates_at_all(easypost_fake: FakeEasyPost) -> None:
    easypost_fake.control({"no_rates": True})
    shipment = new_shipment(client_for(easypost_fake))
    assert shipment.rates == []
    assert [m.carrier for m in shipment.messages] == ["USPS", "UPS", "FedEx"]
    with pytest.raises(errors.FilteringError):
        shipment.lowest_rate()


def test_without_a_bearer_key_everything_is_401(easypost_fake: FakeEasyPost) -> None:
    bare = requests.post(f"{easypost_fake.api_base}/shipments", json={}, timeout=5)
    assert bare.status_code == 401
    assert bare.json()["error"]["code"] == "APIKEY.REQUIRED"
    with pytest.raises(errors.UnauthorizedError) as wrong_key:
        new_shipment(client_for(easypost_fake, key="EZTK_someone_else"))
    assert wrong_key.value.http_status == 401
    assert easypost_fake.counters()["shipments"] == 0


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (429, errors.RateLimitError),
        (500, errors.InternalServerError),
        (503, errors.ServiceUnavailableError),
        (504, errors.GatewayTimeoutError),
    ],
)
def test_queued_status_faults_map_to_the_client_error_classes(
    easypost_fake: FakeEasyPost, status: int, error_class: type[Exception]
) -> None:
    client = client_for(easypost_fake)
    easypost_fake.control({"faults": [{"status": status, "times": 2}]})

    for _ in range(2):
        with pytest.raises(error_class) as failed:
            new_shipment(client)
        assert failed.value.http_status == status  # type: ignore[attr-defined]

    assert new_shipment(client).id.startswith("shp_")
    counters = easypost_fake.counters()
    assert (counters["shipments"], counters["faults_queued"]) == (1, 0)
    assert counters["requests"] == {"POST /shipments": 3}


def test_fault_limited_to_a_path_leaves_other_requests_alone(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    easypost_fake.control({"faults": [{"status": 503, "path": "/buy"}]})
    shipment = new_shipment(client)
    with pytest.raises(errors.ServiceUnavailableError):
        client.shipment.buy(shipment.id, rate=shipment.rates[0])
    assert client.shipment.buy(shipment.id, rate=shipment.rates[0]).tracking_code
    assert easypost_fake.counters()["buy_attempts"] == {shipment.id: 1}


def test_delay_longer_than_the_timeout_is_the_client_timeout_error(
    easypost_fake: FakeEasyPost,
) -> None:
    easypost_fake.control({"faults": [{"delay": 2.5}]})
    started = time.monotonic()
    with pytest.raises(errors.TimeoutError) as timed_out:
        new_shipment(client_for(easypost_fake))
    assert timed_out.value.message == "Request timed out."
    assert 0.9 < time.monotonic() - started < 2.0


def test_client_repeats_a_timed_out_get_by_itself_but_never_a_post(
    easypost_fake: FakeEasyPost,
) -> None:
    # EasyPostClient mounts HTTPAdapter(max_retries=3): urllib3 retries idempotent methods.
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    easypost_fake.control({"faults": [{"delay": 2.5, "path": "/shipments/shp_"}]})
    assert client.shipment.retrieve(shipment.id).id == shipment.id
    assert easypost_fake.counters()["requests"]["GET /shipments/{id}"] == 2


def test_dropped_connection_is_the_client_http_error(easypost_fake: FakeEasyPost) -> None:
    easypost_fake.control({"faults": [{"disconnect": True}]})
    with pytest.raises(errors.HttpError) as dropped:
        new_shipment(client_for(easypost_fake))
    assert "Unexpected error communicating with EasyPost" in dropped.value.message


def test_late_answer_after_the_work_leaves_the_purchase_made(easypost_fake: FakeEasyPost) -> None:
    client = client_for(easypost_fake)
    shipment = new_shipment(client)
    easypost_fake.control({"faults": [{"delay": 2.5, "after": True, "path": "/buy"}]})
    with pytest.raises(errors.TimeoutError):
        client.shipment.buy(shipment.id, rate=shipment.rates[0])
    assert easypost_fake.counters()["purchases"] == {shipment.id: 1}
    assert client.shipment.retrieve(shipment.id).tracking_code.startswith("9400")


def test_control_over_http_queues_faults_and_reports_counters(
    easypost_fake: FakeEasyPost,
) -> None:
    queued = requests.post(
        f"{easypost_fake.url}/_control",
        json={"faults": [{"status": 500, "times": 3}], "no_rates": True},
        timeout=5,
    )
    assert queued.status_code == 200
    assert queued.json()["faults_queued"] == 3
    with pytest.raises(errors.InternalServerError):
        new_shipment(client_for(easypost_fake))
    counters = requests.get(f"{easypost_fake.url}/_control", timeout=5).json()
    assert counters == {
        "requests": {"POST /shipments": 1},
        "buy_attempts": {},
        "purchases": {},
        "refunds": {},
        "shipments": 0,
        "scan_forms": 0,
        "faults_queued": 2,
    }
    bad = requests.post(f"{easypost_fake.url}/_control", json={"faults": [{}]}, timeout=5)
    assert bad.status_code == 400
    reset = requests.post(f"{easypost_fake.url}/_control", json={"reset": True}, timeout=5)
    assert reset.json()["faults_queued"] == 0


def test_fake_refuses_to_listen_beyond_loopback() -> None:
    with pytest.raises(ValueError, match="loopback only"):
        FakeEasyPost(host="0.0.0.0")


def test_fake_runs_as_a_module_on_the_given_port() -> None:
    from devtools.devstack import free_port

    port = free_port(47300)
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.easypost_fake", "--port", str(port), "--api-key", "k"],
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == (
            f"fake EasyPost listening on http://127.0.0.1:{port}/v2"
        )
        client = easypost.EasyPostClient("k", api_base=f"http://127.0.0.1:{port}/v2", timeout=5)
        assert len(new_shipment(client).rates) == 6
    finally:
        process.terminate()
        process.wait(timeout=10)
