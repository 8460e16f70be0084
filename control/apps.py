from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = "Inventory control: cycle counts, holds, replenishment and moves"
