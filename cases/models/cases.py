"""Cases, participants, notes and the court override of the family violence indicator."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from core.dates import display_date
from core.models import AuditedModel, OfficeWide, TimeStampedModel, partner_agency_reference, staff_reference

from ..choices import (
    AssistanceStatus,
    CaseStage,
    CaseStatus,
    ChildEndReason,
    ClosureReason,
    DeadlineKind,
    InterstateRole,
    Jurisdiction,
    ParticipantRole,
)
from .people import Person
from .scope import CaseScoped, case_scope_q


class Case(TimeStampedModel, AuditedModel):
    """A IV-D case. ``status`` (open/closed) is apart from ``stage`` (where the work is).

    ``next_deadline_on``/``next_deadline_kind`` cache the earliest running federal timeframe
    (cases.deadlines) so the caseload can filter and sort on it; services refresh them.
    """

    case_number = models.CharField(max_length=20, unique=True)
    county = models.CharField(max_length=60, db_index=True)
    jurisdiction = models.CharField(max_length=2, choices=Jurisdiction.choices)
    assistance_status = models.CharField(
        max_length=10, choices=AssistanceStatus.choices, default=AssistanceStatus.NEVER
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    stage = models.CharField(max_length=20, choices=CaseStage.choices, default=CaseStage.OPENED)
    stage_changed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=40, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The notice of intent to close (45 CFR 303.11(d)): sent on, for which reason, closable from
    # ``closure_due_on`` (60 calendar days later, ``us.closure.notice_days``, moved to a business day:
    # ``cases.closure.closure_due``). Cleared when the
    # recipient answers (the event keeps the history); kept on the closed case it led to.
    closure_noticed_on = models.DateField(null=True, blank=True)
    closure_notice_reason = models.CharField(max_length=40, choices=ClosureReason.choices, blank=True)
    closure_notice_note = models.TextField(blank=True, max_length=2000)
    closure_due_on = models.DateField(null=True, blank=True, db_index=True)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    application_received_on = models.DateField()
    opened_on = models.DateField(null=True, blank=True)
    locate_needed_on = models.DateField(null=True, blank=True)
    ncp_located_on = models.DateField(null=True, blank=True)
    delinquency_identified_on = models.DateField(null=True, blank=True)
    interstate_role = models.CharField(max_length=12, choices=InterstateRole.choices, default=InterstateRole.NONE)
    other_state = models.CharField(max_length=2, blank=True)
    other_state_case_id = models.CharField(max_length=40, blank=True)
    interstate_needed_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date the need for an interstate referral was determined (starts 303.7's 20 days).",
    )
    interstate_referred_on = models.DateField(null=True, blank=True)
    next_deadline_on = models.DateField(null=True, blank=True, db_index=True)
    next_deadline_kind = models.CharField(max_length=30, choices=DeadlineKind.choices, blank=True)

    class Meta:
        ordering = ["case_number"]
        permissions = [
            ("view_all_cases", "See cases of every county"),
            ("work_any_case_in_county", "Change any case in view, not only those on one's own caseload"),
            ("view_ssn", "See full SSNs in the person detail view"),
            ("view_fti", "See federal tax information (tax offset sources)"),
            ("reassign_case", "Reassign cases and work items"),
            ("transfer_case", "Move a case to another county"),
            ("close_case", "Close a case"),
            ("override_fvi", "Record a court override of the family violence indicator"),
        ]
        indexes = [
            models.Index(fields=["caseworker", "status"]),
            models.Index(fields=["status", "county"]),
            models.Index(fields=["assistance_status"]),
            models.Index(fields=["status", "stage"]),
            # The caseload search matches a typed case number case-insensitively (UPPER(case_number)).
            models.Index(Upper("case_number"), name="case_number_upper_idx"),
            # A case's county from the index alone (PostgreSQL INCLUDE): a county user's search
            # asks it of the case of every candidate person (cases.search.visible_people).
            models.Index(fields=["id"], include=["county"], name="case_id_county_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | (~models.Q(closure_reason="") & models.Q(closed_on__isnull=False)),
                name="case_closed_has_reason_and_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="open") | models.Q(closure_reason=""),
                name="case_open_has_no_closure_reason",
            ),
            # A notice of intent to close has its date, reason and due date, or none of them.
            models.CheckConstraint(
                condition=(
                    models.Q(closure_noticed_on__isnull=True, closure_due_on__isnull=True, closure_notice_reason="")
                    | (
                        models.Q(closure_noticed_on__isnull=False, closure_due_on__isnull=False)
                        & ~models.Q(closure_notice_reason="")
                    )
                ),
                name="case_closure_notice_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @classmethod
    def scope_filter(cls, user, action: str):
        return case_scope_q(user, action=action)

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def closure_notice_pending(self) -> bool:
        """An open case with a notice of intent to close sent and not answered (45 CFR 303.11(d))."""
        return self.is_open and self.closure_noticed_on is not None

    def _participants(self, role: str) -> list[Person]:
        # Iterates participants.all() so a prefetch_related("participants__person") is used.
        return [p.person for p in self.participants.all() if p.role == role]

    @property
    def cp(self) -> Person | None:
        found = self._participants(ParticipantRole.CP)
        return found[0] if found else None

    @property
    def ncp(self) -> Person | None:
        found = self._participants(ParticipantRole.NCP)
        return found[0] if found else None

    @property
    def children(self) -> list[Person]:
        """The case's current children: a child whose participation ended (``CaseParticipant.ended_on``,
        ``services.case_child_end``) is left out (the withholding order's list, letters). The months a
        child counted in are ``allocation.child_counts_in_month``'s."""
        return [p.person for p in self.participants.all() if p.role == ParticipantRole.CHILD and p.ended_on is None]


class CaseParticipant(CaseScoped, AuditedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    # Indexed by (person, role) below, which also carries the case.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations", db_index=False)
    role = models.CharField(max_length=10, choices=ParticipantRole.choices)
    # The day a child was added to the case after it opened (``services.case_child_add``); blank for
    # the parties of the opening. The pass-through counts a child from the month added
    # (``allocation.children_in_month``): a month already past keeps the count it was distributed with.
    added_on = models.DateField(null=True, blank=True)
    # The day a child's participation ended (``services.case_child_end``: emancipated, died, went to
    # live with the other parent, adopted): from then the child is no longer one of the case's
    # current children, nor in its caseload (OCSE-157). ``end_recorded_on``: the day the end was
    # recorded; the pass-through counts the child through that month (``allocation.
    # child_counts_in_month``), so a month already distributed keeps the count it was distributed with.
    ended_on = models.DateField(null=True, blank=True)
    end_recorded_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=20, choices=ChildEndReason.choices, blank=True)
    ended_reason_text = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="participant_unique_role"),
            # An end has its reason, and only a child's participation ends.
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, end_recorded_on__isnull=True, ended_reason="")
                | (
                    models.Q(ended_on__isnull=False, end_recorded_on__gte=models.F("ended_on"), role="child")
                    & ~models.Q(ended_reason="")
                ),
                name="participant_end_has_reason",
            ),
        ]
        # A person's cases. Carrying the case (PostgreSQL INCLUDE; ignored elsewhere), "is this person
        # on a case the user may see" (cases.search.visible_people, asked of every name a search
        # reads) is answered from the index alone, without a visit to the table.
        indexes = [models.Index(fields=["person", "role"], include=["case"], name="participant_person_role_idx")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_role_display()}: {self.person}"

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None

    @property
    def ended_reason_shown(self) -> str:
        """ "emancipated", "moved abroad with a grandparent": the reason as pages and events say it."""
        if self.ended_reason == ChildEndReason.OTHER and self.ended_reason_text:
            return self.ended_reason_text
        return self.get_ended_reason_display().lower()


class CaseNote(CaseScoped, AuditedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} note {display_date(self.created_at)}"


class FviOverride(OfficeWide, AuditedModel):
    """A court's one-time override of the family violence indicator (42 USC 654(26)(c)).

    Recorded by staff from a court order; used exactly once (``used_at`` set by a conditional
    update), either on the person page by staff or through the API by the named court agency.
    Both the grant and the use are logged.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="fvi_overrides")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="fvi_overrides")
    court_name = models.CharField(max_length=200)
    court_order_reference = models.CharField(max_length=80)
    ordered_on = models.DateField()
    agency = partner_agency_reference(
        help_text="The court agency whose API key may use this override (blank: staff page only)."
    )
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = staff_reference()
    used_via = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "FVI court override"

    def __str__(self) -> str:
        return f"{self.court_name} {self.court_order_reference} for {self.person}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None
