"""Page-weight benchmark (issue 18, goal 5): bytes a handheld moves on a cold cache for the pick
page of a 30-line cluster cart and the floor home, and for one pick scan's answer, measured as
tests/pageweight.py measures them (status line, headers and body of the page and of every file it
loads, through WhiteNoise with the files collectstatic fingerprinted and precompressed). Beside
each, the baseline from the same run: the same requests from a client that accepts no compression
(what the issue measured: 64 to 68 KB a page). Goals: a page under 25 KB, a scan under 5 KB.

Then scans per pick (goal 1): the same cart, its lines alternately one and three units, picked
through the handheld's scan view as a scanner sends codes (bin, item, the count keyed once for
three units, the order's tote), counting the requests each pick took. The issue's figure from
before: 4 a pick (bin, item, an Enter for the quantity, tote)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db import connection as _connection
from django.test import Client as HttpClient

from tests.pageweight import (
    ACCEPT_ENCODING,
    body_of,
    cold_page_weight,
    collect_static,
    make_pick_list,
    production_static,
    transferred,
)

connection: Any = _connection

SLUG = "weight-bench"
LINES = 30
PAGE_GOAL = 25 * 1024
SCAN_GOAL = 5 * 1024


def _setup_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        tenant = services.register_tenant(
            name="Weight bench", slug=SLUG, admin_email="w@bench.test", password="bench-pass-123"
        )
        tenant = services.provision_tenant(tenant.pk)
    return tenant


def _identity(client: HttpClient, url: str) -> Any:
    """The same page without compression: a client that sends no Accept-Encoding."""
    from tests.pageweight import asset_urls

    response = client.get(url)
    total = transferred(response)
    for asset in asset_urls(body_of(response)):
        total += transferred(client.get(asset))
    return total


def _scan_answer(client: HttpClient, list_url: str, line: Any, encoding: str | None) -> int:
    headers = {"HTTP_HX_REQUEST": "true"}
    if encoding:
        headers["HTTP_ACCEPT_ENCODING"] = encoding
    response = client.post(
        f"{list_url}scan/", {"code": line.location.barcode, "line": line.pk}, **headers
    )
    assert response.status_code == 200
    return transferred(response)


def run() -> None:
    from inventory.models import Client, Warehouse
    from tests.factories import give_scope
    from wms.accounts.models import User

    tenant = _setup_tenant()
    connection.set_tenant(tenant)
    warehouse = Warehouse.objects.create(code="EAST", name="East")
    client = Client.objects.create(code="acme", name="Acme")
    manager = User.objects.create_user("manager@weight.bench", role="manager")
    operator = User.objects.create_user("operator@weight.bench", role="operator")
    give_scope(operator, warehouses=[warehouse])
    pick_list = make_pick_list(
        warehouse=warehouse, client=client, manager=manager, lines=LINES, quantities=(1, 3)
    )
    line = pick_list.lines.order_by("sequence").select_related("location").first()
    assert line is not None

    with tempfile.TemporaryDirectory() as root:
        collect_static(Path(root))
        with production_static(Path(root)):
            http = HttpClient(HTTP_HOST=f"{tenant.slug}.localhost")
            http.force_login(operator)
            connection.set_tenant(tenant)
            list_url = http.post("/floor/pick/work/")["Location"]
            rows = []
            for name, url in (("pick page", list_url), ("floor home", "/floor/")):
                weight = cold_page_weight(http, url)
                rows.append((name, weight.total, _identity(http, url), len(weight.assets)))
            scan = _scan_answer(http, list_url, line, ACCEPT_ENCODING)
            scan_plain = _scan_answer(
                http, list_url, pick_list.lines.order_by("sequence")[1], encoding=None
            )
            scans = _scans_per_pick(http, list_url, pick_list)

    print(f"Page weight: handheld on a cold cache ({LINES}-line pick list; KB = 1,024 bytes)")
    for name, total, plain, files in rows:
        verdict = "met" if total < PAGE_GOAL else "NOT met"
        print(
            f"  {name}: {total / 1024:.1f} KB with {files} files (Brotli/gzip, WhiteNoise); "
            f"baseline uncompressed {plain / 1024:.1f} KB; goal < 25 KB {verdict}"
        )
    verdict = "met" if scan < SCAN_GOAL else "NOT met"
    print(
        f"  pick scan answer: {scan / 1024:.2f} KB; baseline uncompressed "
        f"{scan_plain / 1024:.2f} KB; goal < 5 KB {verdict}"
    )
    single, multi = scans.get(1, []), scans.get(3, [])
    print(
        f"Scans per pick on a cluster cart ({len(single) + len(multi)} picks): one unit "
        f"{sum(single) / len(single):.1f} (bin, item, tote), three units "
        f"{sum(multi) / len(multi):.1f} (bin, item, count, tote); before: 4 (issue, with an "
        "Enter for the quantity); goal: the tote scan confirms, no extra Enter"
    )


def _scans_per_pick(http: HttpClient, list_url: str, pick_list: Any) -> dict[int, list[int]]:
    """Picks every line through the scan view; scans each took, by the line's quantity."""
    from picking.models import PickLineStatus

    totes: dict[int, str] = {}
    taken: dict[int, list[int]] = {}
    lines = pick_list.lines.order_by("sequence").select_related("location", "product")
    for line in lines:
        key = f"bench-{line.pk}"
        codes = [line.location.barcode, line.product.sku]
        if line.quantity > 1:
            codes.append(str(line.quantity))
        codes.append(totes.setdefault(line.order_id, f"TOTE-{len(totes) + 1:03d}"))
        fields: dict[str, str] = {"line": str(line.pk), "pick_key": key}
        for code in codes:
            response = http.post(
                f"{list_url}scan/", {**fields, "code": code}, HTTP_HX_REQUEST="true"
            )
            assert response.status_code == 200 and 'data-ok="1"' in response.text, code
            fields = _step_fields(response.text) or fields
            fields["pick_key"] = fields.get("pick_key") or key
        line.refresh_from_db()
        assert line.status == PickLineStatus.PICKED, line
        taken.setdefault(line.quantity, []).append(len(codes))
    return taken


def _step_fields(html: str) -> dict[str, str]:
    from tests.helpers import page

    return {
        str(field["name"]): str(field.get("value", ""))
        for field in page(html).select('input[type="hidden"][form="pick-scan"]')
    }
