"""Development: make run. DEBUG on, console email."""

from .base import *  # noqa: F403

DEBUG = True
