"""Audit rows a security officer needs (FTI reads, out-of-scope denials, sensitive reads naming the
person) and the security report page that filters and exports them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cases.models import Collection
from cases.services import collection_post
from core.models import AccessLog
from tests.cases.factories import CaseFactory, case_with_order
from tests.sweeps import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def fti_current(monkeypatch):
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: True)  # training current


def _tax_offset(case, ref="TOP-1"):
    return collection_post(
        case_number=case.case_number,
        amount=Decimal("300.00"),
        received_on=timezone.localdate(),
        source="federal_tax_offset",
        source_reference=ref,
        received_via="file",
    ).collection


# ---- FTI reads ------------------------------------------------------------------------------------
def test_seeing_a_tax_offset_on_the_case_page_writes_a_sensitive_read_naming_the_payer(client_as, fti_current):
    case = case_with_order(monthly=Decimal("500.00"))
    collection = _tax_offset(case)

    response = client_as("enforcement_specialist").get(
        reverse("cases:case_detail", args=[case.case_number]), REMOTE_ADDR="10.1.2.3"
    )

    assert "Federal tax refund offset" in response.content.decode()
    row = AccessLog.objects.get(kind="sensitive_read", object_type="cases.Collection")
    assert (row.username, row.object_id, row.fields, row.ip_address) == (
        "enforcement_specialist_user",
        str(collection.pk),
        ["fti_source"],
        "10.1.2.3",
    )
    assert row.detail["person_id"] == case.ncp.pk and row.detail["person"] == case.ncp.display_name
    assert row.path == reverse("cases:case_detail", args=[case.case_number])


@pytest.mark.parametrize("role", ["caseworker", "enforcement_specialist"])
def test_no_fti_read_is_logged_when_the_source_is_not_shown(client_as, monkeypatch, role):
    # a caseworker has no cases.view_fti; the specialist's FTI training has lapsed
    monkeypatch.setattr("core.hooks.fti_checks_pass", lambda user: False)  # training lapsed
    case = case_with_order(monthly=Decimal("500.00"))
    _tax_offset(case)

    response = client_as(role).get(reverse("cases:case_detail", args=[case.case_number]))

    assert response.status_code == 200 and "Federal tax refund offset" not in response.content.decode()
    assert not AccessLog.objects.filter(object_type="cases.Collection").exists()


def test_the_held_queue_logs_each_tax_offset_it_shows(client_as, fti_current):
    for ref in ("TOP-1", "TOP-2"):
        collection_post(
            case_number="NY-UNKNOWN",
            amount=Decimal("80.00"),
            received_on=timezone.localdate(),
            source="federal_tax_offset",
            source_reference=ref,
            received_via="file",
        )
    collection_post(
        case_number="NY-UNKNOWN",
        amount=Decimal("80.00"),
        received_on=timezone.localdate(),
        source="direct_payment",
        source_reference="D-1",
        received_via="file",
    )

    client_as("enforcement_specialist").get(reverse("ledger:held_list"))

    rows = AccessLog.objects.filter(kind="sensitive_read", object_type="cases.Collection")
    offsets = Collection.objects.filter(source_reference__in=["TOP-1", "TOP-2"]).values_list("pk", flat=True)
    assert sorted(r.object_id for r in rows) == sorted(str(pk) for pk in offsets)
    assert all(r.fields == ["fti_source"] for r in rows)


# ---- out-of-scope 404s ----------------------------------------------------------------------------
@pytest.fixture
def albany_worker(make_user):
    return make_user("caseworker", username="albany_worker", county="Albany")


def test_an_object_out_of_scope_is_a_404_logged_as_an_access_denial(client, albany_worker):
    elsewhere = CaseFactory(county="Queens")
    client.force_login(albany_worker)

    response = client.get(reverse("cases:case_detail", args=[elsewhere.case_number]), REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 404
    row = AccessLog.objects.get(kind="access_denied")
    assert (row.username, row.object_type, row.object_id, row.ip_address, row.outcome) == (
        "albany_worker",
        "cases.Case",
        str(elsewhere.pk),
        "10.9.8.7",
        "not_found",
    )
    assert row.path == reverse("cases:case_detail", args=[elsewhere.case_number])
    assert row.detail == {"reason": "out_of_scope", "action": "view"}


def test_a_missing_object_or_one_in_scope_is_not_a_denial(client, albany_worker):
    mine = CaseFactory(county="Albany")
    client.force_login(albany_worker)

    assert client.get(reverse("cases:case_detail", args=["NY-NOPE"])).status_code == 404
    assert client.get(reverse("cases:case_detail", args=[mine.case_number])).status_code == 200
    assert not AccessLog.objects.filter(kind="access_denied").exists()


def test_an_out_of_scope_404_on_a_nested_page_is_logged(client, albany_worker):
    elsewhere = CaseFactory(county="Queens")
    client.force_login(albany_worker)
    url = reverse("cases:person_detail", kwargs={"case_number": elsewhere.case_number, "person_id": elsewhere.cp.pk})

    assert client.get(url).status_code == 404
    assert AccessLog.objects.filter(kind="access_denied", object_id=str(elsewhere.pk), path=url).count() == 1


# ---- sensitive reads name the person and field ---------------------------------------------------
def test_ssn_read_names_the_person_and_the_field(client_as):
    case = CaseFactory()
    url = reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": case.ncp.pk})

    client_as("coordinator").get(url)

    row = AccessLog.objects.get(kind="sensitive_read")
    assert row.object_type == "cases.Person" and "date_of_birth" in row.fields
    assert row.detail == {"person_id": case.ncp.pk, "person": case.ncp.display_name}


def test_whereabouts_released_under_a_court_override_are_a_sensitive_read(client_as):
    from cases.models import FviOverride

    case = CaseFactory()
    cp = case.cp
    cp.family_violence = True
    cp.save()
    override = FviOverride.objects.create(
        person=cp, case=case, court_name="Family Court", court_order_reference="O-1", ordered_on=date(2026, 1, 5)
    )

    client_as("hearing_officer").post(reverse("cases:fvi_override_use", kwargs={"pk": override.pk}))

    row = AccessLog.objects.get(kind="sensitive_read")
    assert (row.fields, row.object_type, row.detail["person_id"], row.detail["via"]) == (
        ["addresses"],
        "cases.Person",
        cp.pk,
        "fvi_override",
    )


# ---- the security report --------------------------------------------------------------------------
@pytest.fixture
def officer(make_user):
    user = make_user(username="security_officer")
    user.user_permissions.add(Permission.objects.get(codename="view_security_log"))
    return user


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "quality_analyst", "trainer", "hearing_officer"])
def test_the_report_is_refused_to_every_staff_role(client_as, role):
    assert client_as(role).get(reverse("core:audit_access")).status_code == 403


def test_administrator_and_the_security_officer_open_the_report(client, client_as, officer):
    assert client_as("administrator").get(reverse("core:audit_access")).status_code == 200
    client.force_login(officer)
    assert client.get(reverse("core:audit_access")).status_code == 200


def _rows():
    AccessLog.objects.create(kind="login", username="ann")
    AccessLog.objects.create(kind="access_denied", username="ann", path="/cases/NY-1/", outcome="not_found")
    AccessLog.objects.create(kind="access_denied", username="bob", path="/cases/NY-2/", outcome="not_found")
    old = AccessLog.objects.create(kind="access_denied", username="ann", path="/cases/NY-3/")
    AccessLog.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))


def test_the_report_filters_by_user_kind_and_date(client, officer):
    _rows()
    client.force_login(officer)
    today = timezone.localdate()

    response = client.get(
        reverse("core:audit_access"),
        {
            "username": "ANN",
            "kind": "access_denied",
            "date_from": (today - timedelta(days=7)).isoformat(),
            "date_to": today.isoformat(),
        },
    )

    assert [r.path for r in response.context["object_list"]] == ["/cases/NY-1/"]


@pytest.mark.parametrize(
    "query", [{"date_from": "2026-13-40"}, {"kind": "nonsense"}, {"date_from": "2026-02-01", "date_to": "2026-01-01"}]
)
def test_bad_filters_show_an_error_and_no_rows(client, officer, query):
    _rows()
    client.force_login(officer)

    response = client.get(reverse("core:audit_access"), query)

    assert response.status_code == 200 and list(response.context["object_list"]) == []
    assert b'data-testid="filter-errors"' in response.content


def test_the_report_exports_the_filtered_rows_as_formula_safe_csv(client, officer):
    _rows()
    AccessLog.objects.create(kind="login_failed", username="=cmd|' /C calc'!A0")
    client.force_login(officer)

    response = client.get(reverse("core:audit_access"), {"kind": "access_denied", "username": "bob", "format": "csv"})
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["at", "kind", "username", "ip_address"]
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [("access_denied", "bob", "/cases/NY-2/")]

    failed = client.get(reverse("core:audit_access"), {"kind": "login_failed", "format": "csv"})
    assert "'=cmd" in body(failed).decode()


# ---- indexes ---------------------------------------------------------------------------------------


def test_the_log_kind_has_one_plain_index_and_no_like_copy():
    """Every audit insert maintains the log's indexes; the kind is only ever compared for equality,
    so PostgreSQL's ``varchar_pattern_ops`` copy of its index is gone (17.3, migration core 0011)."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AccessLog._meta.db_table)
    on_kind = {name for name, c in constraints.items() if c["index"] and c["columns"] == ["kind"]}
    assert on_kind == {"core_accesslog_kind_idx"}
