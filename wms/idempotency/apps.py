from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "wms.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency keys"
