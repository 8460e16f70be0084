from __future__ import annotations

from collections.abc import Iterable

import factory
from factory.django import DjangoModelFactory

from inventory.models import (
    Client,
    Location,
    LocationKind,
    Lot,
    Lpn,
    Product,
    ProductBarcode,
    UserScope,
    Warehouse,
    Zone,
)
from inventory.services.users import assign_scope
from wms.accounts.models import User


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.LazyAttribute(lambda o: f"Warehouse {o.code}")


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"client-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = "Pat"
    role = "operator"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()

    @factory.post_generation
    def client(obj, create: bool, extracted: Client | None, **kwargs: object) -> None:
        if create and extracted is not None:
            give_scope(obj, client=extracted)

    @factory.post_generation
    def warehouses(obj, create: bool, extracted: Iterable[Warehouse] | None, **kw: object) -> None:
        if create and extracted is not None:
            give_scope(obj, warehouses=extracted)


def give_scope(
    user: User, *, client: Client | None = None, warehouses: Iterable[Warehouse] | None = None
) -> None:
    """Sets a test user's client or warehouses, keeping whichever of the two is not given."""
    row = UserScope.objects.filter(user=user).first()
    if client is None and row is not None:
        client = row.client
    if warehouses is None:
        warehouses = list(row.warehouses.all()) if row is not None else []
    assign_scope(user=user, client=client, warehouses=warehouses)


class ZoneFactory(DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("warehouse", "code")

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"Z{n}")


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("warehouse", "code")

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"A-{n:02d}-01")
    barcode = factory.LazyAttribute(lambda o: o.code)
    kind = LocationKind.STORAGE


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("client", "sku")

    client = factory.SubFactory(ClientFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Product {o.sku}")


class LotFactory(DjangoModelFactory):
    class Meta:
        model = Lot
        django_get_or_create = ("product", "number")

    number = factory.Sequence(lambda n: f"L{n:04d}")


class LpnFactory(DjangoModelFactory):
    class Meta:
        model = Lpn
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LPN{n:06d}")


class ProductBarcodeFactory(DjangoModelFactory):
    class Meta:
        model = ProductBarcode

    product = factory.SubFactory(ProductFactory)
    barcode = factory.Sequence(lambda n: f"00{n:011d}")
    pack_quantity = 1
