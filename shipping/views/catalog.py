"""Desktop pages of the shipping catalog for admins and managers: box types, packaging materials
and carrier accounts. Each has a list (search, status filter, 50 a page, an htmx partial for the
table), create and edit forms, and deactivate/reactivate behind a confirmation."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from shipping import selectors
from shipping.forms import catalog as forms
from shipping.models import BoxType, CarrierAccount, PackagingMaterial
from shipping.services import catalog, tracking
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import confirm_active, form_page, found_or_404, list_page, page

VIEW = "shipping.view_catalog"
MANAGE = "shipping.manage_catalog"


# --- Box types ---------------------------------------------------------------------------------


@page(VIEW)
def box_type_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.BoxTypeFilterForm(request.GET)
    rows = selectors.search_box_types(request.user, **filters.filters())
    return list_page(request, "shipping/catalog/box_types.html", rows, filters)


@page(MANAGE, "GET", "POST")
def box_type_create(request: AuthedRequest) -> HttpResponse:
    form = forms.BoxTypeForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: catalog.create_box_type(**data),
        title="New box type",
        back="box_type_list",
    )


@page(MANAGE, "GET", "POST")
def box_type_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    box = found_or_404(selectors.get_box_type_for_user(request.user, pk))
    form = forms.BoxTypeForm(request.POST or None, instance=box)
    return form_page(
        request,
        form,
        lambda data: catalog.update_box_type(box, **data),
        title=f"Edit box type {box.code}",
        back="box_type_list",
    )


@page(MANAGE, "GET", "POST")
def box_type_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    box: BoxType = found_or_404(selectors.get_box_type_for_user(request.user, pk))
    return confirm_active(
        request,
        box,
        active,
        lambda: catalog.set_box_type_active(box, active),
        back="box_type_list",
        consequence="Cartonization no longer proposes it and packers cannot choose it. "
        "Cartons already packed in it keep it.",
    )


# --- Packaging materials -----------------------------------------------------------------------


@page(VIEW)
def material_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.MaterialFilterForm(request.GET)
    rows = selectors.search_packaging_materials(**filters.filters())
    return list_page(request, "shipping/catalog/materials.html", rows, filters)


@page(MANAGE, "GET", "POST")
def material_create(request: AuthedRequest) -> HttpResponse:
    form = forms.PackagingMaterialForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: catalog.create_packaging_material(**data),
        title="New packaging material",
        back="material_list",
    )


@page(MANAGE, "GET", "POST")
def material_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    material = found_or_404(selectors.search_packaging_materials().filter(pk=pk).first())
    form = forms.PackagingMaterialForm(request.POST or None, instance=material)
    return form_page(
        request,
        form,
        lambda data: catalog.update_packaging_material(material, **data),
        title=f"Edit packaging material {material.code}",
        back="material_list",
    )


@page(MANAGE, "GET", "POST")
def material_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    material: PackagingMaterial = found_or_404(
        selectors.search_packaging_materials().filter(pk=pk).first()
    )
    return confirm_active(
        request,
        material,
        active,
        lambda: catalog.set_packaging_material_active(material, active),
        back="material_list",
        consequence="Packers can no longer add it to a carton.",
    )


# --- Carrier accounts --------------------------------------------------------------------------


@page(VIEW)
def carrier_account_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.CarrierAccountFilterForm(request.GET)
    rows = selectors.search_carrier_accounts(**filters.filters())
    return list_page(request, "shipping/catalog/carrier_accounts.html", rows, filters)


@page(MANAGE, "GET", "POST")
def carrier_account_create(request: AuthedRequest) -> HttpResponse:
    form = forms.CarrierAccountForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: catalog.create_carrier_account(**data),
        title="New carrier account",
        back="carrier_account_list",
    )


@page(MANAGE, "GET", "POST")
def carrier_account_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    account = found_or_404(selectors.search_carrier_accounts().filter(pk=pk).first())
    form = forms.CarrierAccountForm(request.POST or None, instance=account)
    return form_page(
        request,
        form,
        lambda data: catalog.update_carrier_account(account, **data),
        title=f"Edit carrier account {account.easypost_id}",
        back="carrier_account_list",
    )


@page(MANAGE, "GET", "POST")
def carrier_account_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    account: CarrierAccount = found_or_404(
        selectors.search_carrier_accounts().filter(pk=pk).first()
    )
    return confirm_active(
        request,
        account,
        active,
        lambda: catalog.set_carrier_account_active(account, active),
        back="carrier_account_list",
        consequence="No more rates are asked on it. Labels already bought on it stay valid.",
    )


# --- The EasyPost webhook's secret -------------------------------------------------------------


@page(MANAGE, "GET", "POST")
def webhook_settings(request: AuthedRequest) -> HttpResponse:
    """The address to give EasyPost and this tenant's webhook secret, masked; a POST sets or
    rotates it and shows the new secret this once."""
    form = forms.WebhookSecretForm(request.POST or None)
    new_secret = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new_secret = tracking.set_webhook_secret(
                    user=request.user, secret=form.cleaned_data["secret"]
                )
            except DomainError as exc:
                form.add_error("secret", exc.message)
        if form.errors:
            status = 400
        else:
            form = forms.WebhookSecretForm()
    context = {
        "settings_row": selectors.carrier_settings(),
        "webhook_url": request.build_absolute_uri(reverse("easypost_webhook")),
        "form": form,
        "new_secret": new_secret,
    }
    return render(request, "shipping/catalog/webhook.html", context, status=status)
