"""Branding: the 3PL's managers set the logo its clients see in the portal (a desk page, under
/branding/); the portal serves it to the tenant's signed-in users."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from portal import forms, selectors, services
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import add_refusal, page

MANAGE = "portal.manage_branding"


@page(MANAGE, "GET", "POST")
def branding(request: AuthedRequest) -> HttpResponse:
    form = forms.LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("remove"):
        services.remove_logo(user=request.user)
        messages.success(request, "Removed the logo: the portal shows your name alone.")
        return redirect("portal_branding")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_logo(user=request.user, data=form.cleaned_data["logo"].read())
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, "Saved the logo: your clients see it in the portal.")
            return redirect("portal_branding")
    context = {"form": form, "has_logo": selectors.has_logo()}
    return render(request, "portal/branding.html", context)


@page("wms.view_account")
def logo(request: AuthedRequest) -> HttpResponse:
    branding = selectors.logo()
    if branding is None:
        raise Http404("No logo.")
    response = HttpResponse(bytes(branding.logo), content_type=branding.content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
