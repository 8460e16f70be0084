"""Desktop pages of the shipping catalog for admins and managers: box types, packaging materials
and carrier accounts. Each has a list (search, status filter, 50 a page, an htmx partial for the
table), create and edit forms, and deactivate/reactivate behind a confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from rules.contrib.views import permission_required

from shipping import selectors
from shipping.forms import catalog as forms
from shipping.models import BoxType, CarrierAccount, PackagingMaterial
from shipping.services import catalog, tracking
from wms.exceptions import DomainError
from wms.http import AuthedRequest

PAGE_SIZE = 50
VIEW = "shipping.view_catalog"
MANAGE = "shipping.manage_catalog"


def _list_page(
    request: AuthedRequest, template: str, rows: QuerySet[Any], filters: BaseForm
) -> HttpResponse:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    name = f"{template}#table" if request.htmx else template
    return render(request, name, {"page": page, "filters": filters})


def _form_page(
    request: AuthedRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], object],
    *,
    title: str,
    back: str,
) -> HttpResponse:
    """Shows the form; a valid POST calls one service and goes back to the list. A refusal is
    shown on the form and nothing is saved."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(dict(form.cleaned_data))
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except DomainError as exc:
            for name, errors in exc.field_errors.items():
                form.add_error(name if name in form.fields else None, errors)
            if not exc.field_errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, f"Saved {saved}.")
            return redirect(back)
    context = {"form": form, "title": title, "back_url": reverse(back)}
    return render(request, "shipping/catalog/form.html", context)


def _confirm_active(
    request: AuthedRequest,
    subject: Model,
    active: bool,
    change: Callable[[], object],
    *,
    back: str,
    consequence: str,
) -> HttpResponse:
    """GET asks for confirmation; POST does it."""
    if request.method == "POST":
        change()
        messages.success(request, f"{'Reactivated' if active else 'Deactivated'} {subject}.")
        return redirect(back)
    context = {
        "subject": subject,
        "active": active,
        "consequence": consequence,
        "back_url": reverse(back),
    }
    return render(request, "shipping/catalog/confirm_active.html", context)


def _found(row: Any) -> Any:
    if row is None:
        raise Http404("No such record.")
    return row


# --- Box types ---------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def box_type_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.BoxTypeFilterForm(request.GET)
    rows = selectors.search_box_types(request.user, **filters.filters())
    return _list_page(request, "shipping/catalog/box_types.html", rows, filters)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def box_type_create(request: AuthedRequest) -> HttpResponse:
    form = forms.BoxTypeForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: catalog.create_box_type(**data),
        title="New box type",
        back="box_type_list",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def box_type_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    box = _found(selectors.get_box_type_for_user(request.user, pk))
    form = forms.BoxTypeForm(request.POST or None, instance=box)
    return _form_page(
        request,
        form,
        lambda data: catalog.update_box_type(box, **data),
        title=f"Edit box type {box.code}",
        back="box_type_list",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def box_type_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    box: BoxType = _found(selectors.get_box_type_for_user(request.user, pk))
    return _confirm_active(
        request,
        box,
        active,
        lambda: catalog.set_box_type_active(box, active),
        back="box_type_list",
        consequence="Cartonization no longer proposes it and packers cannot choose it. "
        "Cartons already packed in it keep it.",
    )


# --- Packaging materials -----------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def material_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.MaterialFilterForm(request.GET)
    rows = selectors.search_packaging_materials(**filters.filters())
    return _list_page(request, "shipping/catalog/materials.html", rows, filters)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def material_create(request: AuthedRequest) -> HttpResponse:
    form = forms.PackagingMaterialForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: catalog.create_packaging_material(**data),
        title="New packaging material",
        back="material_list",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def material_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    material = _found(selectors.search_packaging_materials().filter(pk=pk).first())
    form = forms.PackagingMaterialForm(request.POST or None, instance=material)
    return _form_page(
        request,
        form,
        lambda data: catalog.update_packaging_material(material, **data),
        title=f"Edit packaging material {material.code}",
        back="material_list",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def material_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    material: PackagingMaterial = _found(
        selectors.search_packaging_materials().filter(pk=pk).first()
    )
    return _confirm_active(
        request,
        material,
        active,
        lambda: catalog.set_packaging_material_active(material, active),
        back="material_list",
        consequence="Packers can no longer add it to a carton.",
    )


# --- Carrier accounts --------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def carrier_account_list(request: AuthedRequest) -> HttpResponse:
    filters = forms.CarrierAccountFilterForm(request.GET)
    rows = selectors.search_carrier_accounts(**filters.filters())
    return _list_page(request, "shipping/catalog/carrier_accounts.html", rows, filters)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def carrier_account_create(request: AuthedRequest) -> HttpResponse:
    form = forms.CarrierAccountForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: catalog.create_carrier_account(**data),
        title="New carrier account",
        back="carrier_account_list",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def carrier_account_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    account = _found(selectors.search_carrier_accounts().filter(pk=pk).first())
    form = forms.CarrierAccountForm(request.POST or None, instance=account)
    return _form_page(
        request,
        form,
        lambda data: catalog.update_carrier_account(account, **data),
        title=f"Edit carrier account {account.easypost_id}",
        back="carrier_account_list",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def carrier_account_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    account: CarrierAccount = _found(selectors.search_carrier_accounts().filter(pk=pk).first())
    return _confirm_active(
        request,
        account,
        active,
        lambda: catalog.set_carrier_account_active(account, active),
        back="carrier_account_list",
        consequence="No more rates are asked on it. Labels already bought on it stay valid.",
    )


# --- The EasyPost webhook's secret -------------------------------------------------------------


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
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
