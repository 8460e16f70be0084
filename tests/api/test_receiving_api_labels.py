"""Label downloads (LPN and location, PDF and ZPL) and the receiving routes in the OpenAPI
document."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client as HttpClient
from pypdf import PdfReader

from inventory.gs1 import sscc_for

RECEIVING_ROUTES = {
    "/api/v1/asns": {"get", "post"},
    "/api/v1/asns/{pk}": {"get"},
    "/api/v1/asns/{pk}/expected": {"post"},
    "/api/v1/asns/{pk}/cancel": {"post"},
    "/api/v1/asns/{pk}/close": {"post"},
    "/api/v1/asns/{pk}/receipts": {"post"},
    "/api/v1/blind-receipts": {"post"},
    "/api/v1/asns/{pk}/discrepancies.csv": {"get"},
    "/api/v1/lpns/{pk}/label": {"get"},
    "/api/v1/locations/{pk}/label": {"get"},
    "/api/v1/putaway-tasks": {"get"},
    "/api/v1/putaway-tasks/{pk}": {"get"},
    "/api/v1/putaway-tasks/{pk}/complete": {"post"},
}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_lpn_label_pdf_in_both_sizes(manager_api: Any, inbound: Any) -> None:
    for size in ("4x6", "4x2"):
        response = manager_api.get(f"/lpns/{inbound.pallet.pk}/label", size=size)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/pdf"
        assert f'filename="lpn-PAL-1-{size}.pdf"' in response["Content-Disposition"]
        assert "PAL-1" in pdf_text(response.content)


def test_lpn_label_zpl_carries_the_sscc(operator_api: Any, inbound: Any) -> None:
    response = operator_api.get(f"/lpns/{inbound.pallet.pk}/label", format="zpl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert text.startswith("^XA")
    assert sscc_for(0, "0614141", inbound.pallet.pk) in text
    assert "PAL-1" in text


def test_label_of_a_received_lpn(manager_api: Any, inbound: Any) -> None:
    receipt = manager_api.post(
        f"/asns/{inbound.po1.pk}/receipts", {"code": "WIDGET", "quantity": 6}
    ).json()
    response = manager_api.get(f"/lpns/{receipt['lpn_id']}/label")
    text = pdf_text(response.content)
    assert receipt["lpn"] in text
    assert "WIDGET" in text


def test_location_label_pdf_and_zpl(manager_api: Any, inbound: Any) -> None:
    pdf = manager_api.get(f"/locations/{inbound.e01.pk}/label")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "E-01" in pdf_text(pdf.content)
    zpl = manager_api.get(f"/locations/{inbound.e01.pk}/label", format="zpl")
    assert zpl.content.decode().startswith("^XA")
    assert 'filename="location-EAST-E-01.zpl"' in zpl["Content-Disposition"]


def test_labels_scope_and_bad_options(
    operator_api: Any, client_api: Any, manager_api: Any, inbound: Any
) -> None:
    assert operator_api.get(f"/locations/{inbound.w01.pk}/label").status_code == 404
    assert client_api.get(f"/lpns/{inbound.pallet.pk}/label").status_code == 404
    assert manager_api.get("/lpns/999999/label").status_code == 404
    assert manager_api.get(f"/lpns/{inbound.pallet.pk}/label", format="png").status_code == 422
    assert manager_api.get(f"/lpns/{inbound.pallet.pk}/label", size="2x2").status_code == 422
    assert manager_api.get(f"/locations/{inbound.e01.pk}/label", format="gif").status_code == 422


def test_openapi_lists_the_receiving_routes(acme: Any) -> None:
    schema = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, methods in RECEIVING_ROUTES.items():
        assert set(paths[path]) == methods, path
    receipts = paths["/api/v1/asns/{pk}/receipts"]["post"]
    assert [p["name"] for p in receipts["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    complete = paths["/api/v1/putaway-tasks/{pk}/complete"]["post"]
    assert [p["name"] for p in complete["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    assert (
        "application/pdf" in paths["/api/v1/lpns/{pk}/label"]["get"]["responses"]["200"]["content"]
    )
