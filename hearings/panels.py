"""The case page's hearing requests panel (registered with ``core.hooks.case_panels``)."""

from __future__ import annotations

from core.hooks import CasePanel

from .models import HearingRequest


def hearing_requests_panel(*, user, case) -> CasePanel | None:
    """The case's state hearing requests as far as ``user`` may see them."""
    if not user.has_perm("hearings.view_hearingrequest"):
        return None
    requests = list(HearingRequest.objects.restrict(user, "view").filter(case=case).order_by("-requested_on", "-pk"))
    return CasePanel("hearings/partials/case_hearings.html", {"hearing_requests": requests}, order=20)
