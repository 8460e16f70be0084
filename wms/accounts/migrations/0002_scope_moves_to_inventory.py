"""A user's client and warehouses now live in inventory.UserScope (copied there by inventory
0010): the user table keeps no column pointing at inventory."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("inventory", "0010_user_scope"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="user", name="client_user_has_client"),
        migrations.RemoveField(model_name="user", name="client"),
        migrations.RemoveField(model_name="user", name="warehouses"),
    ]
