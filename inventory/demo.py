"""Demo data for `manage.py seed_demo`: warehouses, clients and a user for every role."""

from __future__ import annotations

from typing import Any

from inventory.models import Client, Warehouse
from wms.accounts.models import Role, User

WAREHOUSES = [
    ("EAST", "East Coast DC", "Newark", "America/New_York"),
    ("WEST", "West Coast DC", "Reno", "America/Los_Angeles"),
]
CLIENTS = [
    ("acme-outdoor", "Acme Outdoor"),
    ("brightside", "Brightside Beauty"),
    ("nordic-home", "Nordic Home"),
]


def seed(*, password: str, stdout: Any) -> None:
    warehouses = [
        Warehouse.objects.get_or_create(
            code=code, defaults={"name": name, "city": city, "time_zone": tz}
        )[0]
        for code, name, city, tz in WAREHOUSES
    ]
    clients = [
        Client.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in CLIENTS
    ]
    domain = "demo.test"
    people: list[tuple[str, str, dict[str, Any]]] = [
        ("admin", Role.ADMIN, {"is_staff": True, "is_superuser": True}),
        ("manager", Role.MANAGER, {}),
        ("operator", Role.OPERATOR, {}),
        ("client", Role.CLIENT, {"client": clients[0]}),
    ]
    for name, role, extra in people:
        email = f"{name}@{domain}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email, password=password, role=role, first_name=name.title(), **extra
            )
        if role == Role.OPERATOR:
            user.warehouses.set(warehouses[:1])
    logins = ", ".join(f"{n}@{domain}" for n, _, _ in people)
    stdout.write(f"Demo logins (password {password!r}): {logins}")
