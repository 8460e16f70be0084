"""Where a webhook may be sent: https to an address on the public internet. Loopback is allowed
only when WEBHOOK_ALLOW_LOOPBACK is set (tests, `make run`), and then over plain http too;
private, link-local (cloud metadata at 169.254.169.254), shared, multicast and reserved addresses
never. Checked when an endpoint is saved and again before every send, since a name can come to
resolve elsewhere after it was saved."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

# Metadata services that are not in a link-local range.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    found = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        found.append(address)
    return found


def url_problem(url: str) -> str | None:
    """Why a webhook may not be sent to `url`, or None when it may."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"{url!r} is not a URL."
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return f"Give the endpoint as https://host/path; got {url!r}."
    if parts.username or parts.password:
        return "Leave credentials out of the URL; the signature authenticates each message."
    if host in METADATA_HOSTS:
        return f"{host} is a cloud metadata service; webhooks are never sent there."
    try:
        addresses = _addresses(host, port)
    except (OSError, UnicodeError):
        return f"{host} does not resolve to an address."
    allow_loopback = bool(settings.WEBHOOK_ALLOW_LOOPBACK)
    for address in addresses:
        if address.is_loopback and allow_loopback:
            continue
        if address.is_loopback:
            return f"{host} is this machine ({address}); webhooks go to the internet only."
        if address.is_link_local:
            return f"{host} resolves to the link-local address {address} (cloud metadata)."
        if not address.is_global or address.is_multicast:
            return f"{host} resolves to {address}, inside a private network."
    if parts.scheme != "https" and not (allow_loopback and all(a.is_loopback for a in addresses)):
        return f"Webhooks are sent over https only; got {parts.scheme}://."
    return None
