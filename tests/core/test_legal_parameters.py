"""The Legal parameters page (read-only, every staff role), admin with history, restore after flush."""

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
