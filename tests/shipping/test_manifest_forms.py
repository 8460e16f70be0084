"""Scan forms EasyPost is still creating: the manifest waits for the carrier (its page says so),
a task fetches the PDF once EasyPost has made it, a failed form frees its shipments, and a scan
form request whose answer was lost is found again instead of being made twice."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from celery.exceptions import Retry
from django.utils import timezone
from pypdf import PdfReader

from inventory.models import Event
from shipping import carrier
from shipping.exceptions import CarrierRetryable
from shipping.models import Manifest, ManifestStatus, Shipment
from shipping.services import dispatch
from shipping.tasks import fetch_scan_form, rate_shipment, reconcile_stuck
from tests.shipping import shipments_fixtures

packed_two = shipments_fixtures.packed_two


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@pytest.fixture
def bought(carrier_settings: Any, packed_two: Any) -> Any:
    for shipment in packed_two.shipments:
        rate_shipment.apply(args=[shipment.pk]).get()
    return packed_two


def run_fetch(manifest: Manifest, max_runs: int = 10) -> str:
    """Runs the fetch task as a worker would, each retry with the next retry number."""
    for retries in range(max_runs):
        try:
            return str(fetch_scan_form.apply(args=[manifest.pk], retries=retries).get())
        except Retry:
            continue
    raise AssertionError(f"still retrying after {max_runs} runs")


def test_a_form_still_creating_waits_and_its_pdf_is_fetched_when_ready(
    http_for: Any,
    manager: Any,
    bought: Any,
    carrier_settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    carrier_settings.control({"scan_form_creating": 2})
    with django_capture_on_commit_callbacks() as sent:
        manifest = dispatch.create_manifest(
            warehouse=bought.warehouse, carrier_name="USPS", day=today(), user=manager
        )
    assert (manifest.status, manifest.form_pdf) == (ManifestStatus.CREATING, None)
    assert manifest.easypost_id.startswith("sf_")
    assert len(sent) == 1  # the fetch task
    assert manifest.next_attempt_at is not None
    page = http_for(manager).get("/shipping/manifests/").content.decode()
    assert "Waiting for the carrier" in page
    assert f"/shipping/manifests/{manifest.pk}/pdf/" not in page
    shipment_page = http_for(manager).get(f"/shipping/shipments/{bought.shipments[0].pk}/")
    assert "waiting for the carrier's form" in shipment_page.content.decode()

    assert run_fetch(manifest) == ManifestStatus.READY
    manifest.refresh_from_db()
    text = PdfReader(io.BytesIO(bytes(manifest.form_pdf))).pages[0].extract_text()
    assert manifest.easypost_id in text
    counters = carrier_settings.counters()
    assert counters["scan_forms"] == 1
    assert counters["requests"]["GET /scan_forms/{id}"] == 2
    assert Event.objects.filter(type="manifest.created").count() == 1
    assert Event.objects.filter(type="manifest.ready").count() == 1
    assert (
        "Waiting for the carrier"
        not in http_for(manager).get("/shipping/manifests/").content.decode()
    )


def test_a_form_that_fails_frees_its_shipments_for_another_manifest(
    manager: Any, bought: Any, carrier_settings: Any
) -> None:
    carrier_settings.control({"scan_form_creating": 1, "scan_form_failure": "SCAN service down"})
    manifest = dispatch.create_manifest(
        warehouse=bought.warehouse, carrier_name="USPS", day=today(), user=manager
    )
    assert run_fetch(manifest) == ManifestStatus.FAILED
    manifest.refresh_from_db()
    assert manifest.message == "EasyPost could not create the scan form: SCAN service down"
    assert not Shipment.objects.filter(manifest=manifest).exists()
    assert Event.objects.filter(type="manifest.failed").count() == 1

    carrier_settings.control({"scan_form_creating": 0, "scan_form_failure": ""})
    again = dispatch.create_manifest(
        warehouse=bought.warehouse, carrier_name="USPS", day=today(), user=manager
    )
    assert again.status == ManifestStatus.READY
    assert Shipment.objects.filter(manifest=again).count() == 2


def test_a_scan_form_request_whose_answer_was_lost_is_found_not_made_twice(
    manager: Any, bought: Any, carrier_settings: Any, monkeypatch: Any
) -> None:
    real_create = carrier.create_scan_form

    def made_but_answer_lost(shipment_ids: Any) -> Any:
        real_create(shipment_ids)
        raise CarrierRetryable("Request timed out.")

    monkeypatch.setattr(carrier, "create_scan_form", made_but_answer_lost)
    manifest = dispatch.create_manifest(
        warehouse=bought.warehouse, carrier_name="USPS", day=today(), user=manager
    )
    assert (manifest.status, manifest.easypost_id) == (ManifestStatus.REQUESTED, "")
    assert Shipment.objects.filter(manifest=manifest).count() == 2  # claimed, not lost
    monkeypatch.setattr(carrier, "create_scan_form", real_create)

    assert run_fetch(manifest) == ManifestStatus.READY
    manifest.refresh_from_db()
    form_id = next(iter(carrier_settings.state.scan_forms))
    assert manifest.easypost_id == form_id
    assert carrier_settings.counters()["scan_forms"] == 1


def test_easyposts_refusal_writes_no_manifest(
    manager: Any, bought: Any, carrier_settings: Any
) -> None:
    # Another manifest (made elsewhere on the EasyPost account) already holds the shipments.
    carrier.create_scan_form([s.easypost_id for s in Shipment.objects.all()])
    before = (Manifest.objects.count(), Event.objects.count())
    with pytest.raises(dispatch.CarrierRejected, match="Unable to create the scan form"):
        dispatch.create_manifest(
            warehouse=bought.warehouse, carrier_name="USPS", day=today(), user=manager
        )
    assert (Manifest.objects.count(), Event.objects.count()) == before
    assert not Shipment.objects.filter(manifest__isnull=False).exists()


def test_the_sweep_sends_the_fetch_task_for_a_manifest_left_waiting(
    manager: Any,
    bought: Any,
    carrier_settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    carrier_settings.control({"scan_form_creating": 1})
    manifest = dispatch.create_manifest(
        warehouse=bought.warehouse, carrier_name="USPS", day=today(), user=manager
    )
    # Its task's retries ran out long ago (or its message was lost).
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    Manifest.objects.filter(pk=manifest.pk).update(updated_at=hour_ago, next_attempt_at=hour_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_stuck.apply().get() == {"shipments": 0, "manifests": 1}
    manifest.refresh_from_db()
    assert manifest.status == ManifestStatus.READY and manifest.form_pdf


def test_the_api_shows_a_manifest_waiting_for_the_carrier(
    manager_api: Any, bought: Any, carrier_settings: Any
) -> None:
    carrier_settings.control({"scan_form_creating": 3})
    body = {"warehouse": "EAST", "carrier": "USPS", "date": today().isoformat()}
    created = manager_api.post("/manifests", body)
    assert created.status_code == 201, created.content
    assert (created.json()["status"], created.json()["message"]) == ("creating", "")
    assert manager_api.get(f"/manifests/{created.json()['id']}/pdf").status_code == 404
