"""Development: make run. DEBUG on, console email."""

from .base import *  # noqa: F403

DEBUG = True
# `make run`: a webhook receiver on this machine may be an endpoint.
WEBHOOK_ALLOW_LOOPBACK = True
