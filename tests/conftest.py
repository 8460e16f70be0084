"""Session tenants (created once, kept by --reuse-db), per-test tenant activation, and personas.

Tests roll back per test. Never use transactional_db or live_server here: their flush empties only
the schema active at teardown and wipes the tenant registry (docs/architecture.md, "Tests"). Tests
that need
committed data across processes use the live stack (tests/live.py) on its own database."""

from __future__ import annotations

import os

# Playwright's sync API leaves an asyncio loop on the main thread after the browser tests, and
# Django then refuses ORM calls from the tests that follow ("async context"). Those tests are
# synchronous; this is Django's documented switch for exactly this case, for the test run only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import setup_databases

from tests.factories import ClientFactory, UserFactory, WarehouseFactory

TENANT_SLUGS = ("acme", "globex", "ledgerlab")
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    from tenants import services
    from tenants.models import Tenant, TenantStatus

    with django_db_blocker.unblock():
        # pytest-django sets up only the databases that marked tests ask for. A run of nothing
        # but committed_tenant tests (no django_db marker) would otherwise leave the connection
        # on the development database, and the fixture would empty a real tenant's tables.
        if connection.settings_dict["NAME"] != connection.settings_dict["TEST"]["NAME"]:
            setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=True)
        connection.set_schema_to_public()
        services.ensure_public_tenant()
        services.ensure_template_tenant()
        for slug in TENANT_SLUGS:
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant = services.register_tenant(
                    name=slug.title(),
                    slug=slug,
                    admin_email=f"owner@{slug}.test",
                    password=PASSWORD,
                )
            if tenant.status != TenantStatus.READY:
                tenant = services.provision_tenant(tenant.pk)
            assert tenant.status == TenantStatus.READY, tenant.failure_reason
        connection.set_schema_to_public()


def _activate(slug: str) -> Any:
    from tenants.models import Tenant

    connection.set_schema_to_public()
    tenant = Tenant.objects.get(slug=slug)
    connection.set_tenant(tenant)
    return tenant


TENANT_TABLE_PREFIXES = (
    "inventory_",
    "receiving_",
    "picking_",
    "shipping_",
    "billing_",
    "erp_",
    "webhooks_",
    "saleschannels_",
    "portal_",
    "accounts_",
    "idempotency_",
    "axes_",
    "django_session",
)


def _empty_tenant_tables(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        tables = [
            f'"{schema}"."{name}"'
            for (name,) in cursor.fetchall()
            if name.startswith(TENANT_TABLE_PREFIXES)
        ]
        if tables:
            # TRUNCATE is not UPDATE or DELETE: the stock-move trigger rightly lets it through.
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture
def committed_tenant(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """The `ledgerlab` tenant with real commits (no test transaction around the test), for tests
    that use several connections at once. Emptied before and after."""
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"], (
            "committed_tenant must run on the test database"
        )
        tenant = _activate("ledgerlab")
        _empty_tenant_tables("ledgerlab")
        try:
            yield tenant
        finally:
            connection.set_tenant(tenant)
            _empty_tenant_tables("ledgerlab")
            connection.set_schema_to_public()


@pytest.fixture
def public(db: None) -> Iterator[None]:
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def acme(db: None) -> Iterator[Any]:
    """The tenant most tests run in; active on the connection."""
    tenant = _activate("acme")
    yield tenant
    connection.set_schema_to_public()


@pytest.fixture
def globex(db: None) -> Any:
    """A second tenant, for isolation tests. Not activated: use `use_tenant(globex)`."""
    from tenants.models import Tenant

    connection.set_schema_to_public()
    tenant = Tenant.objects.get(slug="globex")
    return tenant


@pytest.fixture
def use_tenant() -> Callable[[Any], Any]:
    """Switches the connection to a tenant (requests through the test client switch it too)."""

    def switch(tenant: Any) -> Any:
        connection.set_schema_to_public()
        connection.set_tenant(tenant)
        return tenant

    return switch


def host_of(tenant: Any) -> str:
    return f"{tenant.slug}.localhost"


@pytest.fixture
def http_for(acme: Any) -> Callable[..., HttpClient]:
    """A browser-like client for a tenant's host, optionally signed in as a user."""

    def make(user: Any = None, tenant: Any = None) -> HttpClient:
        tenant = tenant or acme
        client = HttpClient(HTTP_HOST=host_of(tenant))
        if user is not None:
            connection.set_tenant(tenant)
            client.force_login(user)
        return client

    return make


# Personas, each in the acme tenant. The warehouse and client they are scoped to are `east` and
# `acme_outdoor`; `west` and `other_client` are out of an operator's and a client user's scope.
@pytest.fixture
def east(acme: Any) -> Any:
    return WarehouseFactory(code="EAST")


@pytest.fixture
def west(acme: Any) -> Any:
    return WarehouseFactory(code="WEST")


@pytest.fixture
def acme_outdoor(acme: Any) -> Any:
    return ClientFactory(code="acme-outdoor")


@pytest.fixture
def other_client(acme: Any) -> Any:
    return ClientFactory(code="other-brand")


@pytest.fixture
def admin_user(acme: Any) -> Any:
    return UserFactory(role="admin", email="admin@acme.test", is_staff=True, is_superuser=True)


@pytest.fixture
def manager(acme: Any) -> Any:
    return UserFactory(role="manager", email="manager@acme.test")


@pytest.fixture
def operator(acme: Any, east: Any) -> Any:
    return UserFactory(role="operator", email="operator@acme.test", warehouses=[east])


@pytest.fixture
def client_user(acme: Any, acme_outdoor: Any) -> Any:
    return UserFactory(role="client", email="client@acme.test", client=acme_outdoor)
