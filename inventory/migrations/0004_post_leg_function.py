"""The ledger's posting step as one PL/pgSQL function (inventory/sql/post_leg.sql): lock the two
balance rows, check the source under the lock, update both, insert the move and its outbox
event. One round trip and cached plans instead of five statements: the Python service keeps every
check that needs no lock, and every caller goes through it."""

from pathlib import Path

from django.db import migrations

FUNCTION = (Path(__file__).resolve().parent.parent / "sql" / "post_leg.sql").read_text()
DROP = "DROP FUNCTION IF EXISTS inventory_post_leg;"


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_stock_move_immutable")]

    operations = [migrations.RunSQL(FUNCTION, DROP)]
