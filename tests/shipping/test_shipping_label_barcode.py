"""The carrier label the rating task stores is a real, scannable document: its tracking barcode
(Code 128, as the carrier prints it) decodes back to the shipment's tracking code at 300 dpi."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shipping.models import ShipmentStatus
from tests.receiving.test_labels import decode_pages
from tests.shipping import shipments_fixtures
from tests.shipping.shipments_fixtures import fresh
from tests.shipping.test_rating_task import run

packed = shipments_fixtures.packed


def test_the_stored_label_pdf_scans_back_to_the_tracking_code(
    carrier_settings: Any, packed: Any, tmp_path: Path
) -> None:
    assert run(packed.shipment) == ShipmentStatus.LABEL_PURCHASED
    shipment = fresh(packed.shipment)
    pdf = tmp_path / "label.pdf"
    pdf.write_bytes(bytes(shipment.label_pdf))
    [page] = decode_pages(pdf)
    assert ("CODE-128", "", shipment.tracking_code) in page
