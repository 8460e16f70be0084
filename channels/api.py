"""The sales-channel routes under /api/v1/: channels (list, create), "sync now" (every mapped
SKU pushed now) and the drift report (the store's counts beside ours). Managers and admins
only; everything else is 403 with nothing written."""

# No `from __future__ import annotations`: ninja reads the schemas at import time.
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from channels import selectors
from channels.models import Channel
from channels.schemas import ChannelIn, ChannelOut, DriftOut, SyncOut
from channels.services import orders as channel_orders
from channels.services import sync as channel_sync
from channels.services.connections import ChannelSpec, create_channel
from inventory.selectors import References
from wms.accounts.models import User
from wms.api_common import Page, found, user_of
from wms.permissions import require
from wms.validation import IdParam

router = Router(tags=["channels"])

MANAGE = "saleschannels.manage_channels"


def _user(request: HttpRequest) -> User:
    user: User = user_of(request)
    require(user, MANAGE)
    return user


def _channel(pk: int) -> Channel:
    return found(selectors.get_channel(pk), f"No sales channel {pk}.")


@router.get("/channels", response=list[ChannelOut], summary="Sales channels")
@paginate(Page)
def list_channels(request: HttpRequest) -> Any:
    _user(request)
    return selectors.channels()


@router.post("/channels", response={201: ChannelOut}, summary="Connect a sales channel")
def create(request: HttpRequest, payload: ChannelIn) -> Any:
    """A client's store, its SKU map and buffer; the token is stored encrypted."""
    user = _user(request)
    refs = References(user)
    client = refs.client(payload.client)
    warehouse = refs.warehouse(payload.warehouse)
    refs.check()
    assert client is not None and warehouse is not None
    spec = ChannelSpec(
        name=payload.name,
        client=client,
        warehouse=warehouse,
        shop_url=payload.shop_url,
        access_token=payload.access_token,
        location_id=payload.location_id,
        buffer_units=payload.buffer_units,
        buffer_percent=payload.buffer_percent,
        skus=dict(payload.skus),
    )
    made = create_channel(user=user, spec=spec)
    return Status(201, _channel(made.pk))


@router.post("/channels/{pk}/sync", response=SyncOut, summary="Sync now")
def sync_now(request: HttpRequest, pk: IdParam) -> Any:
    """Pushes every mapped SKU's count and pulls the store's changed orders now (the beat does
    both on its own every few seconds and every minute); answers what happened."""
    _user(request)
    channel = _channel(pk)
    marked = channel_sync.mark_all(channel_id=channel.pk)
    summary = channel_sync.push_due()
    pulled = channel_orders.pull(channel_id=channel.pk)
    return SyncOut(
        marked=marked,
        pushed=summary.pushed,
        unchanged=summary.unchanged,
        waiting=summary.waiting,
        orders_created=pulled.created,
        orders_revised=pulled.revised,
        orders_cancelled=pulled.cancelled,
        orders_flagged=pulled.flagged,
        message=pulled.error,
    )


@router.post("/channels/{pk}/drift", response=DriftOut, summary="Compare the store with ours")
def drift(request: HttpRequest, pk: IdParam) -> Any:
    """Reads each mapped SKU's count in the store and lists those that differ from ours."""
    _user(request)
    return channel_sync.drift(channel_id=_channel(pk).pk)


@router.get("/channels/{pk}/drift", response=DriftOut, summary="The latest drift report")
def latest_drift(request: HttpRequest, pk: IdParam) -> Any:
    _user(request)
    report = selectors.latest_drift(_channel(pk))
    return found(report, "No drift report yet (nightly, or POST to run one now).")
