"""Role groups hold their declared permissions after every ``migrate`` and ``flush`` (accounts/roles.py)."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts import roles


def _role_permissions() -> dict[str, set[tuple[str, str]]]:
    return {
        group.name: set(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }


@pytest.mark.django_db
def test_a_flush_syncs_the_roles_once_and_every_role_gets_its_permissions_back():
    before = _role_permissions()
    assert before["caseworker"] and before["administrator"] > before["coordinator"]
    with mock.patch.object(roles, "sync_roles", wraps=roles.sync_roles) as sync:
        call_command("flush", interactive=False, verbosity=0)
    assert sync.call_count == 1  # after the last Caseworks app's permissions exist, not after each app's
    assert _role_permissions() == before
