"""Links to the carriers' own public tracking pages, by the carrier name EasyPost reports. A
carrier not listed gets no link (the number is still shown)."""

from __future__ import annotations

from urllib.parse import quote

TRACKING_PAGES = {
    "UPS": "https://www.ups.com/track?tracknum={code}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={code}",
    "FEDEX": "https://www.fedex.com/fedextrack/?trknbr={code}",
    "DHL": "https://www.dhl.com/en/express/tracking.html?AWB={code}",
    "DHLEXPRESS": "https://www.dhl.com/en/express/tracking.html?AWB={code}",
    "CANADAPOST": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={code}",
}


def tracking_url(carrier: str, code: str) -> str:
    """The carrier's tracking page for the number, or "" when either is unknown."""
    page = TRACKING_PAGES.get(carrier.replace(" ", "").replace("_", "").upper())
    if not page or not code:
        return ""
    return page.format(code=quote(code, safe=""))
