"""Charts drawn on the server as SVG: no script, nothing from a CDN, and the Content-Security-
Policy's 'self' holds (presentation attributes, no inline style). Each chart carries a title and
a text description for screen readers, and its figures as data attributes."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 10, 22
HOURS = 24


def _nice_ceiling(value: float) -> int:
    """The axis top: the data's maximum rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if value <= step * multiple:
                return step * multiple
        step *= 10


def hourly_chart(
    *,
    chart_id: str,
    title: str,
    today: Sequence[int],
    average: Sequence[float],
    current_hour: int,
    unit: str,
) -> SafeString:
    """Bars for today's figure per hour (hours still to come are left empty) and a line for the
    same hour's 7-day average."""
    top = _nice_ceiling(max([*today, *average, 0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / HOURS

    def y(value: float) -> float:
        return TOP + plot_h - (value / top) * plot_h

    bars = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="#1f5fbf" data-hour="{}" '
        'data-value="{}"><title>{}:00 today: {} {}</title></rect>',
        (
            (
                f"{LEFT + hour * slot + 1:.1f}",
                f"{y(value):.1f}",
                f"{slot - 2:.1f}",
                f"{TOP + plot_h - y(value):.1f}",
                hour,
                value,
                f"{hour:02d}",
                value,
                unit,
            )
            for hour, value in enumerate(today)
            if hour <= current_hour
        ),
    )
    points = " ".join(
        f"{LEFT + (hour + 0.5) * slot:.1f},{y(value):.1f}" for hour, value in enumerate(average)
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" fill="#5d6776" text-anchor="middle">{}</text>',
        ((f"{LEFT + hour * slot:.1f}", HEIGHT - 6, f"{hour:02d}") for hour in (0, 6, 12, 18)),
    )
    total_today = sum(today)
    total_average = sum(average[: current_hour + 1])
    description = (
        f"{total_today} {unit} so far today; the same hours averaged "
        f"{total_average:.0f} {unit} a day over the last 7 days."
    )
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title {}-desc" '
        'viewBox="0 0 {} {}" width="100%" data-total-today="{}" data-top="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d8dde5"/>'
        '<text x="{}" y="{}" font-size="10" fill="#5d6776" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" font-size="10" fill="#5d6776" text-anchor="end">0</text>'
        "{}"
        '<polyline class="average" points="{}" fill="none" stroke="#b3261e" stroke-width="2" '
        'stroke-dasharray="4 3"/>'
        "{}</svg>",
        chart_id,
        chart_id,
        chart_id,
        WIDTH,
        HEIGHT,
        total_today,
        top,
        chart_id,
        title,
        chart_id,
        description,
        LEFT,
        TOP + plot_h,
        WIDTH - RIGHT,
        TOP + plot_h,
        LEFT - 4,
        TOP + 8,
        top,
        LEFT - 4,
        TOP + plot_h,
        bars,
        mark_safe(points),  # noqa: S308 - numbers formatted above
        ticks,
    )
