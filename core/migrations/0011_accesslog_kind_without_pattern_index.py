"""``AccessLog.kind`` keeps its btree index and loses the ``varchar_pattern_ops`` copy PostgreSQL
gets for every indexed ``CharField`` (issue 17.3): nothing searches the kind with ``LIKE`` (the
security log and the admin filter it by equality), and every audit row — one per person a partner's
people list shows — paid for maintaining both.

The btree is renamed in place, not rebuilt: building it again would block the audit table's
inserts for as long as the build takes on a state's log.
"""

from django.db import migrations, models

NAME = "core_accesslog_kind_idx"


def _names(schema_editor) -> tuple[str, str]:
    """The names Django gave the field's index and its pattern copy (``db_index=True``)."""
    return (
        schema_editor._create_index_name("core_accesslog", ["kind"]),
        schema_editor._create_index_name("core_accesslog", ["kind"], suffix="_like"),
    )


def forwards(apps, schema_editor):
    btree, like = _names(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{like}"')
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{btree}" RENAME TO "{NAME}"')
    else:  # SQLite has no pattern copy and cannot rename an index (development databases: small)
        schema_editor.execute(f'DROP INDEX IF EXISTS "{btree}"')
        schema_editor.execute(f'CREATE INDEX "{NAME}" ON "core_accesslog" ("kind")')


def backwards(apps, schema_editor):
    btree, like = _names(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER INDEX IF EXISTS "{NAME}" RENAME TO "{btree}"')
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{like}" ON "core_accesslog" ("kind" varchar_pattern_ops)')
    else:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')
        schema_editor.execute(f'CREATE INDEX "{btree}" ON "core_accesslog" ("kind")')


class Migration(migrations.Migration):
    dependencies = [("core", "0010_seed_timeframe_and_disbursement_parameters")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslog",
                    name="kind",
                    field=models.CharField(
                        choices=[
                            ("login", "Sign-in"),
                            ("login_failed", "Failed sign-in"),
                            ("logout", "Sign-out"),
                            ("access_denied", "Access denied"),
                            ("sensitive_read", "Sensitive read"),
                            ("permission_change", "Permission change"),
                            ("password_change", "Password change"),
                            ("admin_command", "Administrative command"),
                            ("override", "Confidentiality override"),
                            ("mfa_enrolled", "Multi-factor enrolment"),
                            ("mfa_verified", "Multi-factor sign-in"),
                            ("mfa_reset", "Multi-factor reset by an administrator"),
                            ("password_reset", "Password reset by e-mail"),
                        ],
                        max_length=30,
                    ),
                ),
                migrations.AddIndex(model_name="accesslog", index=models.Index(fields=["kind"], name=NAME)),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
