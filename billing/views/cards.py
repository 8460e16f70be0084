"""Rate cards: the list, a card with its versions and rules, a new card, and the version
editor (a new version starts from the last one's rules; overlapping rules, negative prices and a
date inside a finalised period come back as errors on the rows and fields they concern)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from billing import forms, selectors
from billing.exceptions import RateCardRefused
from billing.models import RateCard
from billing.services.cards import create_rate_card, create_version, specs_of
from wms.http import AuthedRequest
from wms.pages import page

MANAGE = "billing.manage_billing"


def _card_or_404(request: AuthedRequest, pk: int) -> RateCard:
    card = selectors.get_rate_card_for_user(request.user, pk)
    if card is None:
        raise Http404("No such rate card.")
    return card


@page(MANAGE)
def card_list(request: AuthedRequest) -> HttpResponse:
    cards = selectors.rate_cards_for_user(request.user)
    return render(request, "billing/cards.html", {"cards": cards})


@page(MANAGE, "GET", "POST")
def card_create(request: AuthedRequest) -> HttpResponse:
    form = forms.RateCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = create_rate_card(user=request.user, **form.cleaned_data)
        except RateCardRefused as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Rate card {card} saved; now give it its first version.")
            return redirect("billing_version_create", pk=card.pk)
    return render(request, "billing/card_form.html", {"form": form})


@page(MANAGE)
def card_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    card = _card_or_404(request, pk)
    context = {
        "card": card,
        "versions": selectors.card_versions(card),
        "in_effect": selectors.version_in_effect(card, timezone.localdate()),
        "closed_until": selectors.last_finalized_end(card.client_id),
    }
    return render(request, "billing/card_detail.html", context)


@page(MANAGE, "GET", "POST")
def version_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET shows the editor with the last version's rules; POST saves a new version, or shows
    the service's errors on the rows (nothing is saved)."""
    card = _card_or_404(request, pk)
    last = selectors.card_versions(card)[:1]
    if request.method == "POST":
        version_form = forms.VersionForm(request.POST)
        formset = forms.RuleFormSet(request.POST, prefix="rules")
        if version_form.is_valid() and formset.is_valid():
            specs = [
                f.spec()
                for f in formset.forms
                if f.has_changed() and not f.cleaned_data.get("DELETE")
            ]
            try:
                version = create_version(
                    user=request.user,
                    card=card,
                    effective_from=version_form.cleaned_data["effective_from"],
                    rules=specs,
                    storage_mode=version_form.cleaned_data["storage_mode"],
                    note=version_form.cleaned_data["note"],
                )
            except RateCardRefused as exc:
                forms.apply_rule_errors(formset, version_form, exc.field_errors)
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    f"Version {version.number} saved, in effect from {version.effective_from}.",
                )
                return redirect("billing_card_detail", pk=card.pk)
    else:
        initial = forms.rule_initial(specs_of(last[0])) if last else []
        version_form = forms.VersionForm(
            initial={
                "effective_from": timezone.localdate(),
                "storage_mode": last[0].storage_mode if last else "daily",
            }
        )
        formset = forms.RuleFormSet(initial=initial, prefix="rules")
    context = {
        "card": card,
        "form": version_form,
        "formset": formset,
        "last": last[0] if last else None,
    }
    return render(request, "billing/version_form.html", context)
