from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = "Shipping: packing, cartons, carriers and labels"

    def ready(self) -> None:
        # Register shipping's tasks in every process, not only in workers (where Celery
        # autodiscovers them): a task sent by name (shipping.services.shipments.send_task) then
        # runs in place when CELERY_TASK_ALWAYS_EAGER is on, instead of waiting in a broker.
        from shipping import tasks  # noqa: F401
