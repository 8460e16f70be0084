"""ERP connections: create and change them (the password is encrypted and never read back), and
"test connection", which logs in and says what it found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from erp.adapters.base import ConnectionReport, ErpAdapter
from erp.adapters.registry import adapter_for
from erp.exceptions import ConnectionRefused, ErpError
from erp.models import ConnectionScope, ErpConnection
from inventory.models import Client, Warehouse
from wms.crypto import encrypt

if TYPE_CHECKING:
    from wms.accounts.models import User

SERVICE_KINDS = ("storage", "receiving", "picking", "packing", "shipping", "vas", "minimum")


@dataclass(frozen=True)
class ConnectionSpec:
    """A connection as a form or API body gives it; `password` None keeps the stored one."""

    name: str
    scope: str
    client: Client | None
    url: str
    database: str
    username: str
    password: str | None
    warehouse_map: dict[str, str]
    service_products: dict[str, str]
    unknown_sku_policy: str
    is_enabled: bool
    kind: str = "tryton"


def _check(spec: ConnectionSpec, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    parts = urlsplit(spec.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors["url"] = [f"Give the ERP's address as http(s)://host:port/; got {spec.url!r}."]
    if spec.scope == ConnectionScope.CLIENT and spec.client is None:
        errors["client"] = ["A client's ERP names the client."]
    if spec.scope == ConnectionScope.BOOKS and spec.client is not None:
        errors["client"] = ["Our own books belong to no client; leave the client empty."]
    if creating and not spec.password:
        errors["password"] = ["Enter the ERP user's password."]
    ours = set(
        Warehouse.objects.filter(code__in=spec.warehouse_map.values()).values_list(
            "code", flat=True
        )
    )
    unknown = sorted(set(spec.warehouse_map.values()) - ours)
    if unknown:
        errors["warehouse_map"] = [f"No warehouse of ours has the code {', '.join(unknown)}."]
    if len(set(spec.warehouse_map.values())) != len(spec.warehouse_map):
        errors.setdefault("warehouse_map", []).append("Map each of our warehouses once.")
    odd = sorted(set(spec.service_products) - {*SERVICE_KINDS, "default"})
    if odd:
        errors["service_products"] = [
            f"Unknown billing kind {', '.join(odd)}; use {', '.join(SERVICE_KINDS)} or default."
        ]
    if errors:
        raise ConnectionRefused(next(iter(errors.values()))[0], field_errors=errors)
    fields: dict[str, Any] = {
        "name": spec.name.strip(),
        "kind": spec.kind,
        "scope": spec.scope,
        "client": spec.client,
        "url": spec.url.strip(),
        "database": spec.database.strip(),
        "username": spec.username.strip(),
        "warehouse_map": dict(spec.warehouse_map),
        "service_products": dict(spec.service_products),
        "unknown_sku_policy": spec.unknown_sku_policy,
        "is_enabled": spec.is_enabled,
    }
    if spec.password:
        fields["password_encrypted"] = encrypt(spec.password)
    return fields


def _save(connection: ErpConnection, fields: dict[str, Any]) -> ErpConnection:
    for name, value in fields.items():
        setattr(connection, name, value)
    connection.updated_at = timezone.now()
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError as exc:
        what = "this client" if connection.client_id else "our own books"
        raise ConnectionRefused(
            f"There is already an ERP connection for {what}; change that one.",
            field_errors={"client" if connection.client_id else "scope": ["Already connected."]},
        ) from exc
    return connection


@transaction.atomic
def create_connection(*, user: User, spec: ConnectionSpec) -> ErpConnection:
    """Saves a new connection with its password encrypted. One per client, one for our books."""
    return _save(ErpConnection(), _check(spec, creating=True))


@transaction.atomic
def update_connection(
    *, user: User, connection: ErpConnection, spec: ConnectionSpec
) -> ErpConnection:
    """Changes a connection; an empty password keeps the stored one."""
    locked = ErpConnection.objects.select_for_update().get(pk=connection.pk)
    return _save(locked, _check(spec, creating=False))


def test_connection(*, connection_id: int) -> ConnectionReport:
    """Logs in to the ERP (outside any transaction), checks the connection's warehouse and
    service-product mappings against what the ERP has, and records what it found or why not."""
    connection = ErpConnection.objects.get(pk=connection_id)
    try:
        with adapter_for(connection) as adapter:
            report = _check_mapping(connection, adapter, adapter.test())
    except ErpError as exc:
        report = ConnectionReport(ok=False, message=exc.message)
    ErpConnection.objects.filter(pk=connection_id).update(
        last_test_at=timezone.now(),
        last_test_ok=report.ok,
        last_test_message="\n".join([report.message, *report.details]),
    )
    return report


def _check_mapping(
    connection: ErpConnection, adapter: ErpAdapter, report: ConnectionReport
) -> ConnectionReport:
    details = list(report.details)
    missing = sorted(set(connection.warehouse_map) - set(report.warehouse_codes))
    if missing:
        return ConnectionReport(
            ok=False,
            message=f"Logged in, but the ERP has no warehouse {', '.join(missing)} (mapped on "
            "this connection).",
            details=details,
        )
    codes = sorted(set(connection.service_products.values()))
    absent = sorted(set(codes) - set(adapter.products(codes))) if codes else []
    if absent:
        return ConnectionReport(
            ok=False,
            message=f"Logged in, but the ERP has no product {', '.join(absent)} (mapped as a "
            "billing service on this connection).",
            details=details,
        )
    if connection.scope == ConnectionScope.CLIENT and not connection.warehouse_map:
        details.append("No warehouse is mapped yet: nothing can be pulled.")
    return ConnectionReport(ok=report.ok, message=report.message, details=details)
