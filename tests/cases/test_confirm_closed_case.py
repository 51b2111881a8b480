"""The confirm-a-job view has no closed-case refusal (recording and ending a job refuse a closed
case). A county's coordinator reaches an FVI person only through a closed case of the county, and
confirming there drives withholding on the person's open case in another county, the success
message telling what happened on a case the coordinator may not read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseParticipant, Person
from cases.services.employment import employment_record
from tests.cases.factories import CaseFactory
from tests.enforcement.iwo_factories import active_withholding_action

pytestmark = pytest.mark.django_db


def test_a_job_is_not_confirmed_from_a_closed_case(client, make_user, role_user):
    # an FVI NCP with an open withholding case in Erie ...
    action = active_withholding_action(county="Erie")
    ncp = action.case.ncp
    Person.objects.filter(pk=ncp.pk).update(family_violence=True)
    ncp.refresh_from_db()
    # ... and a closed case in Albany
    closed = CaseFactory(
        county="Albany",
        status="closed",
        stage="closed",
        closure_reason="other",
        closed_on=timezone.localdate() - timedelta(days=1),
    )
    CaseParticipant.objects.filter(case=closed, role="ncp").update(person=ncp)
    job = employment_record(
        person=ncp,
        data={
            "fein": "147000002",
            "started_on": timezone.localdate() - timedelta(days=5),
            "source": "pay_stub",
            "name": "Quiet Harbor Fisheries",
        },
        by=make_user("caseworker", username="erie_worker", county="Erie"),
    ).employment
    assert job.awaits_confirmation
    coordinator = role_user("coordinator")  # Albany
    client.force_login(coordinator)
    url = reverse(
        "cases:employment_confirm",
        kwargs={"case_number": closed.case_number, "person_id": ncp.pk, "pk": job.pk},
    )
    response = client.post(url, {"evidence": "a letter"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    job.refresh_from_db()
    assert job.awaits_confirmation, f"confirmed from a closed case of another county's person: {said}"
