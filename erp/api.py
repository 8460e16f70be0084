"""The ERP routes under /api/v1/ (mounted by wms.api by dotted path): connections (CRUD, test,
pull now, reconcile now) and the sync log (list with filters, retry, skip). Managers and admins
only; everything else is 403 with nothing written. "Test" logs in to the ERP and answers what it
found; "sync" and "reconcile" hand the work to a worker and answer 202."""

# No `from __future__ import annotations`: ninja reads Query[...] parameters at import time.
from typing import Any

from django.db import connection as db
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from erp import selectors
from erp.models import ErpConnection, SyncRecord
from erp.schemas import (
    ConnectionIn,
    ConnectionOut,
    QueuedOut,
    RecordOut,
    RecordQuery,
    SkipIn,
    TestOut,
)
from erp.services import connections, records
from inventory.selectors import References
from shipping.services.shipments import send_task
from wms.accounts.models import User
from wms.api_common import Page, found, user_of
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["erp"])

MANAGE = "erp.manage_erp"


def _user(request: HttpRequest) -> User:
    user: User = user_of(request)
    require(user, MANAGE)
    return user


def _connection(user: User, pk: int) -> ErpConnection:
    return found(selectors.get_connection_for_user(user, pk), f"No ERP connection {pk}.")


def _out(connection: ErpConnection) -> ErpConnection:
    connection.has_password = bool(connection.password_encrypted)  # type: ignore[attr-defined]
    return connection


def _spec(user: User, payload: ConnectionIn) -> connections.ConnectionSpec:
    client = None
    if payload.client:
        refs = References(user)
        client = refs.client(payload.client)
        refs.check()
    return connections.ConnectionSpec(
        name=payload.name,
        scope=payload.scope,
        client=client,
        url=payload.url,
        database=payload.database,
        username=payload.username,
        password=payload.password,
        warehouse_map=dict(payload.warehouse_map),
        service_products=dict(payload.service_products),
        unknown_sku_policy=payload.unknown_sku_policy,
        is_enabled=payload.is_enabled,
    )


def _queue(name: str, pk: int) -> QueuedOut:
    send_task(name, [pk], {"_schema_name": db.schema_name})  # type: ignore[attr-defined]
    return QueuedOut(queued=True, task=name)


@router.get("/erp-connections", response=list[ConnectionOut], summary="ERP connections")
@paginate(Page)
def list_connections(request: HttpRequest) -> Any:
    return [_out(c) for c in selectors.connections_for_user(_user(request)).order_by("name")]


@router.post("/erp-connections", response={201: ConnectionOut}, summary="Add an ERP connection")
def create_connection(request: HttpRequest, payload: ConnectionIn) -> Any:
    """One per client (its ERP) and one for our own books; the password is stored encrypted."""
    user = _user(request)
    made = connections.create_connection(user=user, spec=_spec(user, payload))
    return Status(201, _out(made))


@router.get("/erp-connections/{pk}", response=ConnectionOut, summary="An ERP connection")
def get_connection(request: HttpRequest, pk: IdParam) -> Any:
    return _out(_connection(_user(request), pk))


@router.put("/erp-connections/{pk}", response=ConnectionOut, summary="Change an ERP connection")
def update_connection(request: HttpRequest, pk: IdParam, payload: ConnectionIn) -> Any:
    """Omit the password to keep the stored one."""
    user = _user(request)
    current = _connection(user, pk)
    return _out(
        connections.update_connection(user=user, connection=current, spec=_spec(user, payload))
    )


@router.post("/erp-connections/{pk}/test", response=TestOut, summary="Test an ERP connection")
def test_connection(request: HttpRequest, pk: IdParam) -> Any:
    """Logs in to the ERP and says what it found (or why not); records the answer."""
    report = connections.test_connection(connection_id=_connection(_user(request), pk).pk)
    return TestOut(ok=report.ok, message=report.message, details=report.details)


@router.post("/erp-connections/{pk}/sync", response={202: QueuedOut}, summary="Pull now")
def sync_connection(request: HttpRequest, pk: IdParam) -> Any:
    """Asks a worker to pull the client's ERP now (the beat does it every few minutes)."""
    return Status(202, _queue("erp.pull", _connection(_user(request), pk).pk))


@router.post("/erp-connections/{pk}/reconcile", response={202: QueuedOut}, summary="Reconcile now")
def reconcile_connection(request: HttpRequest, pk: IdParam) -> Any:
    return Status(202, _queue("erp.reconcile", _connection(_user(request), pk).pk))


@router.get("/erp-sync-log", response=list[RecordOut], summary="The ERP sync log")
@paginate(Page)
def list_records(request: HttpRequest, filters: Query[RecordQuery]) -> Any:
    query = selectors.RecordFilters(
        connection_id=filters.connection,
        state=filters.state or "",
        direction=filters.direction or "",
        kind=filters.kind or "",
        query=filters.q or "",
    )
    return selectors.records_for_user(_user(request), query)


def _record(user: User, pk: int) -> SyncRecord:
    return found(selectors.get_record_for_user(user, pk), f"No sync log row {pk}.")


@router.post("/erp-sync-log/{pk}/retry", response=RecordOut, summary="Retry a failed row")
def retry_record(request: HttpRequest, pk: IdParam) -> Any:
    """The row becomes pending and a worker tries it after commit (409 unless it failed)."""
    user = _user(request)
    return records.retry_record(user=user, record=_record(user, pk))


@router.post("/erp-sync-log/{pk}/skip", response=RecordOut, summary="Skip a row")
def skip_record(request: HttpRequest, pk: IdParam, payload: SkipIn) -> Any:
    """Never tried again; the reason is kept (409 unless pending or failed)."""
    user = _user(request)
    return records.skip_record(user=user, record=_record(user, pk), reason=payload.reason)
