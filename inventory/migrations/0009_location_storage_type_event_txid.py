"""Two additive changes for the outbox's readers (billing first):

- `Location.storage_type` (bin, shelf, pallet position, floor): rate cards price storage per
  location-day by it.
- `inventory_event.txid`: the id of the transaction that wrote the event, filled by a column
  default, so no writer (the ORM, emit_many, the posting function) names it. Event ids come from
  a sequence and are handed out before commit, so a reader that keeps its place by id alone can
  pass an event that commits later with a smaller id. A reader keeps its place by (txid, id)
  instead and reads only events of transactions older than every transaction still running
  (`pg_snapshot_xmin(pg_current_snapshot())`): that set never grows behind it. The column is
  not in the Django model (nothing in Python reads or writes it)."""

from django.db import migrations, models

ADD_TXID = """
ALTER TABLE inventory_event ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX inventory_event_txid_id ON inventory_event (txid, id);
"""

DROP_TXID = """
DROP INDEX IF EXISTS inventory_event_txid_id;
ALTER TABLE inventory_event DROP COLUMN IF EXISTS txid;
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0008_codes_are_printable_ascii")]

    operations = [
        migrations.AddField(
            model_name="location",
            name="storage_type",
            field=models.CharField(
                choices=[
                    ("bin", "Bin"),
                    ("shelf", "Shelf"),
                    ("pallet_position", "Pallet position"),
                    ("floor", "Floor"),
                ],
                default="bin",
                help_text="The kind of storage space, as rate cards price it per location-day.",
                max_length=16,
            ),
        ),
        migrations.RunSQL(ADD_TXID, DROP_TXID),
    ]
