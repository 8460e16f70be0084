"""The labour tests pick from the same outbound corner of EAST as the picking tests."""

from tests.picking.conftest import (  # noqa: F401
    bins,
    dock,
    lamp,
    mug,
    order_for,
    put,
    staging,
    wh,
    zone_a,
    zone_b,
)
