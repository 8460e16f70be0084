"""Creating an ASN: a draft with its lines and an event; idempotent on client plus reference;
bad lines refused with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from inventory.models import Event, LocationKind
from receiving import services
from receiving.exceptions import AsnRefused
from receiving.models import Asn, AsnLine, AsnStatus
from tests.factories import ClientFactory, LocationFactory, ProductFactory


def _create(client: Any, wh: Any, lines: list[Any], **extra: Any) -> Asn:
    return services.create_asn(client=client, warehouse=wh, reference="PO-1", lines=lines, **extra)


def test_creates_a_draft_with_its_lines_and_an_event(
    wh: Any, dock: Any, acme_outdoor: Any, widget: Any, serum: Any, manager: Any
) -> None:
    asn = _create(
        acme_outdoor,
        wh,
        [
            services.AsnLineSpec(widget, 10),
            services.AsnLineSpec(serum, 5, "S-1", dt.date(2030, 1, 31)),
        ],
        user=manager,
        carrier="DHL",
        expected_date=dt.date(2030, 1, 2),
        dock_door=dock,
    )

    assert asn.status == AsnStatus.DRAFT
    assert asn.created_by == manager
    assert asn.dock_door == dock
    lines = list(asn.lines.order_by("pk").values_list("product__sku", "expected_qty", "lot_number"))
    assert lines == [("WIDGET", 10, ""), ("SERUM", 5, "S-1")]
    event = Event.objects.get(type="asn.created")
    assert event.payload == {"asn": asn.pk, "reference": "PO-1", "lines": 2}
    assert event.client_id == acme_outdoor.pk


def test_a_repeat_with_the_same_content_returns_the_first_asn(
    wh: Any, acme_outdoor: Any, widget: Any, serum: Any
) -> None:
    first = _create(
        acme_outdoor, wh, [services.AsnLineSpec(widget, 10), services.AsnLineSpec(serum, 5)]
    )
    # Line order does not matter, and nothing new is written.
    again = _create(
        acme_outdoor, wh, [services.AsnLineSpec(serum, 5), services.AsnLineSpec(widget, 10)]
    )

    assert again.pk == first.pk
    assert Asn.objects.count() == 1
    assert AsnLine.objects.count() == 2
    assert Event.objects.filter(type="asn.created").count() == 1


def test_a_repeat_with_different_content_is_refused(
    wh: Any, acme_outdoor: Any, widget: Any
) -> None:
    _create(acme_outdoor, wh, [services.AsnLineSpec(widget, 10)])

    with pytest.raises(AsnRefused) as refused:
        _create(acme_outdoor, wh, [services.AsnLineSpec(widget, 11)])

    assert refused.value.code == "asn_exists"
    assert refused.value.message == (
        "ASN PO-1 of acme-outdoor already exists with different content; "
        "use a new reference or change the existing ASN."
    )
    assert list(AsnLine.objects.values_list("expected_qty", flat=True)) == [10]


def test_the_same_reference_for_another_client_is_another_asn(
    wh: Any, acme_outdoor: Any, widget: Any
) -> None:
    other = ClientFactory(code="other-brand")
    gadget = ProductFactory(client=other, sku="GADGET")
    _create(acme_outdoor, wh, [services.AsnLineSpec(widget, 10)])
    _create(other, wh, [services.AsnLineSpec(gadget, 3)])

    assert Asn.objects.count() == 2


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_lines", "An ASN needs at least one line."),
        ("zero", "Line 1 (WIDGET): expected quantity must be a whole number above zero; got 0."),
        ("other_client", "Line 1: GADGET belongs to another client, not acme-outdoor."),
        ("lot_on_untracked", "Line 1: WIDGET is not lot-tracked; give no lot or expiry."),
        ("repeat", "Line 2 repeats WIDGET; put the quantity on one line."),
        ("blank_reference", "An ASN needs a reference."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    case: str, message: str, wh: Any, acme_outdoor: Any, widget: Any
) -> None:
    gadget = ProductFactory(client=ClientFactory(code="other-brand"), sku="GADGET")
    lines = {
        "no_lines": [],
        "zero": [services.AsnLineSpec(widget, 0)],
        "other_client": [services.AsnLineSpec(gadget, 1)],
        "lot_on_untracked": [services.AsnLineSpec(widget, 1, "L1")],
        "repeat": [services.AsnLineSpec(widget, 1), services.AsnLineSpec(widget, 2)],
        "blank_reference": [services.AsnLineSpec(widget, 1)],
    }[case]
    reference = "  " if case == "blank_reference" else "PO-1"

    with pytest.raises(AsnRefused) as refused:
        services.create_asn(client=acme_outdoor, warehouse=wh, reference=reference, lines=lines)

    assert refused.value.message == message
    assert not Asn.objects.exists()
    assert not AsnLine.objects.exists()
    assert not Event.objects.filter(type="asn.created").exists()


def test_a_dock_door_must_be_a_dock_of_the_warehouse(
    wh: Any, bin_a: Any, acme_outdoor: Any, widget: Any, unchanged: Callable[..., Any]
) -> None:
    with pytest.raises(AsnRefused) as refused:
        _create(acme_outdoor, wh, [services.AsnLineSpec(widget, 1)], dock_door=bin_a)

    assert refused.value.message == "Dock door A-01-01 is not a dock location of warehouse EAST."
    assert not Asn.objects.exists()


def test_a_dock_door_of_another_warehouse_is_refused(
    wh: Any, west: Any, acme_outdoor: Any, widget: Any
) -> None:
    far_dock = LocationFactory(warehouse=west, code="DOCK-W", kind=LocationKind.DOCK)

    with pytest.raises(
        AsnRefused, match="Dock door DOCK-W is not a dock location of warehouse EAST"
    ):
        _create(acme_outdoor, wh, [services.AsnLineSpec(widget, 1)], dock_door=far_dock)
