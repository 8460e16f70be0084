from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient


@pytest.fixture
def token(acme: Any, admin_user: Any, client_user: Any) -> str:
    from wms.accounts.services import create_api_token

    return create_api_token(by=admin_user, user=client_user, name="t")[1]


def api(token: str) -> HttpClient:
    return HttpClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_missing_token_is_401_json(acme: Any) -> None:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": "Send a valid API token: Authorization: Bearer <token>.",
            "field_errors": {},
        }
    }


def test_bad_path_parameter_is_422_with_field_errors(token: str) -> None:
    response = api(token).get("/api/v1/warehouses/not-a-number")
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert list(body["field_errors"]) == ["pk"]


def test_unknown_object_is_404_json(token: str) -> None:
    response = api(token).get("/api/v1/clients/999999")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "No client 999999.",
        "field_errors": {},
    }


def test_openapi_and_docs_are_served_without_a_cdn(acme: Any) -> None:
    http = HttpClient(HTTP_HOST="acme.localhost")
    schema = http.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    docs = http.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


# --- Every status under /api/ answers the JSON envelope ---------------------------------------


def test_an_unknown_path_under_the_api_is_a_404_envelope(token: str) -> None:
    for path in ("/api/v1/no-such-thing", "/api/v2/warehouses", "/api/"):
        response = api(token).get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"]["code"] == "not_found", path


def test_a_method_the_path_does_not_take_is_a_405_envelope_with_allow(token: str) -> None:
    response = api(token).delete("/api/v1/warehouses")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_a_page_outside_the_api_keeps_its_html_404(acme: Any) -> None:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unhandled_exception_in_a_route_is_a_logged_500_envelope(
    token: str, settings: Any, monkeypatch: Any, caplog: Any
) -> None:
    """Under production settings (DEBUG off) a crash in a route answered Django's HTML page."""
    from inventory import selectors

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom in a selector")

    settings.DEBUG = False
    monkeypatch.setattr(selectors, "clients_for_user", crash)
    client = HttpClient(
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        raise_request_exception=False,
    )
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/api/v1/clients")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": "Something went wrong on our side; it has been logged.",
            "field_errors": {},
        }
    }
    assert "boom" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert len(logged) == 1
    assert logged[0].exc_info and isinstance(logged[0].exc_info[1], RuntimeError)


def test_a_crash_outside_any_route_under_the_api_is_a_500_envelope(
    token: str, settings: Any, monkeypatch: Any
) -> None:
    """An exception Django handles itself (here: in a middleware, before any route) also
    answers JSON under /api/, and an HTML page elsewhere."""
    from wms.middleware import AdminSiteGuardMiddleware

    def crash(self: Any, request: Any) -> Any:
        raise RuntimeError("boom in a middleware")

    settings.DEBUG = False
    monkeypatch.setattr(AdminSiteGuardMiddleware, "__call__", crash)
    client = HttpClient(
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        raise_request_exception=False,
    )
    response = client.get("/api/v1/me")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    page = client.get("/dashboard/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")
