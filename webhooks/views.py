"""The webhook desk: endpoints (list, add, change, rotate the secret, send a test message, replay
since a time) and each delivery with its attempt log (replay). The signing secret is shown on
the page that answers create or rotate, once, and never again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from webhooks import forms, selectors
from webhooks.models import Delivery, DeliveryState, Endpoint
from webhooks.services import delivery as deliveries
from webhooks.services import endpoints
from wms.exceptions import DomainError
from wms.http import AuthedRequest
from wms.pages import Column, add_refusal, found_or_404, page, table_page
from wms.validation import filter_text

MANAGE = "webhooks.manage_webhooks"


def _endpoint(request: AuthedRequest, pk: int) -> Endpoint:
    return found_or_404(selectors.get_endpoint_for_user(request.user, pk))


def _delivery(request: AuthedRequest, pk: int) -> Delivery:
    return found_or_404(selectors.get_delivery_for_user(request.user, pk))


def _secret_page(request: AuthedRequest, endpoint: Endpoint, secret: str) -> HttpResponse:
    return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})


@page(MANAGE)
def home(request: AuthedRequest) -> HttpResponse:
    rows = selectors.endpoints_for_user(request.user)
    return render(request, "webhooks/home.html", {"endpoints": rows})


@page(MANAGE, "GET", "POST")
def endpoint_create(request: AuthedRequest) -> HttpResponse:
    form = forms.EndpointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            made, secret = endpoints.create_endpoint(
                user=request.user, spec=form.spec(form.cleaned_data)
            )
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            return _secret_page(request, made, secret)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "title": "New endpoint"})


@page(MANAGE, "GET", "POST")
def endpoint_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    current = _endpoint(request, pk)
    form = forms.EndpointForm(request.POST or None, user=request.user, endpoint=current)
    if request.method == "POST" and form.is_valid():
        try:
            endpoints.update_endpoint(
                user=request.user, endpoint=current, spec=form.spec(form.cleaned_data)
            )
        except DomainError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, f"Saved {current.url}.")
            return redirect("webhooks_endpoint", pk=current.pk)
    title = f"Change {current.url}"
    return render(request, "webhooks/endpoint_form.html", {"form": form, "title": title})


DELIVERY_COLUMNS = (
    Column("Message", lambda d: d.message_id, ("message_id",)),
    Column("Topic", lambda d: d.topic, ("topic",)),
    Column("State", lambda d: d.get_state_display(), ("state",)),
    Column("Attempts", lambda d: d.attempts, ("attempts",), numeric=True),
    Column(
        "Last answer",
        lambda d: f"{d.last_status_code or ''} {d.last_error}".strip(),
        ("last_status_code",),
    ),
    Column("Created", lambda d: d.created_at.isoformat(timespec="seconds"), ("created_at",)),
)


@page(MANAGE)
def endpoint_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """An endpoint and its deliveries, filtered by the URL (state, topic), sortable, 50 a page,
    exported to CSV as filtered."""
    endpoint = _endpoint(request, pk)
    state = filter_text(request.GET, "state", max_length=16)
    state = state if state in DeliveryState.values else ""
    topic = filter_text(request.GET, "topic", max_length=64)
    rows = selectors.deliveries_for_user(
        request.user,
        selectors.DeliveryFilters(endpoint_id=endpoint.pk, state=state, topic=topic),
    )
    return table_page(
        request,
        "webhooks/endpoint.html",
        rows,
        columns=DELIVERY_COLUMNS,
        csv_name=f"webhook-deliveries-{endpoint.pk}",
        endpoint=endpoint,
        state=state,
        topic=topic,
        states=DeliveryState.choices,
        replay_form=forms.ReplayForm(),
    )


@page(MANAGE, "GET", "POST")
def endpoint_rotate(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    if request.method == "POST":
        rotated, secret = endpoints.rotate_secret(user=request.user, endpoint=endpoint)
        return _secret_page(request, rotated, secret)
    return render(request, "webhooks/rotate_confirm.html", {"endpoint": endpoint})


@page(MANAGE, "POST")
def endpoint_test(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    sent = endpoints.send_test(user=request.user, endpoint=endpoint)
    messages.success(request, f"Test message {sent.message_id} queued; its delivery shows below.")
    return redirect("webhooks_endpoint", pk=endpoint.pk)


@page(MANAGE, "POST")
def endpoint_replay(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    form = forms.ReplayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the time to replay from, e.g. 2026-12-01 08:00.")
    else:
        count = deliveries.replay_since(endpoint=endpoint, since=form.cleaned_data["since"])
        messages.success(request, f"{count} message(s) queued to be sent again.")
    return redirect("webhooks_endpoint", pk=endpoint.pk)


@page(MANAGE)
def delivery_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    row = _delivery(request, pk)
    log = row.log.order_by("number", "pk")
    return render(request, "webhooks/delivery.html", {"delivery": row, "log": log})


@page(MANAGE, "POST")
def delivery_replay(request: AuthedRequest, pk: int) -> HttpResponse:
    row = _delivery(request, pk)
    try:
        deliveries.replay_one(delivery=row)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Message {row.message_id} queued to be sent again.")
    return redirect("webhooks_delivery", pk=row.pk)
