from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("acme")


def sign_in(email: str, password: str = PASSWORD) -> tuple[HttpClient, Any]:
    http = HttpClient(HTTP_HOST="acme.localhost")
    return http, http.post("/accounts/login/", {"username": email, "password": password})


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("admin_user", "/dashboard/"),
        ("manager", "/dashboard/"),
        ("operator", "/floor/"),
        ("client_user", "/portal/"),
    ],
)
def test_each_role_lands_where_its_work_is(
    request: pytest.FixtureRequest, persona: str, landing: str
) -> None:
    user = request.getfixturevalue(persona)
    http, response = sign_in(user.email)
    assert response.status_code == 302
    home = http.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == landing
    assert http.get(landing).status_code == 200


def test_email_is_case_insensitive_at_sign_in(manager: Any) -> None:
    _, response = sign_in("Manager@ACME.test")
    assert response.status_code == 302


def test_wrong_password_shows_an_error(manager: Any) -> None:
    _, response = sign_in(manager.email, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in response.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(manager: Any) -> None:
    for _ in range(5):
        sign_in(manager.email, "wrong")
    _, response = sign_in(manager.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_deactivated_user_cannot_sign_in(manager: Any) -> None:
    manager.is_active = False
    manager.save()
    _, response = sign_in(manager.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_sign_out_needs_post_and_ends_the_session(manager: Any) -> None:
    http, _ = sign_in(manager.email)
    response = http.post("/accounts/logout/")
    assert response.status_code == 302
    assert http.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_password_change(manager: Any) -> None:
    http, _ = sign_in(manager.email)
    response = http.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-Secret-pass",
            "new_password2": "n3w-Secret-pass",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("n3w-Secret-pass")


def test_password_reset_mails_a_link_that_sets_a_new_password(manager: Any) -> None:
    http = HttpClient(HTTP_HOST="acme.localhost")
    response = http.post("/accounts/password_reset/", {"email": manager.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    assert "http://acme.localhost/accounts/reset/" in link
    path = link.split("acme.localhost", 1)[1].strip()
    form_page = http.get(path, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = http.post(
        set_url, {"new_password1": "Fresh-pass-123", "new_password2": "Fresh-pass-123"}
    )
    assert done.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("Fresh-pass-123")


def test_password_reset_for_unknown_email_sends_nothing_but_says_the_same() -> None:
    response = HttpClient(HTTP_HOST="acme.localhost").post(
        "/accounts/password_reset/", {"email": "nobody@x.test"}
    )
    assert response.status_code == 302
    assert mail.outbox == []


def test_session_cookie_is_host_only(manager: Any) -> None:
    http, _ = sign_in(manager.email)
    cookie = http.cookies["sessionid"]
    assert cookie["domain"] == ""
    assert cookie["httponly"] is True
