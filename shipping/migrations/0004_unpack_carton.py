# An open carton can be unpacked or discarded at the pack station: the status `discarded`, and
# the carton number unique per order among the cartons that are not discarded.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0003_reconcile_manifest_status_webhook_secret"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="carton",
            name="carton_number_per_order",
        ),
        migrations.AlterField(
            model_name="carton",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("closed", "Closed"),
                    ("shipped", "Shipped"),
                    ("discarded", "Discarded"),
                ],
                default="open",
                max_length=12,
            ),
        ),
        migrations.AddConstraint(
            model_name="carton",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "discarded"), _negated=True),
                fields=("order", "number"),
                name="carton_number_per_order",
            ),
        ),
    ]
