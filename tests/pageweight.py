"""What a handheld page moves over the wire on a cold cache, measured, not estimated: the page and
every stylesheet, script and image it names, each fetched through Django's test client with a
browser's `Accept-Encoding` and the production static pipeline (WhiteNoise serving the files
CompressedManifestStaticFilesStorage fingerprinted and precompressed with Brotli and gzip, and
GZipMiddleware compressing the HTML). Bytes are the status line, headers and (compressed) body of
each response. Used by tests/floor/test_page_weight.py and by `make bench`."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import brotli
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

if TYPE_CHECKING:
    from picking.models import PickList

ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
ONE_YEAR_SECONDS = 365 * 24 * 3600


def collect_static(root: Path) -> None:
    """collectstatic as a deploy runs it (production storage) into `root`."""
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)


@contextmanager
def production_static(root: Path) -> Iterator[None]:
    """Settings under which clients made inside the block serve `root` as production does
    (WhiteNoise right after SecurityMiddleware, as wms.settings.prod puts it)."""
    middleware = list(settings.MIDDLEWARE)
    if "whitenoise.middleware.WhiteNoiseMiddleware" not in middleware:
        security = middleware.index("django.middleware.security.SecurityMiddleware")
        middleware.insert(security + 1, "whitenoise.middleware.WhiteNoiseMiddleware")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES, MIDDLEWARE=middleware):
        yield


def body_of(response: Any) -> bytes:
    """The bytes on the wire (still compressed)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def transferred(response: Any, body: bytes | None = None) -> int:
    """Status line, headers (cookies included), blank line and body, as HTTP/1.1 sends them."""
    body = body_of(response) if body is None else body
    status = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n".encode()
    cookies = "".join(f"{morsel.output()}\r\n" for morsel in response.cookies.values())
    return len(status) + len(response.serialize_headers()) + len(cookies.encode()) + 4 + len(body)


def decoded(response: Any, body: bytes) -> bytes:
    encoding = response.headers.get("Content-Encoding", "")
    if encoding == "br":
        return bytes(brotli.decompress(body))
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


@dataclass
class PageWeight:
    url: str
    page: int
    assets: dict[str, int] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)
    cache_control: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.page + sum(self.assets.values())


def asset_urls(html: bytes) -> list[str]:
    """The stylesheets, scripts and images a browser fetches for the page, in order."""
    soup = BeautifulSoup(html, "html.parser")
    urls = [tag["src"] for tag in soup.select("script[src], img[src]")]
    urls += [tag["href"] for tag in soup.select('link[rel~="stylesheet"][href], link[rel~="icon"]')]
    return list(dict.fromkeys(str(url) for url in urls if not str(url).startswith("data:")))


def cold_page_weight(client: Any, url: str) -> PageWeight:
    """The bytes of `url` and its assets for a browser with an empty cache."""
    response = client.get(url, HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING)
    assert response.status_code == 200, (url, response.status_code)
    body = body_of(response)
    weight = PageWeight(url=url, page=transferred(response, body))
    weight.encodings[url] = response.headers.get("Content-Encoding", "")
    for asset in asset_urls(decoded(response, body)):
        fetched = client.get(asset, HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING)
        assert fetched.status_code == 200, (asset, fetched.status_code)
        weight.assets[asset] = transferred(fetched)
        weight.encodings[asset] = fetched.headers.get("Content-Encoding", "")
        weight.cache_control[asset] = fetched.headers.get("Cache-Control", "")
    return weight


def make_pick_list(
    *, warehouse: Any, client: Any, manager: Any, lines: int, quantities: tuple[int, ...] = (2,)
) -> PickList:
    """A released cluster cart of three orders and `lines` pick lines, one product per bin (with
    a staging place and three totes), for measuring a pick page that carries a real list. Line n
    asks for quantities[n % len(quantities)] units."""
    from inventory.models import LocationKind, LpnKind
    from inventory.services import ledger
    from inventory.services.master import ensure_virtual_locations
    from picking.services.orders import OrderLineSpec, ShipTo, create_order
    from picking.services.waves import create_wave, release_wave
    from tests.factories import LocationFactory, LpnFactory, ProductBarcodeFactory, ProductFactory

    ensure_virtual_locations(warehouse)
    LocationFactory(warehouse=warehouse, code="STAGE-1", kind=LocationKind.STAGING)
    for n in range(1, 4):
        LpnFactory(code=f"TOTE-{n:03d}", warehouse=warehouse, kind=LpnKind.TOTE)
    ship_to = ShipTo(
        name="Ada Lovelace", street1="1 Analytical Way", city="Boston", postal_code="02110"
    )
    specs: list[list[Any]] = [[], [], []]
    for n in range(lines):
        location = LocationFactory(
            warehouse=warehouse,
            code=f"A-{n:02d}-03-B",
            barcode=f"B-A-{n:02d}-03-B",
            kind=LocationKind.PICK_FACE,
            is_pickable=True,
            pick_sequence=n * 10,
        )
        product = ProductFactory(client=client, sku=f"SKU-{n:05d}", name=f"Trail item {n}")
        ProductBarcodeFactory(product=product, barcode=f"{4006381000000 + n:013d}")
        ledger.receive(user=manager, product=product, location=location, quantity=20)
        specs[n % 3].append(OrderLineSpec(product, quantities[n % len(quantities)]))
    orders = [
        create_order(
            client=client,
            warehouse=warehouse,
            reference=f"SO-{n}",
            ship_to=ship_to,
            lines=order_lines,
            user=manager,
        )[0]
        for n, order_lines in enumerate(specs, start=1)
    ]
    wave = create_wave(warehouse=warehouse, order_ids=[o.pk for o in orders], user=manager).wave
    [pick_list] = release_wave(
        wave=wave, user=manager, pick_method="cluster", orders_per_cart=4
    ).pick_lists
    return pick_list


def max_age(cache_control: str) -> int:
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name == "max-age" and value.isdigit():
            return int(value)
    return 0
