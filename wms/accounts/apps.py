from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wms.accounts"
    label = "accounts"
    verbose_name = "Users and API tokens"

    def ready(self) -> None:
        from wms import permissions  # noqa: F401  (registers the rules)
