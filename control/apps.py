from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = "Inventory control: cycle counts, holds, replenishment and the work queue"

    def ready(self) -> None:
        # Control's own kinds of work (counting, replenishment) join the queue.
        import control.queue  # noqa: F401
