from django.apps import AppConfig


class PickingConfig(AppConfig):
    name = "picking"
    verbose_name = "Picking: orders, allocation, waves and pick lists"

    def ready(self) -> None:
        # A hold (control) gives order lines' reservations back through picking's rules.
        from control.hooks import register_reservation_owner
        from picking.models import ORDER_LINE_REF
        from picking.services.holds import OrderLineReservations

        register_reservation_owner(ORDER_LINE_REF, OrderLineReservations())
        # Pick lists are a kind of work in the floor's one queue.
        from control.queue import register_source
        from picking.work import PickingSource

        register_source(PickingSource())
