"""The Legal parameters page (read-only, every staff role), admin with history, restore after flush."""

import importlib
from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from accounts.choices import Role
from core.legal_seed import SEED_ROWS
from core.models import LegalParameter

pytestmark = pytest.mark.django_db
STAFF = [r for r in Role if r not in (Role.PARTNER_AGENCY,)]


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_reads_the_legal_parameters(client, role_user, role):
    client.force_login(role_user(role))
    response = client.get(reverse("core:legal_parameters"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == len(SEED_ROWS)


def test_partner_accounts_and_anonymous_are_refused(client, role_user):
    url = reverse("core:legal_parameters")
    assert client.get(url).status_code == 302
    client.force_login(role_user(Role.PARTNER_AGENCY))
    assert client.get(url).status_code == 403


@time_machine.travel(date(2025, 6, 1), tick=False)
def test_page_marks_confirm_rows_and_the_row_in_force(client_as):
    response = client_as("caseworker").get(reverse("core:legal_parameters"), {"jurisdiction": "NY"})
    rows = list(response.context["object_list"])
    assert {r.jurisdiction for r in rows} == {"NY"}
    in_force = [r for r in rows if r.pk in response.context["in_force"] and r.key == "ny.poverty_guideline"]
    assert [(r.effective_on, r.value) for r in in_force] == [(date(2025, 3, 1), D("15650"))]
    text = response.content.decode()
    assert 'data-testid="confirm"' in text and "DRL 240(1-b)(b)(6); SSL 111-i(2)(a)" in text
    assert text.count('data-testid="confirm"') == sum(1 for r in rows if r.confirm)


def test_the_menu_shows_the_page_to_staff(client_as):
    response = client_as("trainer").get(reverse("core:home"))
    assert reverse("core:legal_parameters").encode() in response.content


def test_admin_keeps_the_history_of_a_correction(client, role_user):
    row = LegalParameter.objects.get(key="ny.poverty_guideline", effective_on=date(2026, 3, 1))
    row.value, row.confirm = D("15970"), False
    row.save()
    assert [h.value for h in row.history.order_by("history_date")][-1] == D("15970")
    client.force_login(role_user(Role.ADMINISTRATOR))
    assert client.get(reverse("admin:core_legalparameter_history", args=[row.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_rows_come_back_after_a_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert LegalParameter.objects.count() == len(SEED_ROWS)


PASS_THROUGH = ("key", "jurisdiction", "effective_on", "value", "citation", "confirm", "note")


def _pass_through_rows() -> list[tuple]:
    return list(
        LegalParameter.objects.filter(key__contains=".pass_through.")
        .order_by("jurisdiction", "key", "effective_on")
        .values_list(*PASS_THROUGH)
    )


def _seeded_pass_through_rows() -> list[tuple]:
    rows = [tuple(r[f] for f in PASS_THROUGH) for r in SEED_ROWS if ".pass_through." in r["key"]]
    return sorted(rows, key=lambda r: (r[1], r[0], r[2]))


def _as_before_0014(migration) -> None:
    """An install seeded before core 0014: the old pass-through rows, none of the new ones."""
    LegalParameter.objects.filter(key__contains=".pass_through.").delete()
    for key, jurisdiction, on, value, citation, confirm, note in [
        *(old for old, _new in migration.CHANGED),
        *migration.REMOVED,
    ]:
        LegalParameter.objects.create(
            key=key,
            jurisdiction=jurisdiction,
            effective_on=on,
            value=D(value),
            citation=citation,
            confirm=confirm,
            note=note,
        )


def _migration_0014():
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    module = importlib.import_module("core.migrations.0014_pass_through_rows_corrected_against_the_texts")
    return module, apps, SimpleNamespace(connection=connection)


def test_core_0014_brings_an_old_install_to_the_seeded_pass_through_rows_and_back():
    """18 NYCRR 352.15(b): $100 / $200 "Effective January 1, 2010" (not 2008; $50 before);
    Fam. Code 17504: $100 / $200 operative from January 1, 2022 at the earliest. A fresh install
    (the seed) and an upgraded one (the migration) end with the same rows."""
    migration, apps, editor = _migration_0014()
    _as_before_0014(migration)
    before = _pass_through_rows()
    migration.correct(apps, editor)
    assert _pass_through_rows() == _seeded_pass_through_rows()
    reasons = set(
        LegalParameter.history.filter(key__contains=".pass_through.").values_list(
            "history_type", "history_change_reason"
        )
    )
    assert {kind for kind, reason in reasons if reason == migration.REASON} == {"~", "-", "+"}
    migration.correct(apps, editor)  # a second run changes nothing
    assert _pass_through_rows() == _seeded_pass_through_rows()
    migration.uncorrect(apps, editor)
    assert _pass_through_rows() == before


def test_core_0014_leaves_a_row_an_administrator_corrected():
    migration, apps, editor = _migration_0014()
    _as_before_0014(migration)
    LegalParameter.objects.filter(key="ny.pass_through.one_child", effective_on=date(2008, 1, 1)).update(value=D("75"))
    LegalParameter.objects.create(
        key="ca.pass_through.two_or_more",
        jurisdiction="CA",
        effective_on=date(2022, 1, 1),
        value=D("150"),
        citation="office",
    )
    migration.correct(apps, editor)
    kept = LegalParameter.objects.get(key="ny.pass_through.one_child", effective_on=date(2008, 1, 1))
    assert kept.value == D("75")
    assert not LegalParameter.objects.filter(key="ny.pass_through.two_or_more", effective_on=date(2008, 1, 1)).exists()
    office = LegalParameter.objects.get(key="ca.pass_through.two_or_more", effective_on=date(2022, 1, 1))
    assert (office.value, office.citation) == (D("150"), "office")
    assert LegalParameter.objects.get(key="ca.pass_through.one_child", effective_on=date(2022, 1, 1)).value == D("100")


def test_the_2026_poverty_guideline_and_reserve_are_confirmed_and_a_corrected_row_is_left_alone():
    # given the rows as migrated: HHS's 2026 table gives $15,960 for one person (core 0023)
    rows = LegalParameter.objects.filter(
        key__in=("ny.poverty_guideline", "ny.self_support_reserve"), effective_on=date(2026, 3, 1)
    )
    assert sorted((r.key, r.value, r.confirm) for r in rows) == [
        ("ny.poverty_guideline", D("15960"), False),
        ("ny.self_support_reserve", D("21546"), False),
    ]
    # when an office had corrected the reserve by hand (still marked to confirm) and 0023 runs again
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("core.migrations.0023_ny_2026_poverty_confirmed")
    rows.filter(key="ny.self_support_reserve").update(value=D("21547"), confirm=True)
    migration.confirm(apps, connection.schema_editor())
    # then that row keeps its mark: only the seeded values are confirmed
    assert rows.get(key="ny.self_support_reserve").confirm is True


def test_every_seeded_row_fits_its_columns():
    # SQLite does not enforce a varchar's length; PostgreSQL refused core 0022's note of 323 characters
    fields = {f.name: f.max_length for f in LegalParameter._meta.fields if getattr(f, "max_length", None)}
    too_long = [(r["key"], name) for r in SEED_ROWS for name, most in fields.items() if len(str(r[name])) > most]
    assert too_long == []
