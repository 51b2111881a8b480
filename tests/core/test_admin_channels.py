"""Django admin as a channel: federal tax information (IRS Publication 1075: shown only to users with
current FTI training, every display logged) through the FTI gate of ``cases.access``, and no one but
an administrator (an active superuser) in admin, which reads no county scope. (Red team findings, conf.)"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.access import can_view_fti
from cases.models import Case, Collection
from cases.services import collection_post
from core.admin_site import ADMINISTRATORS_ONLY
from core.models import AccessLog
from enforcement.models import OffsetCollection, PartnerFile
from tests.cases.factories import CaseFactory, case_with_order
from tests.training.factories import CompletionFactory, fti_course

pytestmark = pytest.mark.django_db

TAX_OFFSET = "Federal tax refund offset"


def _post(case, reference: str, source: str) -> Collection:
    collection_post(
        case_number=case.case_number,
        amount=Decimal("612.00"),
        received_on=date(2026, 3, 2),
        source=source,
        source_reference=reference,
        received_via="file",
    )
    return Collection.objects.get(source_reference=reference)


@pytest.fixture
def offset():
    case = case_with_order()
    _post(case, "COL-zqxcheck", "direct_payment")
    collection = _post(case, "COL-zqxfti1", "federal_tax_offset")
    partner_file = PartnerFile.objects.create(
        kind="offset-collections", direction="in", status="accepted", name="fop.txt", content=b"", via="upload"
    )
    OffsetCollection.objects.create(
        partner_file=partner_file,
        line=1,
        case=case,
        case_type="N",
        transaction="C",
        amount=Decimal("612.00"),
        offset_date=date(2026, 3, 1),
        status="posted",
        collection=collection,
    )
    return collection


def _fti_reads(user) -> list[AccessLog]:
    return [
        r for r in AccessLog.objects.filter(user=user, kind=AccessLog.Kind.SENSITIVE_READ) if "fti_source" in r.fields
    ]


def test_admin_withholds_tax_offsets_from_an_administrator_without_fti_training(client, role_user, offset):
    admin_user = role_user("administrator")
    assert not can_view_fti(admin_user)  # the case pages refuse them FTI
    client.force_login(admin_user)
    changelist = reverse("admin:cases_collection_changelist")

    # the list: the other payments, no tax offset, no source column or filter
    text = client.get(changelist).content.decode()
    assert "COL-zqxcheck" in text and "COL-zqxfti1" not in text
    assert TAX_OFFSET not in text and "source__exact" not in text
    # a filter typed by hand lists no tax offset
    filtered = client.get(changelist + "?source__exact=federal_tax_offset", follow=True).content.decode()
    assert "COL-zqxfti1" not in filtered and TAX_OFFSET not in filtered
    # the tax offset's page and history are not opened; another payment's page leaves the source out
    assert client.get(reverse("admin:cases_collection_change", args=[offset.pk])).status_code == 302
    assert client.get(reverse("admin:cases_collection_history", args=[offset.pk])).status_code in (403, 404)
    check = Collection.objects.get(source_reference="COL-zqxcheck")
    page = client.get(reverse("admin:cases_collection_change", args=[check.pk])).content.decode()
    assert "COL-zqxcheck" in page and 'name="source"' not in page and TAX_OFFSET not in page
    # the offset records: every row FTI
    record = OffsetCollection.objects.get()
    assert client.get(reverse("admin:enforcement_offsetcollection_changelist")).context["cl"].result_count == 0
    assert client.get(reverse("admin:enforcement_offsetcollection_change", args=[record.pk])).status_code == 302
    assert client.get(reverse("admin:enforcement_offsetcollection_history", args=[record.pk])).status_code in (403, 404)
    assert _fti_reads(admin_user) == []


def test_admin_shows_tax_offsets_to_a_cleared_administrator_and_logs_each_display(client, role_user, offset):
    admin_user = role_user("administrator")
    CompletionFactory(user=admin_user, course=fti_course())
    assert can_view_fti(admin_user)
    client.force_login(admin_user)

    text = client.get(
        reverse("admin:cases_collection_changelist") + "?source__exact=federal_tax_offset"
    ).content.decode()
    assert "COL-zqxfti1" in text and TAX_OFFSET in text
    assert [(r.object_id, r.fields) for r in _fti_reads(admin_user)] == [(str(offset.pk), ["fti_source"])]
    assert client.get(reverse("admin:cases_collection_change", args=[offset.pk])).status_code == 200
    assert client.get(reverse("admin:cases_collection_history", args=[offset.pk])).status_code == 200
    record = OffsetCollection.objects.get()
    assert client.get(reverse("admin:enforcement_offsetcollection_changelist")).context["cl"].result_count == 1
    assert client.get(reverse("admin:enforcement_offsetcollection_change", args=[record.pk])).status_code == 200
    assert [(r.object_type, r.object_id) for r in reversed(_fti_reads(admin_user))] == [
        ("cases.Collection", str(offset.pk)),
        ("cases.Collection", str(offset.pk)),
        ("cases.Collection", str(offset.pk)),
        ("enforcement.OffsetCollection", str(record.pk)),
        ("enforcement.OffsetCollection", str(record.pk)),
    ]


def test_admin_is_for_administrators_only(client, make_user):
    """A non-superuser staff user (is_staff, caseworker role, county Albany) would read every county's
    cases in admin (it reads no county scope): admin lets in active superusers only, and says why."""
    worker = make_user("caseworker", username="staff_worker", is_staff=True)
    elsewhere = CaseFactory(county="Kings")
    assert not Case.objects.restrict(worker, "view").filter(pk=elsewhere.pk).exists()
    client.force_login(worker)
    listing = client.get(reverse("admin:cases_case_changelist"))
    detail = client.get(reverse("admin:cases_case_change", args=[elsewhere.pk]))
    assert listing.status_code == detail.status_code == 302
    assert elsewhere.case_number not in listing.content.decode()
    login = client.get(listing.url)
    assert escape(ADMINISTRATORS_ONLY) in login.content.decode()

    # signing in at the admin's own page is refused, and told why
    worker.set_password("a-long-enough-password-1")
    worker.save()
    client.logout()
    refused = client.post(reverse("admin:login"), {"username": "staff_worker", "password": "a-long-enough-password-1"})
    assert refused.status_code == 200 and escape(ADMINISTRATORS_ONLY) in refused.content.decode()
