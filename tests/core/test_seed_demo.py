import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from enforcement.choices import BankAccountPurpose
from enforcement.models import BankAccount
from enforcement.nacha import parse
from enforcement.services.disbursements import disbursements_export

pytestmark = pytest.mark.django_db
DEMO_USERNAMES = {
    "caseworker",
    "enforcement_specialist",
    "coordinator",
    "ombudsperson",
    "hearing_officer",
    "outreach",
    "trainer",
    "quality_analyst",
    "admin",
}


@pytest.mark.slow  # started first (tests/conftest.py): 2.5-9 CPU-s, not left for the run's end
def test_seed_demo_creates_one_user_per_role_is_idempotent_and_its_disbursements_export():
    call_command("seed_demo", "--password", "demo-pass-123")
    first = {m._meta.label: m.objects.count() for m in _domain_models()}
    call_command("seed_demo", "--password", "demo-pass-123")
    second = {m._meta.label: m.objects.count() for m in _domain_models()}
    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERNAMES
    assert first == second  # seeding again adds no row (no second disbursements account either)
    assert User.objects.get(username="caseworker").groups.filter(name="caseworker").exists()
    assert User.objects.get(username="admin").is_superuser
    assert BankAccount.objects.filter(purpose=BankAccountPurpose.DISBURSEMENTS).count() == 1
    # when the day's disbursements of the fresh demo office are exported
    result = disbursements_export(on=timezone.localdate())
    # then a PPD credit file is written from the office's disbursements account
    assert result.export is not None and result.export.entry_count > 0
    parsed = parse(result.export.content)
    assert parsed.batches[0].sec_code == "PPD" and parsed.total_credit == result.export.total_credit


@override_settings(DEBUG=False)
def test_seed_demo_refuses_default_password_when_debug_is_off():
    with pytest.raises(CommandError, match="--password"):
        call_command("seed_demo")


def _domain_models():
    from django.apps import apps
    from django.conf import settings

    return [
        m
        for app in settings.CASEWORKS_APPS
        for m in apps.get_app_config(app).get_models()
        if not m._meta.label.startswith(("core.", "accounts.Api"))
    ]
