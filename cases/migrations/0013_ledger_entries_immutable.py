"""Ledger entries cannot be edited by hand (issue 14, item 3).

On PostgreSQL a row trigger refuses UPDATE and DELETE on ledger entries unless the transaction
declared itself a ledger writer (``SET LOCAL caseworks.ledger_writer = 'on'``, ``core.db.
ledger_writer``), which only the ledger services and bulk loaders do. Inserts are not affected:
the ledger is append-only and a correction is a reversing entry. SQLite: nothing (tests there
rely on the services and the read-only admin).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION cases_ledgerentry_immutable() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('caseworks.ledger_writer', true), '') <> 'on' THEN
        RAISE EXCEPTION 'ledger entries are append-only: % refused (correct through the ledger services)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER cases_ledgerentry_immutable BEFORE UPDATE OR DELETE ON cases_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION cases_ledgerentry_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS cases_ledgerentry_immutable ON cases_ledgerentry;
DROP FUNCTION IF EXISTS cases_ledgerentry_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [("cases", "0012_assistance_spells_collected_on_overpayment")]

    operations = [migrations.RunPython(forwards, backwards)]
