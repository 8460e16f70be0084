"""The 3PL's branding in the portal: its name always, and the logo a manager sets on the desk,
served from the same origin; anything but a small PNG, JPEG or WebP is refused."""

from __future__ import annotations

import base64
import io

from portal.models import Branding
from tests.helpers import assert_nothing_written, element

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _file(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_the_portal_shows_the_3pls_name_and_the_logo_a_manager_set(
    http_for, manager, client_user, acme
):
    portal = http_for(client_user)
    assert element(portal.get("/portal/").content, ".brand").get_text(strip=True) == acme.name
    http_for(manager).post("/branding/", {"logo": _file(PNG, "logo.png")})
    assert Branding.objects.get().content_type == "image/png"
    logo = element(portal.get("/portal/").content, ".brand img")
    assert logo["src"] == "/portal/logo/"
    served = portal.get("/portal/logo/")
    assert (served["Content-Type"], served.content) == ("image/png", PNG)


def test_an_svg_or_a_big_file_is_refused_and_nothing_is_written(http_for, manager, acme):
    http = http_for(manager)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with assert_nothing_written(except_tables=["django_session"]):
        refused = http.post("/branding/", {"logo": _file(svg, "logo.png")})
        too_big = http.post("/branding/", {"logo": _file(PNG + b"\0" * 300_000, "big.png")})
    assert "must be a PNG, JPEG or WebP" in refused.content.decode()
    assert "at most 200 kB" in too_big.content.decode()


def test_only_managers_and_admins_set_the_logo(http_for, client_user, operator, acme):
    with assert_nothing_written(except_tables=["django_session"]):
        for user in (client_user, operator):
            assert (
                http_for(user).post("/branding/", {"logo": _file(PNG, "l.png")}).status_code == 403
            )
