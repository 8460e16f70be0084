"""The OpenAPI document lists each operation's error responses with the error envelope's schema
(ErrorOut, ErrorBody), added for every operation at once by wms.api, so a route added later gets
them too."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from django.test import Client as HttpClient

ENVELOPE = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def openapi(acme: Any) -> dict[str, Any]:
    response = HttpClient(HTTP_HOST="acme.localhost").get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_lists_401_403_422_and_any_other_error_as_the_envelope(acme: Any) -> None:
    listed = operations(openapi(acme))
    assert len(listed) >= 70
    for path, method, operation in listed:
        responses = operation["responses"]
        for status in ("401", "403", "422", "default"):
            assert responses[status]["content"] == ENVELOPE, (path, method, status)


def test_objects_named_by_path_list_404_and_writes_list_400_and_409(acme: Any) -> None:
    for path, method, operation in operations(openapi(acme)):
        responses = operation["responses"]
        assert ("404" in responses) == ("{" in path), (path, method)
        is_write = method in {"post", "patch", "put", "delete"}
        assert ("409" in responses) == is_write, (path, method)
        assert ("400" in responses) == is_write, (path, method)


def test_the_success_responses_are_left_as_the_routes_declare_them(acme: Any) -> None:
    paths = openapi(acme)["paths"]
    assert set(paths["/api/v1/asns"]["post"]["responses"]) == {
        "200",
        "201",
        "400",
        "401",
        "403",
        "409",
        "422",
        "default",
    }


def test_the_envelope_schema_is_a_component_and_describes_real_errors(acme: Any) -> None:
    schema = openapi(acme)
    components = schema["components"]["schemas"]
    assert set(components["ErrorOut"]["properties"]) == {"error"}
    assert set(components["ErrorBody"]["required"]) == {"code", "message", "field_errors"}
    validator = jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/ErrorOut", "components": schema["components"]}
    )
    http = HttpClient(HTTP_HOST="acme.localhost")
    for response in (
        http.get("/api/v1/me"),  # 401
        http.get("/api/v1/nothing-here"),  # 404 from Django, not a route
        http.delete("/api/v1/me"),  # 405
    ):
        assert response.status_code >= 400
        assert validator.is_valid(response.json()), response.content
