"""Where a user may work moves from the user table (wms.accounts) to inventory, beside the
warehouses and clients it names, so the user model points at nothing of inventory's. Each user's
client and warehouses are copied over; accounts 0002 then drops the old columns."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_scope(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    UserScope = apps.get_model("inventory", "UserScope")
    for user in User.objects.prefetch_related("warehouses"):
        warehouses = list(user.warehouses.all())
        if user.client_id is None and not warehouses:
            continue
        scope = UserScope.objects.create(user_id=user.pk, client_id=user.client_id)
        scope.warehouses.set(warehouses)


def copy_back(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    UserScope = apps.get_model("inventory", "UserScope")
    for scope in UserScope.objects.prefetch_related("warehouses"):
        user = User.objects.get(pk=scope.user_id)
        user.client_id = scope.client_id
        user.save(update_fields=["client"])
        user.warehouses.set(list(scope.warehouses.all()))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("inventory", "0009_location_storage_type_event_txid"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserScope",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="scope",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        blank=True,
                        help_text="Client users see only this client's data.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scopes",
                        to="inventory.client",
                    ),
                ),
                (
                    "warehouses",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Operators work only in these warehouses.",
                        related_name="scopes",
                        to="inventory.warehouse",
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_scope, copy_back),
    ]
