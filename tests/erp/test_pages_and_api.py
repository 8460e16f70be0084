"""The managers' ERP desk and API: connections (the password never shown back), the sync log with
its filters, retry and skip asked first, the failures line on the managers' home; other roles
get 403 and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from erp import schemas
from erp import tasks as erp_tasks
from erp.models import (
    ConnectionScope,
    Direction,
    ErpConnection,
    ReconciliationRun,
    SyncKind,
    SyncRecord,
    SyncState,
)
from tests.helpers import assert_nothing_written, element, table_records, text_by_id
from wms.crypto import decrypt

pytestmark = pytest.mark.django_db

ERP_ROUTES = {
    "/api/v1/erp-connections": {"get", "post"},
    "/api/v1/erp-connections/{pk}": {"get", "put"},
    "/api/v1/erp-connections/{pk}/test": {"post"},
    "/api/v1/erp-connections/{pk}/sync": {"post"},
    "/api/v1/erp-connections/{pk}/reconcile": {"post"},
    "/api/v1/erp-sync-log": {"get"},
    "/api/v1/erp-sync-log/{pk}/retry": {"post"},
    "/api/v1/erp-sync-log/{pk}/skip": {"post"},
}


@pytest.fixture
def connection(manager: Any, acme_outdoor: Any, east: Any) -> ErpConnection:
    from erp.services.connections import ConnectionSpec, create_connection

    spec = ConnectionSpec(
        name="Outdoor Tryton",
        scope=ConnectionScope.CLIENT,
        client=acme_outdoor,
        url="http://127.0.0.1:9/",
        database="outdoor",
        username="wms",
        password="s3cret-pass",
        warehouse_map={"WH": "EAST"},
        service_products={},
        unknown_sku_policy="report",
        is_enabled=True,
    )
    return create_connection(user=manager, spec=spec)


@pytest.fixture
def failed(connection: ErpConnection) -> SyncRecord:
    return SyncRecord.objects.create(
        connection=connection,
        direction=Direction.OUTBOUND,
        kind=SyncKind.RECEIPT,
        state=SyncState.FAILED,
        event_id=1,
        reference="PO-9",
        message="UserError: no",
        attempts=1,
    )


def test_the_api_creates_a_connection_and_never_returns_the_password(
    manager_api: Any, acme_outdoor: Any, east: Any
) -> None:
    body = {
        "name": "Outdoor ERP",
        "client": "acme-outdoor",
        "url": "http://127.0.0.1:9/",
        "database": "outdoor",
        "username": "wms",
        "password": "top-secret-1",
        "warehouse_map": {"WH": "EAST"},
    }
    response = manager_api.post("/erp-connections", body)

    assert response.status_code == 201, response.content
    made = response.json()
    assert made["has_password"] is True and "password" not in made
    assert "top-secret-1" not in response.content.decode()
    stored = ErpConnection.objects.get(pk=made["id"])
    assert decrypt(stored.password_encrypted) == "top-secret-1"
    assert "top-secret-1" not in stored.password_encrypted
    listed = manager_api.get("/erp-connections").json()
    assert [c["name"] for c in listed["items"]] == ["Outdoor ERP"]
    assert "top-secret-1" not in str(listed)
    # One ERP per client.
    again = manager_api.post("/erp-connections", body | {"name": "Twice"})
    assert again.status_code == 422 and again.json()["error"]["code"] == "erp_connection_refused"


def test_the_api_tests_a_connection_and_says_why_it_failed(
    manager_api: Any, connection: ErpConnection
) -> None:
    answer = manager_api.post(f"/erp-connections/{connection.pk}/test", {}).json()
    assert answer["ok"] is False
    assert answer["message"].startswith("The ERP cannot be reached at http://127.0.0.1:9")


def test_the_sync_log_api_lists_filters_retries_and_skips(
    manager_api: Any, failed: SyncRecord, django_capture_on_commit_callbacks: Any
) -> None:
    assert [r["id"] for r in manager_api.get("/erp-sync-log", state="failed").json()["items"]] == [
        failed.pk
    ]
    assert manager_api.get("/erp-sync-log", state="done").json()["items"] == []

    with django_capture_on_commit_callbacks(execute=False) as sent:
        retried = manager_api.post(f"/erp-sync-log/{failed.pk}/retry", {})
    assert retried.status_code == 200 and retried.json()["state"] == "pending"
    assert len(sent) == 1  # the worker is asked after commit, never in the request
    again = manager_api.post(f"/erp-sync-log/{failed.pk}/retry", {})
    assert again.status_code == 409

    skipped = manager_api.post(f"/erp-sync-log/{failed.pk}/skip", {"reason": "Keyed by hand"})
    assert skipped.json()["state"] == "skipped"
    assert skipped.json()["skip_reason"].startswith("Keyed by hand")


def test_operators_and_client_users_get_403_and_nothing_is_written(
    api_as: Any, operator: Any, client_user: Any, failed: SyncRecord
) -> None:
    for user in (operator, client_user):
        api = api_as(user)
        with assert_nothing_written(except_tables=("accounts_apitoken",)):
            assert api.get("/erp-connections").status_code == 403
            assert api.post(f"/erp-sync-log/{failed.pk}/retry", {}).status_code == 403


def test_the_desk_shows_connections_without_the_password(
    http_for: Any, manager: Any, connection: ErpConnection
) -> None:
    web = http_for(manager)
    home = web.get("/erp/")
    assert home.status_code == 200
    assert [r["Name"] for r in table_records(home.content, with_column="Failed rows")] == [
        "Outdoor Tryton"
    ]
    detail = web.get(f"/erp/connections/{connection.pk}/")
    assert "Stored (encrypted)" in text_by_id(detail.content, "connection-facts")
    edit = web.get(f"/erp/connections/{connection.pk}/edit/")
    assert b"s3cret-pass" not in edit.content
    assert element(edit.content, "input[name=password]").get("value") in (None, "")


def test_the_desk_edit_keeps_the_password_when_left_empty(
    http_for: Any, manager: Any, connection: ErpConnection, east: Any, acme_outdoor: Any
) -> None:
    form = {
        "name": "Renamed",
        "scope": "client",
        "client": acme_outdoor.pk,
        "url": "http://127.0.0.1:9/",
        "database": "outdoor",
        "username": "wms",
        "password": "",
        "warehouse_map": "WH = EAST",
        "service_products": "",
        "unknown_sku_policy": "create",
        "is_enabled": "on",
    }
    response = http_for(manager).post(f"/erp/connections/{connection.pk}/edit/", form)
    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.name, connection.unknown_sku_policy) == ("Renamed", "create")
    assert decrypt(connection.password_encrypted) == "s3cret-pass"
    bad = http_for(manager).post(
        f"/erp/connections/{connection.pk}/edit/", form | {"warehouse_map": "WH EAST"}
    )
    assert "write one pair a line" in bad.content.decode()


def test_the_log_page_asks_before_retry_and_skip(
    http_for: Any, manager: Any, failed: SyncRecord
) -> None:
    web = http_for(manager)
    rows = table_records(web.get("/erp/log/?state=failed").content, with_column="Attempts")
    assert [r["Reference"] for r in rows] == ["PO-9"]
    with assert_nothing_written():
        asked = web.get(f"/erp/log/{failed.pk}/retry/")
    assert asked.status_code == 200 and "UserError: no" in text_by_id(
        asked.content, "record-message"
    )
    refused = web.post(f"/erp/log/{failed.pk}/skip/", {"reason": ""})
    assert refused.status_code == 200
    failed.refresh_from_db()
    assert failed.state == SyncState.FAILED
    web.post(f"/erp/log/{failed.pk}/skip/", {"reason": "Done by hand"})
    failed.refresh_from_db()
    assert failed.state == SyncState.SKIPPED


def test_a_connection_with_failures_shows_on_the_managers_home(
    http_for: Any, manager: Any, operator: Any, failed: SyncRecord
) -> None:
    home = http_for(manager).get("/dashboard/")
    assert "Outdoor Tryton: 1 failed" in text_by_id(home.content, "erp-failures")
    failed.state = SyncState.DONE
    failed.save()
    assert b'id="erp-failures"' not in http_for(manager).get("/dashboard/").content


def test_other_roles_cannot_open_the_desk(http_for: Any, operator: Any, client_user: Any) -> None:
    for user in (operator, client_user):
        assert http_for(user).get("/erp/").status_code == 403
        assert http_for(user).get("/erp/log/").status_code == 403


def test_the_api_choices_are_the_models() -> None:
    assert schemas.CHOICES["state"] == ["pending", "done", "failed", "skipped"]
    assert set(schemas.RecordQuery.model_fields["kind"].annotation.__args__[0].__args__) == set(
        schemas.CHOICES["kind"]
    )


def test_the_openapi_document_lists_the_erp_routes(http_for: Any, manager: Any) -> None:
    paths = http_for(manager).get("/api/v1/openapi.json").json()["paths"]
    listed = {path: set(methods) for path, methods in paths.items() if path in ERP_ROUTES}
    assert listed == ERP_ROUTES


def test_the_api_changes_a_connection_and_keeps_the_password_when_omitted(
    manager_api: Any, connection: ErpConnection
) -> None:
    body = {
        "name": "Outdoor Tryton (new host)",
        "client": "acme-outdoor",
        "url": "http://127.0.0.1:10/",
        "database": "outdoor2",
        "username": "wms2",
        "warehouse_map": {"WH": "EAST"},
        "is_enabled": False,
    }
    response = manager_api.put(f"/erp-connections/{connection.pk}", body)

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Outdoor Tryton (new host)"
    stored = ErpConnection.objects.get(pk=connection.pk)
    assert (stored.url, stored.database, stored.username, stored.is_enabled) == (
        "http://127.0.0.1:10/",
        "outdoor2",
        "wms2",
        False,
    )
    assert decrypt(stored.password_encrypted) == "s3cret-pass"
    assert manager_api.put("/erp-connections/999999", body).status_code == 404


def test_reconcile_now_through_the_api_records_why_the_erp_could_not_answer(
    manager_api: Any, connection: ErpConnection
) -> None:
    assert erp_tasks.reconcile_connection.name == "erp.reconcile"  # sent by name: registered
    answer = manager_api.post(f"/erp-connections/{connection.pk}/reconcile", {})

    assert answer.status_code == 202
    assert answer.json() == {"queued": True, "task": "erp.reconcile"}
    run = ReconciliationRun.objects.get(connection=connection)
    assert run.error.startswith("The ERP cannot be reached at http://127.0.0.1:9")
    assert run.differences == 0


def test_the_sync_log_sorts_by_attempts_filters_by_state_and_exports(
    http_for: Any, manager: Any, connection: ErpConnection
) -> None:
    import csv
    import io

    for n, (reference, state, attempts) in enumerate(
        [("PO-1", SyncState.FAILED, 3), ("PO-2", SyncState.FAILED, 7), ("PO-3", SyncState.DONE, 1)]
    ):
        SyncRecord.objects.create(
            connection=connection,
            direction=Direction.OUTBOUND,
            kind=SyncKind.RECEIPT,
            state=state,
            event_id=100 + n,
            reference=reference,
            attempts=attempts,
        )
    http = http_for(manager)
    response = http.get("/erp/log/", {"state": "failed", "sort": "-attempts"})
    rows = table_records(response.content, with_column="Reference")
    assert [(r["Reference"], r["Attempts"]) for r in rows] == [("PO-2", "7"), ("PO-1", "3")]
    assert element(response.content, "th[aria-sort=descending]").get_text(strip=True) == "Attempts"
    direction = element(response.content, "select[name=direction] option")
    assert direction.get_text(strip=True) == "Any direction"
    export = http.get("/erp/log/", {"state": "failed", "sort": "reference", "format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(body)))
    assert [(r["Reference"], r["State"], r["Attempts"]) for r in records] == [
        ("PO-1", "Failed", "3"),
        ("PO-2", "Failed", "7"),
    ]
