"""core.hooks: extension points that keep the dependency rule (no lower app imports an upper one)."""

import pytest

from cases.access import can_view_fti
from core import hooks


@pytest.mark.django_db
def test_fti_access_fails_closed_without_a_registered_check(monkeypatch, role_user):
    user = role_user("enforcement_specialist")  # holds cases.view_fti
    monkeypatch.setattr(hooks, "fti_access_checks", hooks.Hook("empty"))
    assert can_view_fti(user) is False


@pytest.mark.django_db
def test_fti_access_needs_every_registered_check_and_the_permission(monkeypatch, role_user):
    checks = hooks.Hook("test")
    monkeypatch.setattr(hooks, "fti_access_checks", checks)
    checks.register(lambda user: True)
    assert can_view_fti(role_user("enforcement_specialist")) is True
    assert can_view_fti(role_user("caseworker")) is False  # no cases.view_fti
    checks.register(lambda user: False)
    assert can_view_fti(role_user("enforcement_specialist")) is False


def test_training_registers_its_fti_check():
    from training.selectors import fti_training_current

    assert fti_training_current in list(hooks.fti_access_checks)


def test_enforcement_registers_what_a_collection_reversal_makes_moot():
    from enforcement.services.partner_kinds.offset import offset_held_reversed
    from enforcement.services.returns import returned_disbursements_moot

    assert returned_disbursements_moot in list(hooks.collection_reversed)
    assert offset_held_reversed in list(hooks.collection_reversed)


def test_enforcement_registers_what_a_person_merge_must_make_fit():
    from enforcement.services.merging import bank_matches_merging, payee_accounts_merging
    from enforcement.services.partner_kinds.offset import offset_certifications_merging

    registered = list(hooks.person_merging)
    assert offset_certifications_merging in registered
    assert payee_accounts_merging in registered
    assert bank_matches_merging in registered


def test_every_rule_of_one_row_per_person_is_one_the_merge_makes_fit():
    """A merge puts two people's rows on one person: a unique constraint on a person's rows breaks
    it unless the merge reconciles them (cases: participations; the ``person_merging`` hooks:
    the rest). A new one fails here until it has its hook (and its name below)."""
    from django.db.models import UniqueConstraint

    from cases.services.people import person_relations

    found = {
        constraint.name
        for model, name in person_relations()  # every foreign key the merge moves
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and name in (constraint.fields or ())
    }
    assert found == {
        "participant_unique_role",  # cases.services.people.person_merge
        "enf_offsetcert_one_current",  # offset_certifications_merging
        "enf_payee_one_active",  # payee_accounts_merging
        "enf_bankmatch_open_once",  # bank_matches_merging
    }


def test_a_hook_registers_a_callable_once():
    hook = hooks.Hook("x")

    def fn(user):
        return True

    hook.register(fn)
    hook.register(fn)
    assert len(hook) == 1
