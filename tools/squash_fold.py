"""Fold each model's later operations into its ``CreateModel`` inside one squashed migration.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -m tools.squash_fold APP MIGRATION_NAME

``squashmigrations``' optimizer folds an ``AddField``/``AddIndex``/``AddConstraint``… into the
model's ``CreateModel`` only when no operation in between references the model, and in an app
whose models point at each other (and whose history models point at everything) nearly every
operation does: squashing the cases app's 23 migrations took 183 operations to 171. Applying a
migration costs Django a re-render of the changed model and the models related to it for every
operation, so the squash saves little unless the operations go.

This pass moves an operation on model M into M's ``CreateModel`` (with ``CreateModel.reduce``, the
optimizer's own merge) whenever the resulting state is the same: no ``RunPython``/``RunSQL``/
``SeparateDatabaseAndState`` in between; a relation added by ``AddField`` points at a model of
another app (the migration depends on it) or at one created before M in this migration; a field
operation does not touch a field whose ``AddField`` stayed in place; an index, constraint or
option change does not come after such a field. Trailing ``RunPython`` operations are dropped
from the output: copy them back by hand with their functions (the writer cannot copy functions).
Check the result as docs/operations.md ("Squashed migrations") says: schema and seeded rows
compared with a database migrated the old way.
"""

from __future__ import annotations

import importlib
import sys


def fold(operations: list, app_label: str) -> list:
    from django.db.migrations.operations import (
        AddConstraint,
        AddField,
        AddIndex,
        AlterField,
        AlterModelOptions,
        CreateModel,
        RemoveConstraint,
        RemoveField,
        RemoveIndex,
        RunPython,
        RunSQL,
        SeparateDatabaseAndState,
    )

    foldable = (AddField, AlterField, RemoveField, AddIndex, AddConstraint, RemoveIndex, RemoveConstraint)
    foldable += (AlterModelOptions,)
    field_operations = (AddField, AlterField, RemoveField)
    out: list = []
    created: dict[str, int] = {}  # model -> index of its CreateModel in out
    blocked: set[str] = set()  # models whose later operations stay where they are
    pending: dict[str, set[str]] = {}  # model -> fields whose operations stayed in place
    for op in operations:
        if isinstance(op, (RunPython, RunSQL, SeparateDatabaseAndState)):
            blocked.update(created)
            out.append(op)
            continue
        if isinstance(op, CreateModel):
            created[op.name_lower] = len(out)
            out.append(op)
            continue
        model = getattr(op, "model_name_lower", None) or getattr(op, "name_lower", None)
        at = created.get(model)
        ok = isinstance(op, foldable) and at is not None and model not in blocked
        if ok and isinstance(op, field_operations):
            ok = op.name_lower not in pending.get(model, set())
        elif ok:
            ok = not pending.get(model)
        if ok and isinstance(op, AddField) and op.field.is_relation:
            target = op.field.remote_field.model
            if isinstance(target, str) and target != "self":
                label, _, name = target.rpartition(".")
                if label in ("", app_label):
                    target_at = created.get(name.lower())
                    ok = target_at is not None and target_at <= at
        if ok:
            merged = out[at].reduce(op, app_label)
            if isinstance(merged, list) and len(merged) == 1 and isinstance(merged[0], CreateModel):
                out[at] = merged[0]
                continue
        if model is not None:
            if isinstance(op, field_operations):
                pending.setdefault(model, set()).add(op.name_lower)
            else:
                blocked.add(model)
        out.append(op)
    return out


def main(argv: list[str]) -> None:
    import django

    if len(argv) != 2:
        sys.exit(__doc__)
    django.setup()
    from django.db import migrations
    from django.db.migrations.operations import RunPython
    from django.db.migrations.writer import MigrationWriter

    app_label, name = argv
    squashed = importlib.import_module(f"{app_label}.migrations.{name}").Migration
    operations = list(squashed.operations)
    while operations and isinstance(operations[-1], RunPython):
        operations.pop()
    folded = fold(operations, app_label)
    print(f"{app_label}.{name}: {len(squashed.operations)} -> {len(folded)} operations", file=sys.stderr)
    migration = type("Migration", (migrations.Migration,), {})(name, app_label)
    migration.operations = folded
    migration.dependencies = squashed.dependencies
    migration.replaces = squashed.replaces
    migration.initial = getattr(squashed, "initial", None)
    writer = MigrationWriter(migration, include_header=True)
    with open(writer.path, "w") as out:
        out.write(writer.as_string())


if __name__ == "__main__":
    main(sys.argv[1:])
