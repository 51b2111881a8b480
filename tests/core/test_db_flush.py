"""tests/db_flush.py: a transactional test's flush leaves what Django's flush would leave."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from tests import db_flush


def _sorted(rows: dict) -> dict:
    return {table: (columns, sorted(map(repr, values))) for table, (columns, values) in rows.items()}


@pytest.mark.django_db(transaction=True)
def test_the_flush_writes_back_exactly_what_post_migrate_wrote():
    # given the rows post_migrate writes into emptied tables (Django's flush)
    call_command("flush", verbosity=0, interactive=False)
    written = db_flush._read_rows(connection)
    assert {"auth_permission", "auth_group", "auth_group_permissions", "django_content_type"} <= written.keys()
    # when a test adds rows, changes a role and empties a reference table
    User.objects.create(username="left_behind")
    Group.objects.get(name="caseworker").permissions.clear()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_celery_beat_periodictask")
    db_flush._empty_and_write_back(connection, written)
    # then the tables hold those rows again, and nothing else
    assert _sorted(db_flush._read_rows(connection)) == _sorted(written)
    # and a new row takes a key after them
    assert Group.objects.create(name="new").pk > max(row[0] for row in written["auth_group"][1])
