"""The managers' sales-channel desk: the channels, and per channel its SKUs (what the store was
last told, what waits), its orders (flags when a store change could not be applied) and the
latest drift report, with "sync now" and "compare now"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from channels import selectors
from channels.models import Channel
from channels.services import orders as channel_orders
from channels.services import sync as pushes
from wms.http import AuthedRequest
from wms.pages import found_or_404, page

MANAGE = "saleschannels.manage_channels"


def _channel(pk: int) -> Channel:
    return found_or_404(selectors.get_channel(pk))


@page(MANAGE)
def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "channels/home.html", {"channels": selectors.channels()})


@page(MANAGE)
def channel_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    channel = _channel(pk)
    context = {
        "channel": channel,
        "stock": selectors.stock_rows(channel),
        "orders": selectors.recent_orders(channel),
        "drift": selectors.latest_drift(channel),
    }
    return render(request, "channels/channel.html", context)


@page(MANAGE, "POST")
def channel_sync(request: AuthedRequest, pk: int) -> HttpResponse:
    channel = _channel(pk)
    pushes.mark_all(channel_id=channel.pk)
    pushed = pushes.push_due()
    pulled = channel_orders.pull(channel_id=channel.pk)
    messages.success(
        request,
        f"Pushed {pushed.pushed} count(s), {pushed.waiting} waiting; "
        f"{pulled.created} new order(s), {pulled.flagged} flagged.",
    )
    return redirect("channel", pk=channel.pk)


@page(MANAGE, "POST")
def channel_drift(request: AuthedRequest, pk: int) -> HttpResponse:
    channel = _channel(pk)
    report = pushes.drift(channel_id=channel.pk)
    messages.success(request, f"{len(report.differences)} SKU(s) differ from the store.")
    return redirect("channel", pk=channel.pk)
