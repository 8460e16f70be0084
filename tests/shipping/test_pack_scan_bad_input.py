"""Pack station input that answered 500 or was misread: a control character in the item scan, its
lot or key; a quantity in superscript or full-width digits; a garbled station or material count;
box dimensions and a weight beyond PostgreSQL's integer. Scans answer a red line, forms a message;
nothing is packed, opened or closed."""

from __future__ import annotations

from typing import Any

import pytest

from shipping.models import Carton, CartonStatus
from tests.helpers import assert_nothing_written, scan_outcome
from tests.shipping.pack_world import MUG_BARCODE

pytestmark = pytest.mark.django_db
ORDER = "/floor/pack/orders/{pk}/"


@pytest.fixture
def packing(http_for: Any, picked_order: Any, operator: Any, station: Any) -> Any:
    http = http_for(operator)
    url = ORDER.format(pk=picked_order.pk)
    http.post(f"{url}cartons/", {"box_type": "BOX-S", "pack_station": station.pk})
    assert Carton.objects.filter(status=CartonStatus.OPEN).exists()
    return http, url


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"code": f"{MUG_BARCODE}\x00"}, "holds a control character"),
        ({"code": MUG_BARCODE, "lot": "L\x00"}, "Lot:"),
        ({"code": MUG_BARCODE, "quantity": "\u00b2"}, "Quantity is a whole number"),
        ({"code": MUG_BARCODE, "quantity": "\uff12"}, "Quantity is a whole number"),
        ({"code": MUG_BARCODE, "quantity": "2147483648"}, "Quantity is a whole number"),
        ({"code": MUG_BARCODE, "idempotency_key": "k\x00"}, "control character"),
    ],
)
def test_a_bad_item_scan_is_a_red_line_and_packs_nothing(
    packing: Any, data: dict[str, str], says: str
) -> None:
    http, url = packing
    with assert_nothing_written():
        response = http.post(f"{url}scan/", data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert scan_outcome(body) == "error"
    assert says in body
    assert "HX-Trigger" not in response


def test_dimensions_beyond_the_integer_column_open_no_carton(
    http_for: Any, picked_order: Any, operator: Any, station: Any
) -> None:
    url = ORDER.format(pk=picked_order.pk)
    data = {
        "length_mm": "2147483648",
        "width_mm": "1",
        "height_mm": "1",
        "pack_station": station.pk,
    }
    with assert_nothing_written():
        response = http_for(operator).post(f"{url}cartons/", data, follow=True)
    assert "less than or equal to 2147483647" in response.content.decode()


def test_a_weight_in_other_digits_or_beyond_the_column_closes_nothing(packing: Any) -> None:
    http, _ = packing
    carton = Carton.objects.get()
    for weight in ("\uff11\uff10\uff13\uff10", "2147483648", "9" * 30):
        with assert_nothing_written():
            http.post(f"/floor/pack/cartons/{carton.pk}/close/", {"weight_g": weight})
        assert Carton.objects.get().status == CartonStatus.OPEN, weight


def test_a_garbled_station_choice_changes_nothing(
    http_for: Any, picked_order: Any, operator: Any
) -> None:
    url = ORDER.format(pk=picked_order.pk)
    response = http_for(operator).post(f"{url}station/", {"pack_station": "\u00b2"})
    assert response.status_code == 302
