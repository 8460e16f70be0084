"""Stock moves are append-only: a trigger refuses UPDATE and DELETE. It is created in each tenant
schema by this migration, and new tenants get it from the template schema they are cloned from."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inventory_stockmove_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock moves are immutable: % refused on inventory_stockmove (post a reversing move instead)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER inventory_stockmove_immutable
    BEFORE UPDATE OR DELETE ON inventory_stockmove
    FOR EACH ROW EXECUTE FUNCTION inventory_stockmove_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS inventory_stockmove_immutable ON inventory_stockmove;
DROP FUNCTION IF EXISTS inventory_stockmove_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_ledger_and_master_data")]

    operations = [migrations.RunSQL(CREATE, DROP)]
