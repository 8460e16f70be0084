from django.apps import AppConfig


class LabourConfig(AppConfig):
    name = "labour"
    verbose_name = "Labour: shifts clocked on the handheld, engineered standards, measures"
