from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django_tenants.utils import schema_exists, tenant_context

from tenants import services
from tenants.models import Domain, Tenant, TenantStatus
from wms.accounts.models import Role, User

pytestmark = pytest.mark.usefixtures("public")


def public_http() -> HttpClient:
    return HttpClient(HTTP_HOST="localhost")


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "company_name": "Northwind Fulfilment",
        "slug": "northwind",
        "admin_email": "Boss@Northwind.test",
        "password": "a-long-secret-99",
    }
    data.update(overrides)
    return data


def test_landing_page_links_to_signup() -> None:
    response = public_http().get("/")
    assert response.status_code == 200
    assert b'href="/signup/"' in response.content


def test_signup_provisions_tenant_in_a_task_and_admin_can_sign_in(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = public_http().post("/signup/", signup_data())
    tenant = Tenant.objects.get(slug="northwind")
    # The request only queued the work: no schema, no domain yet.
    assert response.status_code == 302
    assert response["Location"] == f"/signup/{tenant.signup_token}/"
    assert tenant.status == TenantStatus.PENDING
    assert not schema_exists("northwind")
    assert not Domain.objects.filter(tenant=tenant).exists()
    assert len(callbacks) == 1

    callbacks[0]()  # the provisioning task (eager in tests)

    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.READY
    assert tenant.pending_admin_password == ""
    assert Domain.objects.get(tenant=tenant).domain == "northwind.localhost"
    status_page = public_http().get(f"/signup/{tenant.signup_token}/")
    assert b"Your site is ready" in status_page.content
    assert b"http://northwind.localhost/accounts/login/" in status_page.content
    with tenant_context(tenant):
        admin = User.objects.get()
        assert (admin.email, admin.role, admin.is_superuser) == (
            "boss@northwind.test",
            Role.ADMIN,
            True,
        )
    login = HttpClient(HTTP_HOST="northwind.localhost").post(
        "/accounts/login/", {"username": "boss@northwind.test", "password": "a-long-secret-99"}
    )
    assert login.status_code == 302
    connection.set_schema_to_public()


def test_signup_status_polls_while_pending(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        public_http().post("/signup/", signup_data())
    tenant = Tenant.objects.get(slug="northwind")
    partial = public_http().get(f"/signup/{tenant.signup_token}/", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="signup-status"')
    assert 'hx-trigger="load delay:700ms"' in body
    assert "Queued" in body


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("acme", "already taken"),
        ("admin", "is reserved"),
        ("www", "is reserved"),
        ("No_Caps", "lowercase letters"),
        ("ab", "3 to 32 characters"),
        ("-lead", "starting with a letter"),
        ("trail-", "not ending with a hyphen"),
        ("a--b", "one hyphen in a row"),
    ],
)
def test_bad_slug_is_a_field_error_and_creates_nothing(slug: str, message: str) -> None:
    before = Tenant.objects.count()
    response = public_http().post("/signup/", signup_data(slug=slug))
    assert response.status_code == 200
    errors = response.context["form"].errors["slug"]
    assert any(message in e for e in errors), errors
    assert Tenant.objects.count() == before


def test_weak_password_is_refused() -> None:
    response = public_http().post("/signup/", signup_data(password="password"))
    assert "password" in response.context["form"].errors
    assert not Tenant.objects.filter(slug="northwind").exists()


def test_failed_provisioning_is_marked_failed_leaves_nothing_reachable_and_can_retry(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    tenant = services.register_tenant(
        name="Flaky", slug="flaky", admin_email="a@flaky.test", password="a-long-secret-99"
    )

    def explode(tenant: Tenant) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_create_admin", explode)
    services.provision_tenant(tenant.pk)

    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.FAILED
    assert tenant.failure_reason == "RuntimeError: disk full"
    assert not schema_exists("flaky")
    assert not Domain.objects.filter(tenant=tenant).exists()
    assert HttpClient(HTTP_HOST="flaky.localhost").get("/accounts/login/").status_code == 404
    page = public_http().get(f"/signup/{tenant.signup_token}/")
    assert b"Setting up failed: RuntimeError: disk full" in page.content

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = public_http().post(f"/signup/{tenant.signup_token}/retry/")
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.READY
    assert schema_exists("flaky")
    connection.set_schema_to_public()


def test_provisioning_twice_does_not_redo_a_ready_tenant() -> None:
    acme = Tenant.objects.get(slug="acme")
    ready_at = acme.ready_at
    again = services.provision_tenant(acme.pk)
    assert (again.status, again.ready_at) == (TenantStatus.READY, ready_at)


def test_unknown_tenant_host_is_a_plain_404() -> None:
    response = HttpClient(HTTP_HOST="nosuch.localhost").get("/")
    assert response.status_code == 404
    assert b"Not found" in response.content
    assert b"acme" not in response.content.lower()


def test_create_tenant_command_provisions_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command(
        "create_tenant",
        "cmd-made",
        name="Cmd Made",
        admin_email="x@cmd.test",
        password="a-long-secret-99",
    )
    tenant = Tenant.objects.get(slug="cmd-made")
    assert tenant.schema_name == "cmd_made"
    assert tenant.status == TenantStatus.READY
    assert "ready at cmd-made.localhost" in capsys.readouterr().out
    connection.set_schema_to_public()
