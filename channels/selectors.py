"""Sales channels' reads for the desk and the API (managers and admins see every channel)."""

from __future__ import annotations

from django.db.models import QuerySet

from channels.models import Channel, ChannelOrder, ChannelStock, DriftReport


def channels() -> QuerySet[Channel]:
    return Channel.objects.select_related("client", "warehouse").order_by("name", "pk")


def get_channel(pk: int) -> Channel | None:
    return channels().filter(pk=pk).first()


def stock_rows(channel: Channel) -> QuerySet[ChannelStock]:
    return channel.stock.select_related("product").order_by("product__sku")


def recent_orders(channel: Channel, limit: int = 50) -> list[ChannelOrder]:
    return list(channel.orders.order_by("-updated_at", "-pk")[:limit])


def latest_drift(channel: Channel) -> DriftReport | None:
    return channel.drift_reports.order_by("-created_at", "-pk").first()
