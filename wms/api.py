"""The REST API root, /api/v1/. Bearer tokens act as their user (role and scope included).
Every error is JSON: {"error": {"code", "message", "field_errors"}}; bad input is a 4xx."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from wms.accounts.selectors import authenticate_token
from wms.exceptions import DomainError

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(connection, "schema_name", "public") == "public":
            return None
        user = authenticate_token(token)
        if user is None or not user.has_perm("wms.use_api"):
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="FluxVantage API",
    version="1",
    description="Warehouse operations for integrations. Authenticate with "
    "`Authorization: Bearer <token>`; an admin creates tokens per user.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    field_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "field_errors": field_errors or {}}}
    return api.create_response(request, body, status=status)


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    field_errors: dict[str, list[str]] = {}
    for err in exc.errors:
        field_errors.setdefault(_field_name(list(err.get("loc", []))), []).append(
            str(err.get("msg", "invalid"))
        )
    return error_response(request, 422, "invalid", "The request has invalid fields.", field_errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "unauthenticated", "Send a valid API token: Authorization: Bearer <token>."
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc.message))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.field_errors)


def _error_field(field: str, error: DjangoValidationError) -> str:
    """Django reports a duplicate on a multi-field unique constraint (warehouse + code, client +
    SKU) as a non-field error; the API reports it under the constraint's last field, the one the
    caller typed (`__all__` becomes `code`, `items.3.__all__` becomes `items.3.sku`)."""
    prefix, _, name = field.rpartition(".")
    params = error.params if isinstance(error.params, dict) else {}
    if name == NON_FIELD_ERRORS and error.code == "unique_together" and params.get("unique_check"):
        name = str(params["unique_check"][-1])
    return f"{prefix}.{name}" if prefix else name


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    field_errors: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                field_errors.setdefault(_error_field(field, error), []).extend(error.messages)
    else:
        field_errors[NON_FIELD_ERRORS] = [str(m) for m in exc.messages]
    return error_response(request, 422, "invalid", "; ".join(exc.messages), field_errors)


class MeOut(Schema):
    email: str
    name: str
    role: str
    tenant: str
    warehouses: list[str]
    client: str | None


@api.get("/me", response=MeOut, tags=["account"], summary="Who this token acts as")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "email": user.email,
        "name": user.get_full_name(),
        "role": user.role,
        "tenant": connection.tenant.slug,  # type: ignore[attr-defined]
        "warehouses": sorted(user.warehouses.values_list("code", flat=True)),
        "client": user.client.code if user.client_id else None,
    }


# Each app's routes, by dotted path so that wms imports no app.
api.add_router("/", "inventory.api.router")
api.add_router("/", "receiving.api.router")
api.add_router("/", "picking.api.router")
api.add_router("/", "shipping.api.router")
api.add_router("/", "shipping.api_shipments.router")
api.add_router("/", "shipping.api_pack.router")
api.add_router("/", "billing.api.router")
