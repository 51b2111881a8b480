from datetime import timedelta

from django.utils import timezone

from hearings.models import HearingLetter
from tests.hearings.factories import ComplianceActionFactory


def url_samples(*, users) -> dict[str, dict]:
    action = ComplianceActionFactory()
    starts_at = timezone.now() + timedelta(days=3)
    hearing = action.request.hearings.create(
        officer=users["hearing_officer"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        mode="phone",
        location="Bridge",
    )
    letter = HearingLetter.objects.create(
        request=action.request,
        hearing=hearing,
        kind="notice",
        party="appellant",
        addressee="Dana Parent",
        issued_on=timezone.localdate(),
    )
    number = {"number": action.request.number}
    return {
        "hearings:request_detail": number,
        "hearings:good_cause": number,
        "hearings:schedule": number,
        "hearings:held": number,
        "hearings:decide": number,
        "hearings:dismiss": number,
        "hearings:no_show": number,
        "hearings:reopen": number,
        "hearings:action_done": {"pk": action.pk},
        "hearings:letter": {"pk": letter.pk},
        "hearings:letter_pdf": {"pk": letter.pk},
    }
