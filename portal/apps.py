from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Client portal: a 3PL's clients see and run their own stock and orders"
