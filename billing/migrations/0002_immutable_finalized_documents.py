"""Finalised invoices, their lines and credit notes are immutable, as stock moves are: triggers in
every tenant schema (new tenants get them from the template schema they are cloned from).

- billing_invoice: UPDATE or DELETE of a finalised invoice is refused.
- billing_chargeline: UPDATE or DELETE of a line on a finalised invoice, INSERT of a line onto
  one, and moving a line onto one, are refused. The triggers fire only for lines that name an
  invoice (WHEN clauses), so the rating job's bulk inserts call no function.
- billing_creditnote, billing_creditnoteline: UPDATE and DELETE are always refused."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION billing_refuse_finalized_invoice_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoice % is finalised: % refused on billing_invoice (issue a credit note instead)', OLD.number_text, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER billing_invoice_immutable
    BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW WHEN (OLD.status = 'finalized')
    EXECUTE FUNCTION billing_refuse_finalized_invoice_change();

CREATE OR REPLACE FUNCTION billing_refuse_finalized_line_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        touched := ARRAY[NEW.invoice_id];
    ELSIF TG_OP = 'DELETE' THEN
        touched := ARRAY[OLD.invoice_id];
    ELSE
        touched := ARRAY[OLD.invoice_id, NEW.invoice_id];
    END IF;
    IF EXISTS (SELECT 1 FROM billing_invoice i WHERE i.id = ANY(touched) AND i.status = 'finalized') THEN
        RAISE EXCEPTION 'charge line % is on a finalised invoice: % refused on billing_chargeline (issue a credit note instead)', COALESCE(OLD.id, NEW.id), TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER billing_chargeline_insert_guard
    BEFORE INSERT ON billing_chargeline
    FOR EACH ROW WHEN (NEW.invoice_id IS NOT NULL)
    EXECUTE FUNCTION billing_refuse_finalized_line_change();
CREATE TRIGGER billing_chargeline_update_guard
    BEFORE UPDATE ON billing_chargeline
    FOR EACH ROW WHEN (OLD.invoice_id IS NOT NULL OR NEW.invoice_id IS NOT NULL)
    EXECUTE FUNCTION billing_refuse_finalized_line_change();
CREATE TRIGGER billing_chargeline_delete_guard
    BEFORE DELETE ON billing_chargeline
    FOR EACH ROW WHEN (OLD.invoice_id IS NOT NULL)
    EXECUTE FUNCTION billing_refuse_finalized_line_change();

CREATE OR REPLACE FUNCTION billing_refuse_credit_note_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'credit notes are immutable: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER billing_creditnote_immutable
    BEFORE UPDATE OR DELETE ON billing_creditnote
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_credit_note_change();
CREATE TRIGGER billing_creditnoteline_immutable
    BEFORE UPDATE OR DELETE ON billing_creditnoteline
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_credit_note_change();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_creditnoteline_immutable ON billing_creditnoteline;
DROP TRIGGER IF EXISTS billing_creditnote_immutable ON billing_creditnote;
DROP FUNCTION IF EXISTS billing_refuse_credit_note_change();
DROP TRIGGER IF EXISTS billing_chargeline_delete_guard ON billing_chargeline;
DROP TRIGGER IF EXISTS billing_chargeline_update_guard ON billing_chargeline;
DROP TRIGGER IF EXISTS billing_chargeline_insert_guard ON billing_chargeline;
DROP FUNCTION IF EXISTS billing_refuse_finalized_line_change();
DROP TRIGGER IF EXISTS billing_invoice_immutable ON billing_invoice;
DROP FUNCTION IF EXISTS billing_refuse_finalized_invoice_change();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
