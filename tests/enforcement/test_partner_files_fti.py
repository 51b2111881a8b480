"""A partner file carrying federal tax information (offset collections: IRS Publication 1075) on the
staff pages and in admin: its report (counts, amounts, refused lines' reasons) only to staff cleared
for FTI (``cases.access.can_view_fti``), each display logged; a holder whose training lapsed is
refused, and the refusal logged. (Gap noted by the FTI helper, conf.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AccessLog
from enforcement.models import PartnerFile
from tests.training.factories import CompletionFactory, fti_course

pytestmark = pytest.mark.django_db

AMOUNT = "4321.09"  # an offset total: FTI
REASON = "collection amount (76-86) 98765.43"  # a refused line's reason quotes FTI amounts


def _file(kind: str, name: str, **report) -> PartnerFile:
    return PartnerFile.objects.create(kind=kind, direction="in", status="accepted", name=name, via="upload", **report)


@pytest.fixture
def fti_file():
    return _file(
        "offset-collections",
        "fop.txt",
        counts={"held_joint_return_zqx": 3},
        totals={"amount": AMOUNT},
        errors=[{"line": 7, "reason": REASON}],
    )


@pytest.fixture
def training(monkeypatch):
    def set_current(current: bool):
        monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: current)

    return set_current


def _fti_rows(user, kind):
    return list(AccessLog.objects.filter(user=user, kind=kind, object_type="enforcement.PartnerFile"))


@pytest.mark.parametrize("role", ["coordinator", "enforcement_specialist"])
def test_the_file_page_withholds_an_fti_files_report_from_staff_not_cleared(
    client, role_user, training, fti_file, role
):
    training(False)  # both hold cases.view_fti; FTI training lapsed
    user = role_user(role)
    client.force_login(user)

    detail = client.get(reverse("enforcement:partnerfile_detail", args=[fti_file.pk])).content.decode()
    listing = client.get(reverse("enforcement:partnerfile_list")).content.decode()

    for text in (detail, listing):
        assert "fop.txt" in text
        assert "held_joint_return_zqx" not in text and "Held joint return zqx" not in text
        assert "4,321.09" not in text and AMOUNT not in text and "98765.43" not in text
    assert 'data-testid="fti-withheld"' in detail
    assert _fti_rows(user, AccessLog.Kind.SENSITIVE_READ) == []
    refusals = _fti_rows(user, AccessLog.Kind.ACCESS_DENIED)
    # the lapsed holder reached FTI and was turned away (once per request: the list logs nothing)
    assert [(r.object_id, r.fields, r.outcome) for r in refusals] == [
        (str(fti_file.pk), ["counts", "totals", "errors"], "denied")
    ]


def test_the_file_page_shows_a_cleared_specialist_the_report_and_logs_it(client, role_user, training, fti_file):
    training(True)
    user = role_user("enforcement_specialist")
    client.force_login(user)

    detail = client.get(reverse("enforcement:partnerfile_detail", args=[fti_file.pk])).content.decode()

    assert "Held joint return zqx" in detail and "4,321.09" in detail and "98765.43" in detail
    reads = _fti_rows(user, AccessLog.Kind.SENSITIVE_READ)
    assert [(r.object_id, r.fields, r.detail) for r in reads] == [
        (str(fti_file.pk), ["counts", "totals", "errors"], {"kind": "offset-collections"})
    ]


def test_a_file_without_fti_shows_its_report_to_everyone_unlogged(client, role_user, training):
    training(False)
    plain = _file("new-hires", "nh.txt", counts={"created_zqx": 2})
    user = role_user("coordinator")
    client.force_login(user)
    assert "Created zqx" in client.get(reverse("enforcement:partnerfile_detail", args=[plain.pk])).content.decode()
    assert "created_zqx 2" in client.get(reverse("enforcement:partnerfile_list")).content.decode()
    assert not AccessLog.objects.filter(object_type="enforcement.PartnerFile").exists()


def test_admin_withholds_an_fti_files_report_from_an_administrator_without_fti_training(client, role_user, fti_file):
    admin_user = role_user("administrator")
    client.force_login(admin_user)

    page = client.get(reverse("admin:enforcement_partnerfile_change", args=[fti_file.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "fop.txt" in text
    assert "held_joint_return_zqx" not in text and AMOUNT not in text and "98765.43" not in text
    assert client.get(reverse("admin:enforcement_partnerfile_history", args=[fti_file.pk])).status_code in (403, 404)
    assert _fti_rows(admin_user, AccessLog.Kind.SENSITIVE_READ) == []


def test_admin_shows_an_fti_files_report_to_a_cleared_administrator_and_logs_it(client, role_user, fti_file):
    admin_user = role_user("administrator")
    CompletionFactory(user=admin_user, course=fti_course())
    client.force_login(admin_user)

    text = client.get(reverse("admin:enforcement_partnerfile_change", args=[fti_file.pk])).content.decode()
    assert client.get(reverse("admin:enforcement_partnerfile_history", args=[fti_file.pk])).status_code == 200

    assert "held_joint_return_zqx" in text and AMOUNT in text
    reads = _fti_rows(admin_user, AccessLog.Kind.SENSITIVE_READ)
    assert [(r.object_id, r.fields) for r in reads] == [(str(fti_file.pk), ["counts", "totals", "errors"])] * 2
