"""Income withholding pages: who may see and download an IWO, who may issue; scope; FVI."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.models import AccessLog
from enforcement.models import IncomeWithholdingOrder
from enforcement.services.withholding import iwo_reconcile_action
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 30)
SEE = ["caseworker", "enforcement_specialist", "coordinator", "ombudsperson", "quality_analyst", "administrator"]
REFUSED = ["hearing_officer", "outreach", "trainer"]


@pytest.fixture
def iwo():
    action = active_withholding_action(health=True)
    return iwo_reconcile_action(action=action, on=ON)[0]


@pytest.mark.parametrize("role", SEE)
def test_staff_who_see_actions_open_the_order_and_its_pdf(client_as, iwo, role):
    client = client_as(role)
    page = client.get(reverse("enforcement:iwo_detail", args=[iwo.pk]))
    assert page.status_code == 200 and iwo.control_number.encode() in page.content
    assert b"Hudson Valley Logistics" in page.content
    pdf = client.get(reverse("enforcement:iwo_pdf", args=[iwo.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf["Cache-Control"] == "no-store"
    assert AccessLog.objects.filter(kind=AccessLog.Kind.SENSITIVE_READ).exists()
    action_page = client.get(reverse("enforcement:action_detail", args=[iwo.action_id]))
    assert b'data-testid="iwo-table"' in action_page.content


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused(client_as, iwo, role):
    client = client_as(role)
    assert client.get(reverse("enforcement:iwo_detail", args=[iwo.pk])).status_code == 403
    assert client.get(reverse("enforcement:iwo_pdf", args=[iwo.pk])).status_code == 403


def test_a_user_of_another_county_or_none_gets_404(client_as, role_user, iwo):
    user = role_user("caseworker")
    user.county = "Bronx"
    user.save()
    client = client_as("caseworker")
    assert client.get(reverse("enforcement:iwo_detail", args=[iwo.pk])).status_code == 404
    assert client.get(reverse("enforcement:iwo_pdf", args=[iwo.pk])).status_code == 404
    user.county = ""
    user.save()
    assert client.get(reverse("enforcement:iwo_detail", args=[iwo.pk])).status_code == 404


def test_an_fvi_ncps_employer_is_withheld_on_the_pages(client_as, iwo):
    ncp = iwo.case.ncp
    ncp.family_violence = True
    ncp.save()
    client = client_as("enforcement_specialist")
    for url in (
        reverse("enforcement:iwo_detail", args=[iwo.pk]),
        reverse("enforcement:action_detail", args=[iwo.action_id]),
    ):
        content = client.get(url).content
        assert b"Hudson Valley Logistics" not in content and b"Withheld (family violence" in content


def test_the_nmsn_of_an_fvi_ncp_prints_no_address(iwo):
    from enforcement.iwo import iwo_pdf
    from tests.enforcement.test_withholding import pdf_text

    assert "44 Elm Street" in pdf_text(iwo_pdf(iwo))  # the NMSN asks for the employee's mailing address
    ncp = iwo.case.ncp
    ncp.family_violence = True
    ncp.save()
    iwo = IncomeWithholdingOrder.objects.select_related("case").get(pk=iwo.pk)
    assert "44 Elm Street" not in pdf_text(iwo_pdf(iwo))


def test_specialist_requests_a_lump_sum_caseworker_may_not(client_as, iwo):
    url = reverse("enforcement:action_iwo_lump_sum", args=[iwo.action_id])
    assert client_as("caseworker").post(url, {"amount": "900.00"}).status_code == 403
    response = client_as("enforcement_specialist").post(url, {"amount": "900.00"}, follow=True)
    assert response.status_code == 200 and b"Lump sum order" in response.content
    assert IncomeWithholdingOrder.objects.filter(kind="LUM", lump_sum_amount="900.00").count() == 1
    bad = client_as("enforcement_specialist").post(url, {"amount": "-5"}, follow=True)
    assert bad.status_code == 200 and IncomeWithholdingOrder.objects.filter(kind="LUM").count() == 1


def test_issue_now_is_idempotent(client_as, iwo):
    url = reverse("enforcement:action_iwo_issue", args=[iwo.action_id])
    response = client_as("enforcement_specialist").post(url, follow=True)
    assert b"Nothing to issue" in response.content
    assert IncomeWithholdingOrder.objects.count() == 1


def test_a_double_clicked_lump_sum_sends_the_employer_one_order(client_as, iwo):
    """The same POST twice (a double click, a browser retry): one lump sum order reaches the
    employer; the second attempt is refused with a message and sends nothing."""
    url = reverse("enforcement:action_iwo_lump_sum", args=[iwo.action_id])
    client = client_as("enforcement_specialist")
    first = client.post(url, {"amount": "900.00"}, follow=True)
    second = client.post(url, {"amount": "900.00"}, follow=True)
    assert b"Lump sum order" in first.content
    assert IncomeWithholdingOrder.objects.filter(kind="LUM").count() == 1
    assert b"already issued today" in second.content
    # Another amount is another lump sum: it goes out.
    client.post(url, {"amount": "250.00"}, follow=True)
    assert IncomeWithholdingOrder.objects.filter(kind="LUM").count() == 2
