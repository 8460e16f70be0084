"""`{% erp_failures %}`: the managers' home shows ERP connections with failed sync rows. A tag, so
the dashboard (wms, which imports no app) names the ERP app only in its template."""

from __future__ import annotations

from typing import Any

from django import template

from erp.selectors import failing_connections

register = template.Library()


@register.inclusion_tag("erp/_failures.html", takes_context=True)
def erp_failures(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {"failing": failing_connections(user) if user.has_perm("erp.manage_erp") else []}
