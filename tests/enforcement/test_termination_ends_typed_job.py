"""docs/desk.md: "A payment file does not confirm [a job awaiting confirmation]: the employer on file
remits every pay day, so it would confirm a right guess (and only a right one)". Its termination
flag does the same thing the other way: it ends the job typed for an FVI NCP at the employer on
file (a right guess) and leaves a wrong guess open, so the person page's list of current jobs
(and the events' data) answers the guess when the employer reports the NCP gone."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import Person
from cases.services.employment import employment_record
from enforcement.choices import FileVia
from enforcement.services.payments import payment_file_import_now
from enforcement.services.withholding import iwo_reconcile_action
from tests.cases.factories import EmployerFactory
from tests.enforcement.iwo_factories import active_withholding_action
from tests.enforcement.nacha_files import ded_entry, payment_file

pytestmark = pytest.mark.django_db


def test_a_termination_ends_a_typed_job_only_when_the_guess_was_right(client, role_user):
    worker = role_user("caseworker")
    acme = EmployerFactory(name="ACME WIDGETS", fein="131234567")
    EmployerFactory(name="Somewhere Else", fein="147000002")
    with time_machine.travel(datetime(2026, 11, 23, 15, 0), tick=False):
        pages = {}
        for fein in ("131234567", "147000002"):
            action = active_withholding_action(employer=acme)
            iwo_reconcile_action(action=action, on=date(2026, 11, 2))
            case = action.case
            case.caseworker = worker
            case.save()
            Person.objects.filter(pk=case.ncp.pk).update(family_violence=True)
            case.ncp.refresh_from_db()
            typed = employment_record(
                person=case.ncp, data={"fein": fein, "started_on": date(2026, 11, 10), "source": "pay_stub"}, by=worker
            ).employment
            payment_file_import_now(
                name=f"{fein}.ach",
                content=payment_file(
                    [ded_entry(case.case_number, "0.00", ssn=case.ncp.ssn, terminated=True)],
                    employer="ACME WIDGETS",
                    modifier="A" if fein == "131234567" else "B",
                ).encode(),
                via=FileVia.COMMAND,
                actor_label="test",
            )
            typed.refresh_from_db()
            client.force_login(worker)
            page = client.get(
                reverse("cases:person_detail", kwargs={"case_number": case.case_number, "person_id": case.ncp.pk})
            ).content.decode()
            pages[fein] = (
                typed.ended_on,
                "A current job, started Nov 10, 2026" in page or "started 11/10" in page,
                page.count("awaiting confirmation"),
            )
    assert pages["131234567"] == pages["147000002"], pages
