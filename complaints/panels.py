"""The case page's complaints panel (registered with ``core.hooks.case_panels``)."""

from __future__ import annotations

from core.hooks import CasePanel

from .models import Complaint


def complaints_panel(*, user, case) -> CasePanel | None:
    """The case's complaints as far as ``user`` may see them; nothing for users who see no complaints."""
    if not user.has_perm("complaints.view_complaint"):
        return None
    complaints = list(
        Complaint.objects.restrict(user, "view")
        .filter(case=case)
        .select_related("investigator")
        .order_by("-received_on", "-pk")
    )
    return CasePanel("complaints/partials/case_complaints.html", {"complaints": complaints}, order=10)
