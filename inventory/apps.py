from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory and master data"

    def ready(self) -> None:
        # The permission checks in wms read a user's scope through wms.scope; the rows are here.
        from inventory.selectors.scope import read_scope
        from wms.scope import register_reader

        register_reader(read_scope)
