"""Work items (ticklers) and locate attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import AuditedModel, TimeStampedModel, is_partner, staff_reference

from ..choices import LocateResult, LocateSource, WorkItemKind, WorkItemPriority, WorkItemStatus
from .cases import Case
from .people import Person
from .scope import CaseScoped, case_county_q, case_scope_q


class WorkItem(TimeStampedModel, AuditedModel):
    """A tickler, assigned to a person or a unit. Automated items carry a ``dedupe_key`` so they
    are created once (``cases.services.work_item_create``)."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="work_items")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, default="manual", db_index=True)
    due_on = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_items"
    )
    unit = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=10, choices=WorkItemStatus.choices, default=WorkItemStatus.OPEN)
    created_by = staff_reference(on_delete=models.SET_NULL)
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    completed_on = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=WorkItemPriority.choices, default=WorkItemPriority.NORMAL)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["status", "priority", "due_on"], name="workitem_status_priority_idx"),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        """The kind in words: the cases app's label, else another app's short kind made readable
        ("iwo_lump_sum" → "Iwo lump sum")."""
        if self.kind in WorkItemKind.values:
            return str(WorkItemKind(self.kind).label)
        return self.kind.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        return self.status == WorkItemStatus.OPEN

    @classmethod
    def scope_filter(cls, user, action: str):
        # An item without a case is office work, open to everyone in the app. An item assigned to
        # the user may be worked by them off their caseload, but, as every write, only on a case
        # of their county (cases.models.scope).
        q = case_scope_q(user, "case__", action)
        if q is None:
            return None
        if action != "view" and not is_partner(user):
            q |= case_county_q(user, "case__") & models.Q(assigned_to=user)
        return q | models.Q(case__isnull=True)


class LocateAttempt(CaseScoped, AuditedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="locate_attempts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="locate_attempts")
    source = models.CharField(max_length=20, choices=LocateSource.choices)
    attempted_on = models.DateField()
    result = models.CharField(max_length=10, choices=LocateResult.choices)
    notes = models.TextField(blank=True, max_length=2000)
    recorded_by = staff_reference(on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attempted_on", "-id"]
        indexes = [models.Index(fields=["case", "attempted_on"])]

    def __str__(self) -> str:
        return f"{self.case} {self.get_source_display()} {self.attempted_on}"
