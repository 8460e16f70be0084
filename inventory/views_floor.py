"""The handheld home: the operator's active warehouse and one scan box. Scanning a warehouse
code switches the active warehouse; later issues teach the same box bins, SKUs and LPNs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from inventory import selectors

ACTIVE_WAREHOUSE_KEY = "active_warehouse_pk"


def active_warehouse(request: HttpRequest):  # type: ignore[no-untyped-def]
    warehouses = selectors.warehouses_for_user(request.user)
    chosen = request.session.get(ACTIVE_WAREHOUSE_KEY)
    warehouse = warehouses.filter(pk=chosen).first() if chosen else None
    return warehouse or warehouses.first()


@login_required
@permission_required("wms.use_floor", raise_exception=True)
@require_GET
def floor_home(request: HttpRequest) -> HttpResponse:
    warehouse = active_warehouse(request)
    return render(
        request,
        "inventory/floor_home.html",
        {
            "warehouse": warehouse,
            "warehouses": selectors.warehouses_for_user(request.user),
        },
    )


@login_required
@permission_required("wms.use_floor", raise_exception=True)
@require_POST
def floor_scan(request: HttpRequest) -> HttpResponse:
    """One scan from the home box. Always 200 with a result line (htmx does not swap 4xx), the
    line saying what was expected when the code is not recognised."""
    code = request.POST.get("code", "").strip()
    context: dict[str, object] = {"code": code}
    if not code:
        context.update(ok=False, message="Nothing was scanned. Scan a warehouse code.")
    else:
        warehouse = selectors.find_warehouse_by_code(request.user, code)
        if warehouse is None:
            context.update(
                ok=False,
                message=f"Unknown code “{code}”: expected a warehouse code you work in.",
            )
        else:
            request.session[ACTIVE_WAREHOUSE_KEY] = warehouse.pk
            context.update(ok=True, message=f"Now working in {warehouse}.", warehouse=warehouse)
    return render(request, "handheld/_scan_result.html", context)
