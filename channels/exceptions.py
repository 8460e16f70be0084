"""Sales channels' refusals, raised before anything is written."""

from __future__ import annotations

from wms.exceptions import DomainError


class ChannelRefused(DomainError):
    code = "channel_refused"
    status = 422
