"""The admin is a place people work too (Section 508): the role walks leave /admin/ out, so its list
pages are checked here by axe-core at both widths like the office's own (tests/e2e/conftest.py):
the users list, with filters of every kind (a free-text field's blank value among them), the event
log, whose breadcrumb links axe-core found told apart by colour alone, and a case's form, whose
participants are a tabular inline (fields labelled only by column headers before), and a sweep run,
read-only, whose chunks are an inline that scrolls sideways at 390 px with nothing in it to focus (a
keyboard could not scroll it before: static/js/admin.js), and a user's form, whose date-times are
split into a date and a time input that nothing labelled (templates/admin/widgets/split_datetime.html)
and whose groups chooser has search icons with a name but no role (static/js/admin.js)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from enforcement.models import SweepChunk, SweepRun
from tests.e2e.conftest import check_again, goto_checked

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_pages_pass_axe_at_both_widths(sign_in, live_server, make_user):
    from tests.cases.factories import CaseFactory

    make_user("caseworker", unit="")  # a user of no unit: the unit filter's blank value
    lead = make_user("coordinator", username="team_lead", unit="Intake")
    case = CaseFactory()  # its participants: a tabular inline
    run = SweepRun.objects.create(as_of=date(2026, 11, 23), started_at=timezone.now())
    SweepChunk.objects.create(run=run, low=0, high=5000, worker="celery@worker-1")
    page = sign_in("administrator", at="/admin/")
    loaded_at, resized_to = 1280, 390
    page.set_viewport_size({"width": loaded_at, "height": 900})
    for path in (
        "/admin/accounts/user/",
        "/admin/core/domainevent/",
        f"/admin/cases/case/{case.pk}/change/",
        f"/admin/enforcement/sweeprun/{run.pk}/change/",  # loaded narrow: its chunks scroll at once
        f"/admin/enforcement/sweeprun/{run.pk}/change/",  # loaded wide, then narrowed: they begin to scroll
        f"/admin/accounts/user/{lead.pk}/change/",
    ):
        assert goto_checked(page, f"{live_server.url}{path}").status == 200
        if path == "/admin/accounts/user/":
            assert page.get_by_role("link", name="(none)").count() == 1  # the blank unit, named
        if path.endswith(f"/user/{lead.pk}/change/"):
            assert page.get_by_label("Date:").count() == 2  # last login and date joined, each labelled
        page.set_viewport_size({"width": resized_to, "height": 900})
        check_again(page)
        loaded_at, resized_to = resized_to, loaded_at
