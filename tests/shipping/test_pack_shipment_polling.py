"""The pack station's shipment table keeps refreshing until every label can be printed: while
rating, and also after the purchase is recorded but before the task has stored the label file
(it records the purchase first, then fetches the PDF). It stops once labels are stored or a
shipment needs a person."""

from __future__ import annotations

from shipping.models import Shipment, ShipmentStatus
from shipping.selectors.packing import shipments_in_flight


def test_polling_continues_until_the_label_file_is_stored() -> None:
    bought_no_file = Shipment(status=ShipmentStatus.LABEL_PURCHASED, label_pdf=None)
    bought_with_file = Shipment(status=ShipmentStatus.LABEL_PURCHASED, label_pdf=b"%PDF-1.4")
    assert shipments_in_flight([Shipment(status=ShipmentStatus.RATING)])
    assert shipments_in_flight([bought_with_file, bought_no_file])
    assert not shipments_in_flight([bought_with_file])
    assert not shipments_in_flight([Shipment(status=ShipmentStatus.NEEDS_ATTENTION)])
