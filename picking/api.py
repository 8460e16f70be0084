"""REST routes for orders, waves and pick tasks."""

from ninja import Router

router = Router(tags=["picking"])
