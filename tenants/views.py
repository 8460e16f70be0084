from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenants import services
from tenants.forms import SignupForm
from tenants.models import Tenant, TenantStatus
from wms.http import HtmxRequest


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "public/landing.html")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = services.request_signup(
                name=form.cleaned_data["company_name"],
                slug=form.cleaned_data["slug"],
                admin_email=form.cleaned_data["admin_email"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            # A concurrent sign-up took the slug between the form check and the insert.
            form.add_error("slug", exc)
        else:
            return redirect("signup_status", token=tenant.signup_token)
    return render(request, "public/signup.html", {"form": form})


def _tenant_for_token(token: str) -> Tenant:
    tenant = Tenant.objects.filter(signup_token=token).exclude(status=TenantStatus.TEMPLATE).first()
    if tenant is None:
        raise Http404("No such sign-up.")
    return tenant


def signup_status(request: HtmxRequest, token: str) -> HttpResponse:
    """The progress page; htmx polls its status partial until the tenant is ready or failed."""
    tenant = _tenant_for_token(token)
    login_url = (
        f"{request.scheme}://{services.tenant_domain(tenant.slug)}"
        f"{':' + request.get_port() if request.get_port() not in ('80', '443') else ''}"
        "/accounts/login/"
    )
    template = "public/signup_status.html#status" if request.htmx else "public/signup_status.html"
    return render(request, template, {"tenant": tenant, "login_url": login_url})


@require_POST
def signup_retry(request: HttpRequest, token: str) -> HttpResponse:
    tenant = _tenant_for_token(token)
    if services.retry_provisioning(tenant):
        messages.info(request, "Trying again.")
    return redirect("signup_status", token=tenant.signup_token)
