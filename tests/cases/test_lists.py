"""Lists people can work (issue 15.2): sort, filter, paginate, export, bulk reassign, work items."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import WorkItemPriority
from cases.models import Case, WorkItem
from core.models import AccessLog, DomainEvent
from tests.cases.factories import CaseFactory, WorkItemFactory
from tests.pages import shown_on

pytestmark = pytest.mark.django_db


def csv_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def test_caseload_sorts_by_a_header_link_with_aria_sort(client_as):
    a = CaseFactory(county="Albany", case_number="NY-000101")
    b = CaseFactory(county="Albany", case_number="NY-000102")
    client = client_as("caseworker")
    page = client.get(reverse("cases:case_list"), {"sort": "-case"}).content.decode()
    assert page.index(b.case_number) < page.index(a.case_number)
    assert 'aria-sort="descending"' in page and "?sort=case" in page  # clicking again reverses
    page = client.get(reverse("cases:case_list"), {"sort": "case"}).content.decode()
    assert page.index(a.case_number) < page.index(b.case_number) and 'aria-sort="ascending"' in page


def test_an_unknown_sort_key_is_ignored_not_passed_to_the_database(client_as):
    CaseFactory()
    response = client_as("caseworker").get(reverse("cases:case_list"), {"sort": "caseworker__password"})
    assert response.status_code == 200 and "aria-sort" not in response.content.decode()


def test_export_is_the_filtered_list_as_formula_safe_csv(client_as):
    mine = CaseFactory()
    ncp = mine.ncp
    ncp.first_name, ncp.last_name = "=HYPERLINK(1)", "Evil"
    ncp.save()
    CaseFactory(status="closed", stage="closed", closure_reason="other", closed_on=date(2024, 3, 1))
    rows = csv_of(client_as("caseworker").get(reverse("cases:case_list"), {"status": "open", "export": "csv"}))
    assert rows[0][0] == "case_number" and [r[0] for r in rows[1:]] == [mine.case_number]
    assert rows[1][2].startswith("'=")


def test_export_never_leaves_the_users_scope(client_as):
    CaseFactory(county="Bronx")
    rows = csv_of(client_as("caseworker").get(reverse("cases:case_list"), {"scope": "all", "export": "csv"}))
    assert rows[1:] == []


@pytest.mark.parametrize("sort", ["case", "-arrears", "deadline", "caseworker", "county"])
def test_caseload_query_count_is_flat_in_rows(client_as, sort):
    client = client_as("caseworker")
    counts = []
    for rows in (1, 15):
        while Case.objects.count() < rows:
            CaseFactory()
        client.get(reverse("cases:case_list"), {"sort": sort})
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("cases:case_list"), {"sort": sort})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("sort", ["due", "-priority", "title", "case", "assigned"])
def test_work_item_list_query_count_is_flat_in_rows(client_as, role_user, sort):
    client = client_as("caseworker")
    me = role_user("caseworker")
    counts = []
    for rows in (1, 15):
        while WorkItem.objects.count() < rows:
            WorkItemFactory(case=CaseFactory(), assigned_to=me)
        client.get(reverse("cases:workitem_list"), {"sort": sort})
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("cases:workitem_list"), {"sort": sort})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_work_items_filter_by_priority_and_sort_by_it(client_as, role_user):
    me = role_user("caseworker")
    low = WorkItemFactory(case=CaseFactory(), assigned_to=me, title="Low one", priority=WorkItemPriority.LOW)
    urgent = WorkItemFactory(case=CaseFactory(), assigned_to=me, title="Urgent one", priority=WorkItemPriority.URGENT)
    client = client_as("caseworker")
    page = client.get(reverse("cases:workitem_list"), {"sort": "priority"}).content.decode()
    assert page.index(urgent.title) < page.index(low.title)
    page = client.get(reverse("cases:workitem_list"), {"priority": "4"}).content.decode()
    assert low.title in page and urgent.title not in page
    assert "Kind of work" in page and "[invalid name]" not in page


def test_work_item_detail_edits_priority_due_date_and_records_it(client_as, role_user):
    me = role_user("caseworker")
    item = WorkItemFactory(case=CaseFactory(), assigned_to=me, title="Call employer")
    client = client_as("caseworker")
    url = reverse("cases:workitem_detail", args=[item.pk])
    page = client.get(url)
    assert "Call employer" in page.content.decode()
    new_due = timezone.localdate() + timedelta(days=9)
    response = client.post(
        url,
        {
            **shown_on(page),
            "title": "Call the employer",
            "due_on": new_due.isoformat(),
            "priority": "1",
            "notes": "ask",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.due_on, item.priority) == ("Call the employer", new_due, WorkItemPriority.URGENT)
    assert DomainEvent.objects.filter(verb="work_item.edited", subject_id=item.pk).exists()
    bad = client.post(url, {"title": "", "due_on": "not a date", "priority": "9"})
    assert bad.status_code == 200
    item.refresh_from_db()
    assert item.title == "Call the employer"


def test_work_item_of_another_county_is_404_and_another_caseload_cannot_be_edited(client_as, make_user):
    elsewhere = WorkItemFactory(case=CaseFactory(county="Bronx"))
    client = client_as("caseworker")
    assert client.get(reverse("cases:workitem_detail", args=[elsewhere.pk])).status_code == 404
    colleague = make_user("caseworker", username="colleague")
    theirs = WorkItemFactory(case=CaseFactory(caseworker=colleague), assigned_to=colleague, title="Theirs")
    assert (
        client.post(
            reverse("cases:workitem_detail", args=[theirs.pk]),
            {"title": "Mine now", "due_on": "2030-01-01", "priority": "3"},
        ).status_code
        == 403
    )
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_a_note_added_from_a_stale_work_item_page_keeps_the_due_date_moved_meanwhile(client, make_user):
    me = make_user("caseworker")
    with time_machine.travel("2026-11-23T17:00:00Z", tick=False):
        item = WorkItemFactory(
            case=CaseFactory(caseworker=me), assigned_to=me, title="Call employer", due_on=date(2026, 12, 1), notes=""
        )
        url = reverse("cases:workitem_detail", args=[item.pk])
        client.force_login(me)
        shown = {"title": "Call employer", "due_on": "2026-12-01", "priority": str(item.priority), "notes": ""}
        page_a = client.get(url)  # page A: due 1 Dec
        # another tab (or a coordinator) moves the due date to 28 Nov
        page_b = client.get(url)
        assert client.post(url, {**shown_on(page_b), **shown, "due_on": "2026-11-28"}).status_code == 302
        # page A, still showing 1 Dec, only adds a note
        response = client.post(url, {**shown_on(page_a), **shown, "notes": "HR says call back Monday"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.notes == "HR says call back Monday"
    assert item.due_on == date(2026, 11, 28), f"colleague's due date silently reverted to {item.due_on}"


def test_a_due_date_changed_on_a_stale_page_and_meanwhile_is_refused(client, make_user):
    me = make_user("caseworker")
    item = WorkItemFactory(case=CaseFactory(caseworker=me), assigned_to=me, title="Call", due_on=date(2030, 12, 1))
    url = reverse("cases:workitem_detail", args=[item.pk])
    client.force_login(me)
    shown = {"title": "Call", "due_on": "2030-12-01", "priority": str(item.priority), "notes": ""}
    page_a, page_b = client.get(url), client.get(url)
    client.post(url, {**shown_on(page_b), **shown, "due_on": "2030-11-28"})
    response = client.post(url, {**shown_on(page_a), **shown, "due_on": "2030-12-05"})
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert "changed the due date at" in error and error.endswith("reload the page to see it; nothing was saved.")
    assert error in response.content.decode()
    item.refresh_from_db()
    assert item.due_on == date(2030, 11, 28)


def test_bulk_reassign_asks_first_then_reports_each_refusal(client_as, make_user):
    target = make_user("caseworker", username="newworker")
    mine = [CaseFactory(), CaseFactory()]
    client = client_as("coordinator")
    url = reverse("cases:case_bulk_reassign")
    ids = [str(c.pk) for c in mine] + ["999998", "999999"]
    ask = client.post(url, {"ids": ids, "assigned_to": target.pk})
    assert ask.status_code == 200 and "Reassign 4 cases" in ask.content.decode()
    assert ask.content.decode().count('name="ids"') == 4  # every selected row carried to the confirmation
    assert not Case.objects.filter(caseworker=target).exists()
    done = client.post(url, {"ids": ids, "assigned_to": target.pk, "confirmed": "yes"})
    page = done.content.decode()
    assert "2 done, 2 refused" in page and "Row 999999" in page
    assert set(Case.objects.filter(caseworker=target)) == set(mine)
    assert AccessLog.objects.filter(kind="access_denied", detail__bulk="Reassign cases").count() == 2


def test_bulk_reassign_keeps_each_rows_scope(client, make_user):
    """A county user allowed to reassign (but not to work any case of the county) moves only the
    cases on their own caseload: another county's case and a colleague's case are refused."""
    from django.contrib.auth.models import Permission

    lead = make_user("caseworker", username="teamlead")
    lead.user_permissions.add(Permission.objects.get(codename="reassign_case"))
    target = make_user("caseworker", username="newworker4")
    own = CaseFactory(caseworker=lead)
    colleagues = CaseFactory()
    elsewhere = CaseFactory(county="Bronx", caseworker=lead)
    client.force_login(lead)
    page = client.post(
        reverse("cases:case_bulk_reassign"),
        {"ids": [own.pk, colleagues.pk, elsewhere.pk], "assigned_to": target.pk, "confirmed": "yes"},
    ).content.decode()
    assert "1 done, 2 refused" in page
    assert list(Case.objects.filter(caseworker=target)) == [own]


def test_bulk_reassign_is_refused_to_caseworkers_and_bad_input_changes_nothing(client_as, make_user):
    target = make_user("caseworker", username="newworker2")
    case = CaseFactory()
    assert (
        client_as("caseworker")
        .post(reverse("cases:case_bulk_reassign"), {"ids": [case.pk], "assigned_to": target.pk})
        .status_code
        == 403
    )
    coordinator = client_as("coordinator")
    response = coordinator.post(
        reverse("cases:workitem_bulk_reassign"), {"ids": ["x"], "assigned_to": target.pk, "confirmed": "yes"}
    )
    assert response.status_code == 400


def test_bulk_reassign_work_items(client_as, make_user, role_user):
    target = make_user("caseworker", username="newworker3")
    items = [WorkItemFactory(case=CaseFactory()) for _ in range(3)]
    response = client_as("coordinator").post(
        reverse("cases:workitem_bulk_reassign"),
        {"ids": [i.pk for i in items], "assigned_to": target.pk, "confirmed": "yes"},
    )
    assert "3 done" in response.content.decode()
    assert WorkItem.objects.filter(assigned_to=target).count() == 3


def test_one_work_item_reassigned_from_its_page(client_as, make_user):
    target = make_user("caseworker", username="newworker5")
    item = WorkItemFactory(case=CaseFactory(), title="Call the employer")
    url = reverse("cases:workitem_reassign", args=[item.pk])
    coordinator = client_as("coordinator")
    page = coordinator.get(url).content.decode()
    assert "Reassign: Call the employer" in page and 'name="assigned_to"' in page
    assert "Not assigned to anyone yet." in page and f"Case {item.case.case_number}" in page

    assert coordinator.post(url, {"assigned_to": "not-a-user"}).status_code == 200  # the form again
    item.refresh_from_db()
    assert item.assigned_to != target

    response = coordinator.post(url, {"assigned_to": target.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:caseloads")
    assert "Work item reassigned." in response.content.decode()
    item.refresh_from_db()
    assert item.assigned_to == target
    assert f"Now with {target}." in coordinator.get(url).content.decode()
    assert DomainEvent.objects.filter(verb="work_item.reassigned", subject_id=item.pk).count() == 1


def test_one_work_item_reassign_keeps_the_items_scope(client, make_user):
    """As the bulk action: a county user allowed to reassign (but not to work any case of the
    county) reassigns the work of their own caseload only; another county's item is not found."""
    from django.contrib.auth.models import Permission

    lead = make_user("caseworker", username="teamlead2")
    lead.user_permissions.add(Permission.objects.get(codename="reassign_case"))
    target = make_user("caseworker", username="newworker6")
    own = WorkItemFactory(case=CaseFactory(caseworker=lead))
    colleagues = WorkItemFactory(case=CaseFactory())
    elsewhere = WorkItemFactory(case=CaseFactory(county="Bronx", caseworker=lead))
    client.force_login(lead)

    def post(item):
        return client.post(reverse("cases:workitem_reassign", args=[item.pk]), {"assigned_to": target.pk})

    assert [post(colleagues).status_code, post(elsewhere).status_code] == [403, 404]
    assert post(own).status_code == 302
    assert list(WorkItem.objects.filter(assigned_to=target)) == [own]


def test_one_work_item_reassign_is_refused_without_the_permission(client_as, make_user):
    target = make_user("caseworker", username="newworker7")
    item = WorkItemFactory(case=CaseFactory())
    url = reverse("cases:workitem_reassign", args=[item.pk])
    assert client_as("caseworker").post(url, {"assigned_to": target.pk}).status_code == 403
    assert not WorkItem.objects.filter(assigned_to=target).exists()


def test_one_work_item_reassign_by_a_user_with_no_county_finds_nothing(client, make_user, settings):
    """A blank county is not "every county" (cases.models.scope): the page is a 404, nothing moves."""
    from django.contrib.auth.models import Permission

    settings.CASEWORKS_OFFICE_COUNTY = ""
    lead = make_user("caseworker", username="nocounty", county="")
    lead.user_permissions.add(Permission.objects.get(codename="reassign_case"))
    item = WorkItemFactory(case=CaseFactory(caseworker=lead))
    client.force_login(lead)
    response = client.post(reverse("cases:workitem_reassign", args=[item.pk]), {"assigned_to": lead.pk})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.assigned_to != lead
