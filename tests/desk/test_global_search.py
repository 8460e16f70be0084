"""The global search: a code of any kind opens its page; a code shared by several records lists
them; an unknown code says so; a code outside the user's scope finds nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from desk.selectors.search import find_code
from inventory.models import LocationKind, LpnKind
from picking.models import Wave
from receiving.services import AsnLineSpec, create_asn
from shipping.models import Shipment
from tests.factories import (
    LocationFactory,
    LpnFactory,
    ProductBarcodeFactory,
    ProductFactory,
    UserFactory,
)
from tests.helpers import table_records, visible_text
from tests.shipping.shipments_fixtures import make_packed_order


@pytest.fixture
def world(manager: Any, east: Any, west: Any, acme_outdoor: Any) -> SimpleNamespace:
    packed = make_packed_order(
        user=manager, warehouse=east, client=acme_outdoor, reference="SO-7781"
    )
    Shipment.objects.filter(pk=packed.shipment.pk).update(tracking_code="9400111899223344556677")
    product = ProductFactory(client=acme_outdoor, sku="TENT-2P")
    ProductBarcodeFactory(product=product, barcode="0012345678905")
    asn = create_asn(
        client=acme_outdoor,
        warehouse=east,
        reference="PO-5521",
        carrier="DHL",
        lines=[AsnLineSpec(product, 4)],
        user=manager,
    )
    bin_east = LocationFactory(warehouse=east, code="C-07-02", kind=LocationKind.STORAGE)
    bin_west = LocationFactory(warehouse=west, code="W-01-01", kind=LocationKind.STORAGE)
    pallet = LpnFactory(code="PAL000123", kind=LpnKind.PALLET, warehouse=east, location=bin_east)
    wave = Wave.objects.create(warehouse=east, number="W-20261204-01")
    return SimpleNamespace(
        order=packed.order,
        shipment=packed.shipment,
        product=product,
        asn=asn,
        bin_east=bin_east,
        bin_west=bin_west,
        pallet=pallet,
        wave=wave,
    )


@pytest.mark.parametrize(
    ("code", "page"),
    [
        ("SO-7781", lambda w: reverse("order_detail", args=[w.order.pk])),
        ("so-7781", lambda w: reverse("order_detail", args=[w.order.pk])),
        ("9400111899223344556677", lambda w: reverse("shipment_detail", args=[w.shipment.pk])),
        ("PO-5521", lambda w: reverse("asn_detail", args=[w.asn.pk])),
        ("TENT-2P", lambda w: reverse("stock_product", args=[w.product.pk])),
        ("0012345678905", lambda w: reverse("stock_product", args=[w.product.pk])),
        ("PAL000123", lambda w: f"{reverse('lpn_list')}?q=PAL000123"),
        (" C-07-02 ", lambda w: reverse("stock_location", args=[w.bin_east.pk])),
        ("W-20261204-01", lambda w: reverse("wave_detail", args=[w.wave.pk])),
    ],
)
def test_a_code_of_each_kind_opens_its_page(
    http_for: Any, manager: Any, world: SimpleNamespace, code: str, page: Any
) -> None:
    response = http_for(manager).get("/search/", {"q": code})
    assert response.status_code == 302
    assert response["Location"] == page(world)
    assert http_for(manager).get(response["Location"]).status_code == 200


def test_a_code_several_records_share_lists_them_to_choose(
    http_for: Any, manager: Any, world: SimpleNamespace, west: Any
) -> None:
    LocationFactory(warehouse=west, code="C-07-02", kind=LocationKind.STORAGE)
    response = http_for(manager).get("/search/", {"q": "C-07-02"})
    assert response.status_code == 200
    rows = table_records(response.content, with_column="Kind")
    assert [(row["Kind"], row["Code"]) for row in rows] == [
        ("Location", "C-07-02"),
        ("Location", "C-07-02"),
    ]
    assert [row["Details"] for row in rows] == ["EAST · Storage", "WEST · Storage"]


def test_an_unknown_code_says_nothing_matches(
    http_for: Any, manager: Any, world: SimpleNamespace
) -> None:
    response = http_for(manager).get("/search/", {"q": "NOPE-404"})
    assert response.status_code == 200
    assert "Nothing you can see has the code NOPE-404" in visible_text(response.content)


def test_a_code_outside_the_users_warehouses_finds_nothing(
    world: SimpleNamespace, east: Any, west: Any
) -> None:
    operator_east = UserFactory(role="operator", email="east-only@acme.test", warehouses=[east])
    operator_west = UserFactory(role="operator", email="west-only@acme.test", warehouses=[west])
    assert find_code(operator_west, "C-07-02") == []
    assert find_code(operator_west, "SO-7781") == []
    assert find_code(operator_west, "PAL000123") == []
    assert [hit.kind for hit in find_code(operator_east, "C-07-02")] == ["Location"]
    assert [hit.kind for hit in find_code(operator_west, "W-01-01")] == ["Location"]


def test_a_client_user_finds_only_their_clients_records(
    world: SimpleNamespace, other_client: Any
) -> None:
    other_user = UserFactory(role="client", email="other@acme.test", client=other_client)
    assert find_code(other_user, "TENT-2P") == []
    assert find_code(other_user, "SO-7781") == []


def test_the_search_is_a_desk_page(http_for: Any, operator: Any) -> None:
    assert http_for(operator).get("/search/", {"q": "SO-7781"}).status_code == 403
