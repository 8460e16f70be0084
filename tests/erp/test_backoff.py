"""An ERP that cannot be reached: each attempt at a pending push waits twice as long as the one
before (ERP_RETRY_SECONDS * 2**(attempts-1), capped at ERP_RETRY_MAX_SECONDS), a row is not
tried again before its time, and after ERP_PUSH_MAX_ATTEMPTS it is failed with the reason.
The ERP here is a closed loopback port: no Tryton needed, the refusal is the real one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from erp.models import (
    ConnectionScope,
    Direction,
    DocumentType,
    SyncKind,
    SyncRecord,
    SyncState,
    UnknownSkuPolicy,
)
from erp.services.connections import ConnectionSpec, create_connection
from erp.services.outbound import push_record
from tests.live import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_row(manager: Any, east: Any, acme_outdoor: Any) -> SyncRecord:
    connection = create_connection(
        user=manager,
        spec=ConnectionSpec(
            name="Acme's ERP, switched off",
            scope=ConnectionScope.CLIENT,
            client=acme_outdoor,
            url=f"http://127.0.0.1:{free_port()}/",  # nothing listens there
            database="acme",
            username="admin",
            password="secret",
            warehouse_map={"WH": "EAST"},
            service_products={},
            unknown_sku_policy=UnknownSkuPolicy.REPORT,
            is_enabled=True,
        ),
    )
    return SyncRecord.objects.create(
        connection=connection,
        direction=Direction.OUTBOUND,
        kind=SyncKind.RECEIPT,
        erp_id=7,
        document_type=DocumentType.ASN,
        document_id=1,
        reference="ASN-1",
    )


def _make_due(row: SyncRecord) -> None:
    """The clock moves on to the row's next attempt."""
    SyncRecord.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_each_attempt_waits_twice_as_long_up_to_the_cap_then_the_row_fails(
    unreachable_row: SyncRecord, settings: Any
) -> None:
    settings.ERP_RETRY_SECONDS = 30
    settings.ERP_RETRY_MAX_SECONDS = 100
    settings.ERP_PUSH_MAX_ATTEMPTS = 4
    waits = []
    for attempt in (1, 2, 3):
        assert push_record(record_id=unreachable_row.pk) == SyncState.PENDING
        row = SyncRecord.objects.get(pk=unreachable_row.pk)
        assert row.attempts == attempt
        assert row.last_attempt_at is not None and row.next_attempt_at is not None
        waits.append(round((row.next_attempt_at - row.last_attempt_at).total_seconds()))
        assert f"(attempt {attempt})" in row.message
        assert "cannot be reached" in row.message

        # Not due yet: another run leaves the row alone, no attempt counted.
        assert push_record(record_id=unreachable_row.pk) == ""
        assert SyncRecord.objects.get(pk=unreachable_row.pk).attempts == attempt
        _make_due(row)

    assert waits == [30, 60, 100]

    assert push_record(record_id=unreachable_row.pk) == SyncState.FAILED
    row = SyncRecord.objects.get(pk=unreachable_row.pk)
    assert (row.state, row.attempts, row.next_attempt_at) == (SyncState.FAILED, 4, None)
    assert row.message.startswith("Gave up after 4 attempts: ")

    # A failed row waits for a manager (retry or skip): no run touches it again.
    _make_due(row)
    assert push_record(record_id=unreachable_row.pk) == ""
    assert SyncRecord.objects.get(pk=unreachable_row.pk).attempts == 4
