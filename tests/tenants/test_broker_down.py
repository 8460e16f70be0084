"""A sign-up while the broker is down: the request answers as usual (302 to the status page), the
tenant waits, queued, and the sweeper sends its provisioning once the broker is back.

The broker here is a real redis-server on a loopback port of its own: absent (nothing listens)
for the sign-up, started for the sweeper. Provisioning itself then runs eagerly."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import kombu.pools
import pytest
import redis
from django.db import connection
from django.test import Client as HttpClient
from django.utils import timezone
from django_tenants.utils import schema_exists

from devtools import devstack
from tenants import services
from tenants.models import Tenant, TenantStatus
from tenants.tasks import requeue_stalled_tenants_task
from wms.celery import app

pytestmark = pytest.mark.usefixtures("public")


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """The project's Celery app sends to `url` for real (not eagerly) inside the block."""

    def drop_connections() -> None:
        kombu.pools.reset()  # closes and forgets kombu's process-wide pools
        app._pool = None
        app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    drop_connections()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        drop_connections()
        app.conf.broker_url, app.conf.task_always_eager = saved


@pytest.fixture
def broker_port() -> int:
    port = devstack.free_port(47300)
    assert not devstack.port_answers("127.0.0.1", port)
    return port


@contextmanager
def redis_server(port: int) -> Iterator[redis.Redis]:
    """A private redis-server on `port`, stopped (and its files gone) after the block."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (Debian package redis-server)"
    workdir = tempfile.mkdtemp(prefix="fv-broker-")
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            if devstack.redis_answers("127.0.0.1", port, timeout=0.1):
                break
            subprocess.run(["sleep", "0.05"], check=True)
        yield client
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def queued_provisionings(client: redis.Redis) -> list[int]:
    """The tenant pks of the provisioning tasks waiting in the default queue."""
    pks = []
    for raw in client.lrange("celery", 0, -1):
        message = json.loads(raw)
        assert message["headers"]["task"] == "tenants.provision_tenant"
        assert message["headers"]["_schema_name"] == "public"
        args, _, _ = json.loads(base64.b64decode(message["body"]))
        pks.append(args[0])
    return pks


def sign_up(slug: str, on_commit: Callable[..., Any]) -> Any:
    with on_commit(execute=True):
        return HttpClient(HTTP_HOST="localhost").post(
            "/signup/",
            {
                "company_name": "Northwind Fulfilment",
                "slug": slug,
                "admin_email": "boss@northwind.test",
                "password": "a-long-secret-99",
            },
        )


def test_signup_with_the_broker_down_waits_and_the_sweeper_sends_it_once_the_broker_is_back(
    broker_port: int, django_capture_on_commit_callbacks: Any
) -> None:
    url = f"redis://127.0.0.1:{broker_port}/0"
    with celery_broker(url):
        response = sign_up("northwind", django_capture_on_commit_callbacks)

        tenant = Tenant.objects.get(slug="northwind")
        assert response.status_code == 302
        assert response["Location"] == f"/signup/{tenant.signup_token}/"
        assert (tenant.status, tenant.progress) == (
            TenantStatus.PENDING,
            "Queued: waiting for a worker",
        )
        assert not schema_exists("northwind")
        page = HttpClient(HTTP_HOST="localhost").get(response["Location"])
        assert page.status_code == 200
        assert b"Queued: waiting for a worker" in page.content

        # Within the first minute the sweeper leaves it alone; after it, it sends it again.
        assert requeue_stalled_tenants_task.apply().get() == []
        Tenant.objects.filter(pk=tenant.pk).update(
            progress_at=timezone.now() - timedelta(minutes=2)
        )
        with redis_server(broker_port) as broker:
            with django_capture_on_commit_callbacks(execute=True):
                assert requeue_stalled_tenants_task.apply().get() == [tenant.pk]
            assert queued_provisionings(broker) == [tenant.pk]
            tenant.refresh_from_db()
            assert tenant.status == TenantStatus.PENDING
            assert tenant.progress_at > timezone.now() - timedelta(seconds=30)

    # What the worker then does with that message (eagerly here):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_provisioning(tenant.pk)
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.READY
    assert schema_exists("northwind")
    connection.set_schema_to_public()


def test_retry_button_with_the_broker_down_does_not_fail_either(
    broker_port: int, django_capture_on_commit_callbacks: Any
) -> None:
    tenant = services.register_tenant(
        name="Flaky", slug="flaky", admin_email="a@flaky.test", password="a-long-secret-99"
    )
    Tenant.objects.filter(pk=tenant.pk).update(status=TenantStatus.FAILED, failure_reason="boom")
    with (
        celery_broker(f"redis://127.0.0.1:{broker_port}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = HttpClient(HTTP_HOST="localhost").post(f"/signup/{tenant.signup_token}/retry/")
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert (tenant.status, tenant.progress, tenant.failure_reason) == (
        TenantStatus.PENDING,
        "Queued: waiting for a worker",
        "",
    )
    assert not schema_exists("flaky")


def test_sweeper_takes_dead_provisioning_runs_and_leaves_failed_and_fresh_ones(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def register(slug: str, status: str, minutes_ago: int) -> Tenant:
        tenant = services.register_tenant(
            name=slug, slug=slug, admin_email=f"a@{slug}.test", password="a-long-secret-99"
        )
        Tenant.objects.filter(pk=tenant.pk).update(
            status=status, progress_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
        return tenant

    dead = register("dead-run", TenantStatus.PROVISIONING, 11)
    register("live-run", TenantStatus.PROVISIONING, 5)
    register("gave-up", TenantStatus.FAILED, 60)
    register("just-now", TenantStatus.PENDING, 0)
    sent: list[int] = []
    monkeypatch.setattr(services, "send_provisioning", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stalled_tenants() == [dead.pk]

    assert sent == [dead.pk]
    statuses = dict(
        Tenant.objects.filter(slug__in=["dead-run", "live-run", "gave-up", "just-now"]).values_list(
            "slug", "status"
        )
    )
    assert statuses == {
        "dead-run": TenantStatus.PENDING,
        "live-run": TenantStatus.PROVISIONING,
        "gave-up": TenantStatus.FAILED,
        "just-now": TenantStatus.PENDING,
    }


def test_sweeper_is_scheduled_once_a_minute_in_the_public_schema_only() -> None:
    from django.conf import settings

    from wms.beat import ReadyTenantsScheduler

    entries = ReadyTenantsScheduler._tenant_aware_beat_schedule_to_dict(
        ReadyTenantsScheduler.__new__(ReadyTenantsScheduler), settings.CELERY_BEAT_SCHEDULE
    )
    sweeper = entries["requeue-stalled-tenants@public"]
    assert sweeper["task"] == "tenants.requeue_stalled_tenants"
    assert sweeper["schedule"] == 60.0
    assert sweeper["options"]["headers"] == {"_schema_name": "public"}
    assert [name for name in entries if name.startswith("requeue-stalled-tenants")] == [
        "requeue-stalled-tenants@public"
    ]
    # The scheduler sends to ready schemas only, and the public one is among them.
    assert ReadyTenantsScheduler.get_queryset().filter(schema_name="public").exists()
