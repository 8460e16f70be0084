from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "channels"
    label = "saleschannels"
    verbose_name = "Sales channels: available-to-sell pushed to the client's stores"
