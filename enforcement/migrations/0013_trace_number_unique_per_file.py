"""A disbursement file's trace numbers are unique within the file, no longer across all files.

The 7-digit sequence of a NACHA trace number wraps after 9,999,999 entries from one ODFI, and the
old ``UNIQUE (trace_number)`` then refused every later export (IntegrityError, the whole export
rolled back). NACHA asks a trace number to be unique within a file; a return is matched by its
trace, the file's date and the entry's amount and case number (``enforcement.services.returns``).

What it does, in this order (``atomic = False``: each step commits on its own):

1. adds ``enf_trace_once_per_file``, ``UNIQUE (trace_number, export_id)``. On PostgreSQL without
   blocking the exports: ``CREATE UNIQUE INDEX CONCURRENTLY`` (writes go on while it builds; an
   invalid index left by an interrupted run is dropped first), then ``ALTER TABLE … ADD
   CONSTRAINT … UNIQUE USING INDEX``, which only attaches the built index (no table scan, a
   moment's lock). A run whose constraint is already there skips this step. Every existing row
   satisfies it: trace numbers were unique across all files until now.
2. drops the old unique constraint on ``trace_number`` and Django's ``varchar_pattern_ops`` copy
   of it (``…_like``): metadata only, no rewrite. The new index (trace number first) serves the
   returns' lookup by trace.

Both ``ALTER TABLE`` steps wait at most ``lock_timeout`` (5 s) for their lock, so a long export
cannot make the table's other queries queue behind them: the migration then fails and can be run
again. Other databases (SQLite for tests) take Django's own operations.

Reversing it puts the unique trace number back: that fails once a trace number has been used by
two files (after the sequence has wrapped), as it must.
"""

from django.db import migrations, models, transaction

LOCK_TIMEOUT = "5s"


class AddUniqueConstraintConcurrently(migrations.AddConstraint):
    """``AddConstraint`` of a plain unique constraint; on PostgreSQL its index is built
    concurrently first and then attached."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        name = self.constraint.name
        columns = ", ".join(schema_editor.quote_name(model._meta.get_field(f).column) for f in self.constraint.fields)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass", [name, table])
            if cursor.fetchone():
                return None
        quoted, quoted_table = schema_editor.quote_name(name), schema_editor.quote_name(table)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quoted}")
        schema_editor.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {quoted} ON {quoted_table} ({columns})")
        with transaction.atomic(using=connection.alias):
            schema_editor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            schema_editor.execute(f"ALTER TABLE {quoted_table} ADD CONSTRAINT {quoted} UNIQUE USING INDEX {quoted}")
        return None


class AlterFieldWithLockTimeout(migrations.AlterField):
    """``AlterField`` whose PostgreSQL statements wait at most ``LOCK_TIMEOUT`` for their lock."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            return super().database_forwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("enforcement", "0012_fti_neutral_text"),
    ]

    operations = [
        AddUniqueConstraintConcurrently(
            model_name="disbursementexportentry",
            constraint=models.UniqueConstraint(fields=("trace_number", "export"), name="enf_trace_once_per_file"),
        ),
        AlterFieldWithLockTimeout(
            model_name="disbursementexportentry",
            name="trace_number",
            field=models.CharField(max_length=15),
        ),
    ]
