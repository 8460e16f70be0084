from django.apps import AppConfig


class ReceivingConfig(AppConfig):
    name = "receiving"
    verbose_name = "Receiving: ASNs and receipts"

    def ready(self) -> None:
        # Putaway tasks are a kind of work in the floor's one queue.
        from control.queue import register_source
        from receiving.work import PutawaySource

        register_source(PutawaySource())
