"""The one way to make a label file: the API routes and the signed-in pages both call these, so an
LPN or bin label is built the same wherever it is downloaded from. The caller looks the object up
in the user's scope and checks the permission first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.http import HttpResponse

from inventory.models import Location, Lpn, Warehouse
from receiving import label_data, labels
from receiving.exceptions import LabelRefused
from receiving.labels import LabelSize
from wms.validation import code_problem

if TYPE_CHECKING:
    from wms.accounts.models import User

LabelFormat = Literal["pdf", "zpl"]
LABEL_SIZES = {"4x6": LabelSize.FOUR_BY_SIX, "4x2": LabelSize.FOUR_BY_TWO}
PDF = "application/pdf"
ZPL = "text/plain; charset=utf-8"
MAX_BULK_LOCATION_LABELS = 2000


@dataclass(frozen=True)
class LabelFile:
    """A file to download (labels, and other small generated files such as CSV)."""

    content: bytes
    content_type: str
    filename: str

    def response(self, *, inline: bool = False) -> HttpResponse:
        """The file as a download (or, `inline`, for the browser to show, e.g. a PDF in a tab)."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", self.filename)
        response = HttpResponse(self.content, content_type=self.content_type)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
        return response


def unprintable(locations: Sequence[Location]) -> list[str]:
    """The codes of the locations whose barcode a label cannot carry (not printable ASCII)."""
    return [location.code for location in locations if code_problem(location.barcode)]


def _printable(value: str, what: str) -> None:
    if problem := code_problem(value):
        raise LabelRefused(
            f"No label for {what}: {problem} Change it to printable ASCII first.",
            field_errors={"code": [problem]},
        )


def lpn_label_file(
    user: User, lpn: Lpn, *, size: str = "4x6", fmt: LabelFormat = "pdf"
) -> LabelFile:
    """An LPN label (SSCC from the LPN, contents as the user may see them) as PDF or ZPL; `size`
    is "4x6" or "4x2" (KeyError otherwise: callers validate)."""
    _printable(lpn.code, f"LPN {lpn.code}")
    sscc = label_data.sscc_of_lpn(lpn, settings.GS1_COMPANY_PREFIX)
    label = label_data.lpn_label_for(user, lpn, sscc=sscc)
    label_size = LABEL_SIZES[size]
    name = f"lpn-{lpn.code}-{size}"
    if fmt == "zpl":
        return LabelFile(labels.lpn_label_zpl(label, label_size).encode(), ZPL, f"{name}.zpl")
    return LabelFile(labels.render_lpn_label_pdf(label, label_size), PDF, f"{name}.pdf")


def location_label_file(location: Location, *, fmt: LabelFormat = "pdf") -> LabelFile:
    """A bin label; LabelRefused when its barcode is not printable ASCII."""
    _printable(location.barcode, f"location {location.code}")
    label = label_data.location_label_for(location)
    name = f"location-{location.warehouse.code}-{location.code}"
    if fmt == "zpl":
        return LabelFile(labels.location_label_zpl(label).encode(), ZPL, f"{name}.zpl")
    return LabelFile(labels.render_location_label_pdf(label), PDF, f"{name}.pdf")


def location_labels_file(
    warehouse: Warehouse, locations: Sequence[Location], *, fmt: LabelFormat = "pdf"
) -> LabelFile:
    """Many bin labels in the order given: one PDF page, or one ZPL format, per location.
    ValueError when there are none or more than MAX_BULK_LOCATION_LABELS."""
    if not locations:
        raise ValueError("No locations to print.")
    if len(locations) > MAX_BULK_LOCATION_LABELS:
        raise ValueError(
            f"{len(locations)} labels is more than {MAX_BULK_LOCATION_LABELS} at once: "
            "narrow the range."
        )
    if bad := unprintable(locations):
        raise LabelRefused(
            f"No labels: the barcodes of {', '.join(bad[:10])}"
            f"{f' and {len(bad) - 10} more' if len(bad) > 10 else ''} are not printable ASCII; "
            "change them first, or print a range without them."
        )
    rows = label_data.location_labels_for(locations)
    name = f"locations-{warehouse.code}-{locations[0].code}-{locations[-1].code}"
    if fmt == "zpl":
        return LabelFile(labels.location_labels_zpl(rows).encode(), ZPL, f"{name}.zpl")
    return LabelFile(labels.render_location_labels_pdf(rows), PDF, f"{name}.pdf")
