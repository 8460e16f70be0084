"""The REST API root, /api/v1/. Bearer tokens act as their user (role and scope included).
Every error is JSON: {"error": {"code", "message", "field_errors"}}; bad input is a 4xx. An
unhandled exception is logged and answers the same envelope (500 server_error); paths and
methods the API does not know get it from wms.middleware.ApiErrorMiddleware. The OpenAPI
document lists each operation's error responses with the envelope's schema (ErrorOut), added
here for every operation at once."""

from __future__ import annotations

import logging
from typing import Any

from csp.decorators import csp_update
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer

from wms.accounts.selectors import authenticate_token
from wms.errors import error_body
from wms.exceptions import DomainError
from wms.schemas import ErrorOut

# Django's own logger for failed requests, so an API 500 reaches the same handlers (and admin
# e-mails) as any other.
request_logger = logging.getLogger("django.request")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(connection, "schema_name", "public") == "public":
            return None
        user = authenticate_token(token)
        if user is None or not user.has_perm("wms.use_api"):
            return None
        request.user = user
        return user


ERROR_RESPONSES = {
    "400": "Refused: the action is not possible as asked (the message says why).",
    "401": "No valid API token: send Authorization: Bearer <token>.",
    "403": "Your role or scope may not do this; nothing was written.",
    "404": "No such object in your scope.",
    "409": "Conflicts with the current state (or an Idempotency-Key used for another request).",
    "422": "Invalid input: field_errors names each field and what is wrong with it.",
    "default": "Any other error (405, 500, 503…), in the same envelope.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def error_statuses(path: str, method: str) -> list[str]:
    """The error responses an operation documents: 401, 403 and 422 for every one; 404 where the
    path names an object; 400 and 409 for writes; the envelope for anything else."""
    statuses = ["401", "403", "422"]
    if "{" in path:
        statuses.append("404")
    if method in WRITE_METHODS:
        statuses += ["400", "409"]
    return [*sorted(statuses), "default"]


class WmsApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        envelope = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(envelope.pop("$defs", {}))
        components["ErrorOut"] = envelope
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in error_statuses(path, method):
                    responses.setdefault(
                        status, {"description": ERROR_RESPONSES[status], "content": content}
                    )
        return schema


api = WmsApi(
    title="FluxVantage API",
    version="1",
    description="Warehouse operations for integrations. Authenticate with "
    "`Authorization: Bearer <token>`; an admin or a manager creates tokens per user "
    "(POST /api/v1/tokens, or the Users pages).",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    # Swagger UI's stylesheet draws its icons from data: images; nothing else needs more than
    # the site's policy (its scripts are static files, its settings a JSON block).
    docs_decorator=csp_update({"img-src": ["data:"]}),
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    field_errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = error_body(code, message, field_errors)
    return api.create_response(request, body, status=status)


def _message(error: dict[str, Any]) -> str:
    """pydantic's message without its "Value error, " prefix (our validators' own sentences)."""
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    field_errors: dict[str, list[str]] = {}
    for err in exc.errors:
        field_errors.setdefault(_field_name(list(err.get("loc", []))), []).append(_message(err))
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


@api.exception_handler(Exception)
def on_unhandled(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not bad input: logged with its traceback, and answered in the envelope (never an
    HTML page, whatever DEBUG says) without details a client should not see."""
    request_logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    response = error_response(
        request, 500, "server_error", "Something went wrong on our side; it has been logged."
    )
    response._has_been_logged = True  # type: ignore[attr-defined]  # by us, with the traceback
    return response


api.add_router("/", "wms.accounts.api.router")
# Each app's routes, by dotted path so that wms imports no app.
api.add_router("/", "inventory.api.router")
api.add_router("/", "control.api.router")
api.add_router("/", "receiving.api.router")
api.add_router("/", "picking.api.router")
api.add_router("/", "shipping.api.router")
api.add_router("/", "billing.api.router")
api.add_router("/", "erp.api.router")
api.add_router("/", "webhooks.api.router")
api.add_router("/", "channels.api.router")
