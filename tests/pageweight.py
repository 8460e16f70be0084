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
from typing import Any

import brotli
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

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


def max_age(cache_control: str) -> int:
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name == "max-age" and value.isdigit():
            return int(value)
    return 0
