"""Desk pages of shipments and manifests (managers and admins), and the small shipment status
partial the pack station polls (floor staff in scope)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from inventory.selectors import warehouses_for_user
from picking.services.orders import ShipTo
from shipping import selectors
from shipping.api.shipments import label_response, manifest_response
from shipping.exceptions import CarrierError
from shipping.models import ManifestStatus, Shipment, ShipmentStatus
from shipping.rates import RateMessage
from shipping.services import dispatch, rating
from wms.accounts.models import User
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, page, table_page
from wms.permissions import require
from wms.validation import CodeField, TextField, filter_text

PAGE_SIZE = 50
MANAGE = "shipping.manage_shipments"
# While the task works, the packer's partial asks again this often.
POLL_SECONDS = 2


class AddressForm(forms.Form):
    name = TextField(max_length=120)
    company = TextField(max_length=120, required=False)
    street1 = TextField(max_length=200)
    street2 = TextField(max_length=200, required=False)
    city = TextField(max_length=100)
    state = TextField(max_length=50, required=False)
    postal_code = TextField(max_length=20)
    country = CodeField(max_length=2, min_length=2, initial="US")
    phone = TextField(max_length=40, required=False)
    email = forms.EmailField(required=False)


class ManifestForm(forms.Form):
    warehouse: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None)
    carrier = CodeField(max_length=32, help_text="As EasyPost names it: USPS, UPS, FedEx…")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["warehouse"].queryset = warehouses_for_user(user)  # type: ignore[attr-defined]


def _address_initial(shipment: Shipment) -> dict[str, str]:
    order = shipment.order
    return {
        name: getattr(order, f"ship_to_{name}")
        for name in (
            "name",
            "company",
            "street1",
            "street2",
            "city",
            "state",
            "postal_code",
            "country",
            "phone",
            "email",
        )
    }


def _shipment(request: AuthedRequest, pk: int) -> Shipment:
    shipment = selectors.get_shipment_for_user(request.user, pk)
    if shipment is None:
        raise Http404("No such shipment.")
    return shipment


SHIPMENT_COLUMNS = (
    Column("#", lambda s: s.pk, ("pk",), key="id"),
    Column("Order", lambda s: s.order.reference, ("order__reference",)),
    Column("Carton", lambda s: s.carton.number if s.carton else "", ("carton__number",)),
    Column("Warehouse", lambda s: s.warehouse.code, ("warehouse__code",)),
    Column("Status", lambda s: s.get_status_display(), ("status",)),
    Column(
        "Carrier / service", lambda s: f"{s.carrier} {s.service}".strip(), ("carrier", "service")
    ),
    Column("Amount", lambda s: f"{s.amount} {s.currency}" if s.amount else "", ("amount",)),
    Column("Tracking", lambda s: s.tracking_code, ("tracking_code",)),
    Column("Created", lambda s: s.created_at.isoformat(timespec="seconds"), ("created_at",)),
)


@page(MANAGE)
def shipment_list(request: AuthedRequest) -> HttpResponseBase:
    """Shipments filtered by the URL (status, order, carrier, warehouse), sortable, exported."""
    filters = {
        name: filter_text(request.GET, name) for name in ("status", "order", "carrier", "warehouse")
    }
    rows = selectors.shipments_for_user(request.user, **filters)
    return table_page(
        request,
        "shipping/shipments/list.html",
        rows,
        columns=SHIPMENT_COLUMNS,
        csv_name="shipments",
        filters=filters,
        statuses=ShipmentStatus.choices,
        carriers=selectors.shipment_carriers(request.user),
    )


@page(MANAGE)
def shipment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    shipment = _shipment(request, pk)
    return _detail(request, shipment, AddressForm(initial=_address_initial(shipment)))


def _detail(
    request: AuthedRequest, shipment: Shipment, form: AddressForm, status: int = 200
) -> HttpResponse:
    rates = sorted(shipment.rates or [], key=lambda r: (float(r.get("amount") or 0), r["carrier"]))
    context = {
        "shipment": shipment,
        "rates": rates,
        "form": form,
        "can_retry": shipment.status in (ShipmentStatus.NEEDS_ATTENTION, ShipmentStatus.VOIDED),
        "can_void": shipment.status == ShipmentStatus.LABEL_PURCHASED
        and not shipment.refund_status,
        "waiting_for": rating.waiting_for(shipment),
        "manifest_ready": selectors.manifest_is_ready(shipment.manifest_id),
        "rate_notes": [
            RateMessage(carrier=m.get("carrier") or "", message=m.get("message") or "").text
            for m in shipment.rate_messages or []
        ],
        "events": shipment.tracking_events.all()[:20],
    }
    return render(request, "shipping/shipments/detail.html", context, status=status)


@page(MANAGE, "POST")
def shipment_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Retries; with `fix_address` checked the form's address replaces the order's first."""
    shipment = _shipment(request, pk)
    form = AddressForm(request.POST)
    fix = request.POST.get("fix_address") == "1"
    if fix and not form.is_valid():
        return _detail(request, shipment, form, status=400)
    address = ShipTo(**form.cleaned_data) if fix else None
    try:
        rating.retry_shipment(shipment=shipment, user=request.user, address=address)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Shipment {shipment.pk} is rating again.")
    return redirect("shipment_detail", pk=shipment.pk)


@page(MANAGE, "POST")
def shipment_reconcile(request: AuthedRequest, pk: int) -> HttpResponse:
    """Asks EasyPost what it has for a shipment left between two states and shows the result."""
    shipment = _shipment(request, pk)
    try:
        result = rating.reconcile_shipment(shipment_id=shipment.pk, user=request.user)
    except (DomainError, CarrierError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, result.message)
    return redirect("shipment_detail", pk=shipment.pk)


@page(MANAGE, "GET", "POST")
def shipment_void(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST refunds the label through EasyPost."""
    shipment = _shipment(request, pk)
    if request.method == "POST":
        try:
            rating.void_label(shipment=shipment, user=request.user)
        except (DomainError, CarrierError) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"The label {shipment.tracking_code} was voided.")
        return redirect("shipment_detail", pk=shipment.pk)
    return render(request, "shipping/shipments/void.html", {"shipment": shipment})


@page(MANAGE)
def shipment_label(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    shipment = _shipment(request, pk)
    if not (shipment.label_pdf if fmt == "pdf" else shipment.label_zpl):
        raise Http404("This shipment has no label in that format.")
    return label_response(shipment, fmt)


@login_required
@require_GET
def shipment_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """The status partial of one shipment; it polls itself while the task works."""
    return _status_partial(request, selectors.get_shipment_for_user(request.user, pk))


@login_required
@require_GET
def carton_shipment_status(request: AuthedRequest, carton_id: int) -> HttpResponse:
    return _status_partial(request, selectors.get_shipment_for_carton(request.user, carton_id))


def _status_partial(request: AuthedRequest, shipment: Shipment | None) -> HttpResponse:
    if shipment is None:
        raise Http404("No such shipment.")
    if not request.user.has_perm(MANAGE):
        require(request.user, "shipping.pack", shipment)
    working = shipment.status in (ShipmentStatus.RATING, ShipmentStatus.RATED)
    return render(
        request,
        "shipping/_shipment_status.html",
        {"shipment": shipment, "working": working, "poll_seconds": POLL_SECONDS},
    )


# --- Manifests ---------------------------------------------------------------------------------


# The status filter's choices: the scan form still being made is named for the filter, not with
# the sentence its row shows ("Waiting for the carrier").
MANIFEST_FILTER_STATUSES = [
    (value, "Form being made" if value == ManifestStatus.CREATING else label)
    for value, label in ManifestStatus.choices
]
MANIFEST_COLUMNS = (
    Column("Date", lambda m: m.date.isoformat(), ("date",)),
    Column("Warehouse", lambda m: m.warehouse.code, ("warehouse__code",)),
    Column("Carrier", lambda m: m.carrier, ("carrier",)),
    Column("EasyPost scan form", lambda m: m.easypost_id, ("easypost_id",), key="scan_form"),
    Column("Status", lambda m: m.get_status_display(), ("status",)),
    Column(
        "Created by", lambda m: m.created_by.email if m.created_by else "", ("created_by__email",)
    ),
    Column(""),
)


@page(MANAGE, "GET", "POST")
def manifest_list(request: AuthedRequest) -> HttpResponseBase:
    """The manifests filtered by the URL (status, carrier, warehouse code), sortable and
    exported, and a form that creates one for a warehouse, carrier and day."""
    if request.method == "POST":
        form = ManifestForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                manifest = dispatch.create_manifest(
                    warehouse=data["warehouse"],
                    carrier_name=data["carrier"],
                    day=data["date"],
                    user=request.user,
                )
            except (DomainError, CarrierError) as exc:
                form.add_error(None, exc.message)
            else:
                count = manifest.shipments.count()
                text = f"Manifest of {count} {manifest.carrier} shipment(s) created."
                if manifest.status != ManifestStatus.READY:
                    text += " EasyPost is still making its form: the PDF appears here when ready."
                messages.success(request, text)
                return redirect("manifest_list")
    else:
        form = ManifestForm(
            user=request.user,
            initial={"date": timezone.localdate(), "carrier": "USPS"},
        )
    filters = {name: filter_text(request.GET, name) for name in ("status", "carrier", "warehouse")}
    response = table_page(
        request,
        "shipping/shipments/manifests.html",
        selectors.manifests_for_user(request.user, **filters),
        columns=MANIFEST_COLUMNS,
        csv_name="manifests",
        form=form,
        filters=filters,
        statuses=MANIFEST_FILTER_STATUSES,
        carriers=selectors.manifest_carriers(request.user),
    )
    if request.method == "POST":
        response.status_code = 400
    return response


@page(MANAGE)
def manifest_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    manifest = selectors.get_manifest_for_user(request.user, pk)
    if manifest is None or not manifest.form_pdf:
        raise Http404("No such manifest PDF.")
    return manifest_response(manifest)
