"""Demo hearing: a request from the resolved demo complaint, scheduled with the hearing officer."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from complaints.models import Complaint
from core.business_days import roll_forward

from .models import HearingRequest
from .services import hearing_request_create, hearing_schedule


def seed(*, users, rng, stdout) -> None:
    complaint = Complaint.objects.filter(complainant_name="Chen Li", status="resolved").first()
    if complaint is None or HearingRequest.objects.filter(complaint=complaint).exists():
        return
    today = timezone.localdate()
    request = hearing_request_create(
        complaint=complaint,
        requester_name=complaint.complainant_name,
        issue="closure",
        statement="I disagree with the closure of my case.",
        requested_on=today,
        by=users["ombudsperson"],
    )
    day = roll_forward(today + timedelta(days=14), request.jurisdiction)
    hearing_schedule(
        request=request,
        officer=users["hearing_officer"],
        mode="phone",
        location="Conference line 1-800-555-0100, code 4411",
        starts_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
        by=users["hearing_officer"],
    )
    stdout.write("hearings: 1 demo hearing request, scheduled")
