"""How the dashboard writes durations and cut-off countdowns."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A dash when nothing was measured; else hours and minutes ("1 h 05 min", "12 min")."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


@register.filter
def countdown(minutes: int) -> str:
    """Time left to a cut-off, or how long ago it passed."""
    if minutes < 0:
        return f"passed {duration(dt.timedelta(minutes=-minutes))} ago"
    return f"{duration(dt.timedelta(minutes=minutes))} left"
