"""The shipping catalog: box types (and which clients may use them), packaging materials and
carrier accounts through the services and the desktop pages; refusals name the field and write
nothing; the conversion to cartonization's box types; the demo seed."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shipping import cartonize, demo, selectors
from shipping.models import BoxType, CarrierAccount, PackagingMaterial
from shipping.services import catalog
from tests.factories import ClientFactory
from tests.helpers import page

SMALL = {
    "code": "BOX-S",
    "name": "Small box",
    "inner_length_mm": 200,
    "inner_width_mm": 150,
    "inner_height_mm": 100,
    "max_weight_g": 5000,
    "tare_weight_g": 120,
    "cost": Decimal("0.55"),
}


def box(code: str, **changes: Any) -> BoxType:
    return catalog.create_box_type(**{**SMALL, "code": code, **changes})


def form_errors(response: Any) -> dict[str, list[str]]:
    return dict(response.context["form"].errors)


def form_data(**changes: Any) -> dict[str, Any]:
    return {**{k: str(v) for k, v in SMALL.items()}, "currency": "USD", **changes}


# --- Services and selectors --------------------------------------------------------------------


def test_box_types_for_a_client_are_the_open_ones_and_its_own(
    acme_outdoor: Any, other_client: Any
) -> None:
    box("OPEN")
    box("MINE", clients=[acme_outdoor])
    box("SHARED", clients=[acme_outdoor, other_client])
    box("THEIRS", clients=[other_client])
    catalog.set_box_type_active(box("OLD"), False)

    mine = selectors.box_types_for_client(acme_outdoor.pk)
    theirs = selectors.box_types_for_client(other_client.pk)

    assert list(mine.values_list("code", flat=True)) == ["MINE", "OPEN", "SHARED"]
    assert list(theirs.values_list("code", flat=True)) == ["OPEN", "SHARED", "THEIRS"]


def test_rows_convert_to_cartonization_box_types(acme: Any) -> None:
    small = box("BOX-S")
    large = box(
        "BOX-L",
        inner_length_mm=400,
        inner_width_mm=300,
        inner_height_mm=300,
        max_weight_g=20000,
        tare_weight_g=420,
        cost=Decimal("1.40"),
    )
    boxes = selectors.cartonize_box_types([small, large])
    assert boxes == [
        cartonize.BoxType("BOX-S", 200, 150, 100, 5000, 120, Decimal("0.55")),
        cartonize.BoxType("BOX-L", 400, 300, 300, 20000, 420, Decimal("1.40")),
    ]
    item = cartonize.Item("MUG", 120, 100, 90, 400, 1)
    proposal = cartonize.cartonize([item], boxes)
    assert [c.box.code for c in proposal.cartons if c.box] == ["BOX-S"]


def test_bad_box_types_are_refused_field_by_field_and_nothing_is_written(acme: Any) -> None:
    box("BOX-S")
    with pytest.raises(ValidationError) as refused:
        catalog.create_box_type(
            **{
                **SMALL,
                "code": "BOX-S",
                "inner_width_mm": 0,
                "tare_weight_g": 6000,
                "cost": Decimal("-1"),
                "currency": "usd",
            }
        )
    assert refused.value.message_dict == {
        "code": ["Box type with this Code already exists."],
        "inner_width_mm": ["Must be at least 1."],
        "tare_weight_g": [
            "The empty box (6000 g) must weigh less than its maximum gross weight (5000 g)."
        ],
        "cost": ["Must not be negative."],
        "currency": ["A three-letter ISO currency code, such as USD."],
    }
    with pytest.raises(ValidationError) as heavy_tare:
        catalog.create_box_type(**{**SMALL, "code": "BOX-T", "tare_weight_g": 5000})
    assert heavy_tare.value.message_dict == {
        "tare_weight_g": [
            "The empty box (5000 g) must weigh less than its maximum gross weight (5000 g)."
        ]
    }
    assert list(BoxType.objects.values_list("code", flat=True)) == ["BOX-S"]


def test_the_database_itself_refuses_a_tare_at_the_weight_limit(acme: Any) -> None:
    with pytest.raises(IntegrityError, match="box_type_tare_below_max"), transaction.atomic():
        BoxType.objects.create(**{**SMALL, "tare_weight_g": 5000})
    assert not BoxType.objects.exists()


def test_update_replaces_clients_and_keeps_them_when_not_given(
    acme_outdoor: Any, other_client: Any
) -> None:
    row = box("BOX-S", clients=[acme_outdoor])
    catalog.update_box_type(row, name="Small")
    assert [c.code for c in row.clients.all()] == ["acme-outdoor"]
    updated = catalog.update_box_type(row, clients=[other_client], max_weight_g=4000)
    assert (updated.name, updated.max_weight_g) == ("Small", 4000)
    assert [c.code for c in updated.clients.all()] == ["other-brand"]
    with pytest.raises(ValidationError):
        catalog.update_box_type(row, max_weight_g=100)  # below the 120 g tare
    row.refresh_from_db()
    assert row.max_weight_g == 4000


def test_materials_and_carrier_accounts_validate(acme: Any) -> None:
    catalog.create_packaging_material(code="BUBBLE", name="Bubble wrap", cost=Decimal("0.12"))
    with pytest.raises(ValidationError) as bad_material:
        catalog.create_packaging_material(code="BUBBLE", name="", cost=Decimal("-0.01"))
    assert sorted(bad_material.value.message_dict) == ["code", "cost", "name"]
    account = catalog.create_carrier_account(carrier="USPS", easypost_id="ca_123abc")
    with pytest.raises(ValidationError) as bad_account:
        catalog.create_carrier_account(carrier="UPS", easypost_id="acct-9")
    assert bad_account.value.message_dict == {"easypost_id": ["An EasyPost id such as ca_1a2b3c."]}
    catalog.set_carrier_account_active(account, False)
    assert selectors.active_carrier_account_ids() == []
    assert PackagingMaterial.objects.count() == 1
    assert CarrierAccount.objects.count() == 1


def test_demo_seed_is_idempotent(acme: Any) -> None:
    ClientFactory(code="brightside")
    first, again = io.StringIO(), io.StringIO()
    demo.seed(password="x", stdout=first)
    demo.seed(password="x", stdout=again)
    assert first.getvalue() == (
        "Demo shipping catalog: 6 box types, 2 materials, 2 carrier accounts (10 new)."
    )
    assert again.getvalue() == (
        "Demo shipping catalog: 6 box types, 2 materials, 2 carrier accounts (0 new)."
    )
    assert [c.code for c in BoxType.objects.get(code="BEAUTY-GIFT").clients.all()] == ["brightside"]
    assert selectors.active_carrier_account_ids() == ["ca_fake_ups", "ca_fake_usps"]


# --- Pages -------------------------------------------------------------------------------------


def test_manager_creates_a_box_type_for_one_client(
    http_for: Any, manager: Any, acme_outdoor: Any
) -> None:
    response = http_for(manager).post(
        "/shipping/boxes/new/", form_data(code="BOX-A", clients=[acme_outdoor.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == "/shipping/boxes/"
    row = BoxType.objects.get(code="BOX-A")
    assert (row.inner_length_mm, row.cost, row.is_active) == (200, Decimal("0.55"), True)
    assert [c.code for c in row.clients.all()] == ["acme-outdoor"]


def test_bad_box_type_form_shows_field_errors_and_writes_nothing(
    http_for: Any, manager: Any
) -> None:
    response = http_for(manager).post(
        "/shipping/boxes/new/",
        form_data(code="BOX-A", inner_height_mm="0", tare_weight_g="9000"),
    )
    assert response.status_code == 200
    assert form_errors(response) == {
        "inner_height_mm": ["Must be at least 1."],
        "tare_weight_g": [
            "The empty box (9000 g) must weigh less than its maximum gross weight (5000 g)."
        ],
    }
    assert page(response.content).select(".field-error")  # the errors are shown by the fields
    assert not BoxType.objects.exists()


def test_manager_edits_a_box_type(http_for: Any, manager: Any, acme_outdoor: Any) -> None:
    row = box("BOX-S", clients=[acme_outdoor])
    response = http_for(manager).post(
        f"/shipping/boxes/{row.pk}/edit/", form_data(name="Small (new)", cost="0.60")
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.cost) == ("Small (new)", Decimal("0.60"))
    assert list(row.clients.all()) == []  # all unticked: every client


def test_deactivating_asks_first_then_deactivates(http_for: Any, manager: Any) -> None:
    row = box("BOX-S")
    http = http_for(manager)
    confirm = http.get(f"/shipping/boxes/{row.pk}/deactivate/")
    assert confirm.status_code == 200
    assert "Deactivate BOX-S Small box?" in confirm.content.decode()
    row.refresh_from_db()
    assert row.is_active
    done = http.post(f"/shipping/boxes/{row.pk}/deactivate/")
    assert done.status_code == 302
    row.refresh_from_db()
    assert not row.is_active
    http.post(f"/shipping/boxes/{row.pk}/reactivate/")
    row.refresh_from_db()
    assert row.is_active


def test_list_searches_filters_and_paginates(
    http_for: Any, manager: Any, acme_outdoor: Any, other_client: Any
) -> None:
    for number in range(52):
        box(f"CASE-{number:02d}")
    box("MAILER", name="Padded mailer", clients=[other_client])
    catalog.set_box_type_active(box("OLD-MAILER", name="Old mailer"), False)
    http = http_for(manager)

    first = http.get("/shipping/boxes/")
    second = http.get("/shipping/boxes/", {"page": 2})
    search = http.get("/shipping/boxes/", {"q": "mailer", "active": "yes"})
    for_client = http.get("/shipping/boxes/", {"q": "mailer", "client": acme_outdoor.pk})
    partial = http.get("/shipping/boxes/", {"q": "case-5"}, headers={"HX-Request": "true"})

    assert first.context["page"].paginator.count == 54
    assert len(first.context["page"]) == 50
    assert [r.code for r in second.context["page"]] == [
        "CASE-50",
        "CASE-51",
        "MAILER",
        "OLD-MAILER",
    ]
    assert [r.code for r in search.context["page"]] == ["MAILER"]
    assert [r.code for r in for_client.context["page"]] == ["OLD-MAILER"]
    assert [r.code for r in partial.context["page"]] == ["CASE-50", "CASE-51"]
    assert "<html" not in partial.content.decode()
    assert "other-brand" in second.content.decode()
    assert "All clients" in second.content.decode()


def test_materials_and_carrier_accounts_pages(http_for: Any, admin_user: Any) -> None:
    http = http_for(admin_user)
    assert (
        http.post(
            "/shipping/materials/new/",
            {"code": "TAPE", "name": "Tape", "cost": "0.02", "currency": "USD"},
        ).status_code
        == 302
    )
    refused = http.post(
        "/shipping/carriers/new/", {"carrier": "UPS", "easypost_id": "UPS-1", "description": ""}
    )
    assert form_errors(refused) == {"easypost_id": ["An EasyPost id such as ca_1a2b3c."]}
    assert (
        http.post(
            "/shipping/carriers/new/",
            {"carrier": "UPS", "easypost_id": "ca_ups1", "description": ""},
        ).status_code
        == 302
    )
    account = CarrierAccount.objects.get()
    http.post(f"/shipping/carriers/{account.pk}/deactivate/")
    account.refresh_from_db()
    assert (account.easypost_id, account.is_active) == ("ca_ups1", False)
    listed = http.get("/shipping/carriers/", {"active": "no"})
    assert [r.easypost_id for r in listed.context["page"]] == ["ca_ups1"]
    material = PackagingMaterial.objects.get()
    assert (material.code, material.cost) == ("TAPE", Decimal("0.02"))
    assert http.get("/shipping/materials/", {"q": "tap"}).context["page"].paginator.count == 1


@pytest.mark.parametrize("persona", ["operator", "client_user"])
def test_floor_and_client_users_may_not_touch_the_catalog(
    http_for: Any, request: pytest.FixtureRequest, persona: str
) -> None:
    row = box("BOX-S")
    http = http_for(request.getfixturevalue(persona))
    assert http.get("/shipping/boxes/").status_code == 403
    assert http.post("/shipping/boxes/new/", form_data(code="BOX-X")).status_code == 403
    assert http.post(f"/shipping/boxes/{row.pk}/deactivate/").status_code == 403
    assert list(BoxType.objects.values_list("code", "is_active")) == [("BOX-S", True)]


def nav_links(nav: Any) -> list[tuple[str, str]]:
    return [(link.label, link.url) for _group, links in nav for link in links]


def test_nav_shows_shipping_to_managers_only(http_for: Any, manager: Any, operator: Any) -> None:
    manager_nav = nav_links(http_for(manager).get("/dashboard/").context["nav"])
    assert ("Boxes", "/shipping/boxes/") in manager_nav
    floor_nav = nav_links(http_for(operator).get("/account/").context["nav"])
    assert ("Boxes", "/shipping/boxes/") not in floor_nav
