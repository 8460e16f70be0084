from django.apps import AppConfig


class PickingConfig(AppConfig):
    name = "picking"
    verbose_name = "Picking: orders, allocation, waves and pick lists"
