"""State hearings (California Family Code 17801; NY profile: same workflow, its own deadlines).

A request is checked for jurisdiction (the four state-hearing matters versus the court's), gets a
filing deadline (90 days after the resolution was received, or after the complaint when no
resolution came within 30 days), is flagged when late (and needs a good-cause decision), is
scheduled, decided, and the compliance actions a decision orders are tracked to done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.history import HistoricalRecords
from core.models import AuditedModel, RestrictedQuerySet, is_partner, staff_reference

from .choices import (
    MERITS_OUTCOMES,
    OPEN_REQUEST_STATUSES,
    ActionStatus,
    Basis,
    DismissalGround,
    GoodCause,
    HearingStatus,
    Issue,
    LetterKind,
    Mode,
    Outcome,
    Party,
    RequestStatus,
)

VIEW_ALL = "hearings.view_all_hearings"


class HearingRequest(AuditedModel):
    number = models.CharField(max_length=20, unique=True, editable=False)
    jurisdiction = models.CharField(max_length=2, default="NY")
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT, related_name="hearing_requests"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="hearing_requests"
    )
    requester_name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    issue = models.CharField(max_length=20, choices=Issue.choices, db_index=True)
    statement = models.TextField(max_length=10000)
    requested_on = models.DateField(db_index=True)
    basis = models.CharField(max_length=15, choices=Basis.choices)
    complaint_made_on = models.DateField(help_text="When the complaint was made (from the complaint when linked).")
    resolution_received_on = models.DateField(null=True, blank=True)
    in_jurisdiction = models.BooleanField(default=True, db_index=True)
    alternate_route = models.CharField(
        max_length=1000, blank=True, help_text="Where an out-of-jurisdiction matter goes (e.g. the family court)."
    )
    filing_deadline = models.DateField()
    is_late = models.BooleanField(default=False, db_index=True)
    good_cause = models.CharField(max_length=10, choices=GoodCause.choices, blank=True)
    good_cause_reason = models.CharField(max_length=2000, blank=True)
    good_cause_decided_by = staff_reference()
    good_cause_decided_on = models.DateField(null=True, blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True)
    accommodation_needs = models.CharField(max_length=500, blank=True)
    hold_by = models.DateField(help_text="Target: hearing held by (requested + 45 days, confirm).")
    decide_by = models.DateField(help_text="Target: decision by (requested + 75 days, confirm).")
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED, db_index=True
    )
    dismissal_on = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "California: the day a noticed dismissal may take effect (notice + 15 days, on a business day; "
            "22 CCR 120211(b), 120213(b))."
        ),
    )
    dismissal_ground = models.CharField(
        max_length=12,
        choices=DismissalGround.choices,
        blank=True,
        help_text="California: why the dismissal was noticed (22 CCR 120211(b), 120213(b)).",
    )
    held_on = models.DateField(null=True, blank=True, help_text="The day the hearing was held.")
    # New York: a request dismissed as abandoned is reopened as a new request linked to it (18 NYCRR
    # 358-5.5(c)), so the abandoned one keeps its dismissal and its decision letters as they were sent.
    reopened_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reopened_as",
        help_text="New York: the abandoned request this one reopens (18 NYCRR 358-5.5(c)).",
    )
    reopen_asked_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the appellant asked for the hearing to be rescheduled and gave the good cause reason.",
    )
    reopen_reason = models.CharField(
        max_length=2000, blank=True, help_text="The good cause reason given for not appearing (358-5.5(a)(2))."
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_summary = models.TextField(max_length=10000, blank=True)
    decided_by = staff_reference()
    created_by = staff_reference()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hold_by", "id"]
        permissions = [
            ("view_all_hearings", "Can see every hearing request"),
            ("schedule_hearing", "Can schedule a hearing"),
            ("decide_hearing", "Can decide a hearing and its good cause"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_jurisdiction=True) | ~Q(alternate_route=""), name="hearing_out_of_jurisdiction_has_route"
            ),
            models.CheckConstraint(
                condition=Q(status="decided", outcome__gt="") | ~Q(status="decided"), name="hearing_decided_has_outcome"
            ),
            # The order of a request (docs/hearings.md), held by the database as well as the services.
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status="decided", decided_on__isnull=False),
                name="hearing_outcome_is_closed_and_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissal_noticed") | Q(dismissal_on__isnull=False),
                name="hearing_dismissal_noticed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissal_noticed") | ~Q(dismissal_ground=""),
                name="hearing_dismissal_noticed_has_ground",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_on__isnull=False), name="hearing_held_has_date"
            ),
            # A reopened request says when the appellant asked and the reason given; no other does.
            models.CheckConstraint(
                condition=Q(reopened_from__isnull=True, reopen_asked_on__isnull=True, reopen_reason="")
                | (Q(reopened_from__isnull=False, reopen_asked_on__isnull=False) & ~Q(reopen_reason="")),
                name="hearing_reopened_has_ask_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=MERITS_OUTCOMES) | Q(held_on__isnull=False, decided_on__gte=F("held_on")),
                name="hearing_merits_decision_after_held_hearing",
            ),
        ]
        indexes = [models.Index(fields=["status", "hold_by"], name="hearing_status_hold")]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        if is_partner(user):  # a partner key: requests on its counties' cases
            from cases.models.scope import case_scope_q

            county = case_scope_q(user, "case__", action)
            return county if county is None else county & Q(case__isnull=False)
        if user.has_perm(VIEW_ALL):
            return None
        # A subquery, not a join through the reverse relation: a postponed request has several
        # Hearing rows, and a join would return the request once per row (and .get() would raise
        # MultipleObjectsReturned).
        return Q(created_by=user) | Q(pk__in=Hearing.objects.filter(officer=user).values("request_id"))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def needs_good_cause(self) -> bool:
        """A late request still open whose good cause is undecided (a closed one, e.g. withdrawn
        first, needs no decision: ``hearing_good_cause_decide`` refuses it)."""
        return self.is_open and self.is_late and self.good_cause in ("", GoodCause.PENDING)


class Hearing(AuditedModel):
    """One scheduled sitting of a request (a postponement makes a new row)."""

    request = models.ForeignKey(HearingRequest, on_delete=models.CASCADE, related_name="hearings")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hearings_presiding")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=Mode.choices)
    location = models.CharField(max_length=300, help_text="Room and address, phone bridge or video link.")
    resource_key = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="The room or phone bridge, normalised: one sitting at a time (blank for video links).",
    )
    interpreter_language = models.CharField(max_length=60, blank=True)
    accommodation_needs = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED, db_index=True
    )
    beyond_target = models.BooleanField(default=False, help_text="Scheduled after the 45-day target.")
    scheduled_by = staff_reference()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["officer", "starts_at"], name="hearing_officer_start"),
            models.Index(fields=["resource_key", "starts_at"], name="hearing_resource_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="hearing_ends_after_start"),
            # No double booking of an officer, room or bridge: the services check it on every
            # database; on PostgreSQL exclusion constraints hold it too (migration 0002).
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.starts_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        if is_partner(user):
            return Q(request__in=HearingRequest.objects.restrict(user, action).values("pk"))
        return None if user.has_perm(VIEW_ALL) else Q(officer=user)


def resource_key_of(mode: str, location: str) -> str:
    """The booked resource of a sitting: a room or a phone bridge, compared without case or spacing."""
    return "" if mode == Mode.VIDEO else " ".join(location.lower().split())


class HearingLetter(models.Model):
    """A letter the request produced: a notice of hearing to each party when a hearing is
    scheduled, a decision letter to each party when the request closes. The text is made from the
    request and the hearing (``hearings.letters``); the row records that it was issued, and to whom."""

    request = models.ForeignKey(HearingRequest, on_delete=models.CASCADE, related_name="letters")
    hearing = models.ForeignKey(Hearing, null=True, blank=True, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    party = models.CharField(max_length=10, choices=Party.choices)
    addressee = models.CharField(max_length=200)
    issued_on = models.DateField()
    issued_by = staff_reference()
    # A notice of intended dismissal's ground and date as sent (the request's change when it is
    # reinstated or noticed again); a no-show notice also names the sitting missed (``hearing``).
    dismissal_ground = models.CharField(max_length=12, choices=DismissalGround.choices, blank=True)
    dismissal_on = models.DateField(null=True, blank=True)
    dismissal_reason = models.TextField(blank=True, help_text="A late request's: the officer's reason, as sent.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "party"], condition=Q(kind="notice"), name="hearing_one_notice_per_party"
            ),
            models.UniqueConstraint(
                fields=["request", "party"], condition=Q(kind="decision"), name="hearing_one_decision_letter_per_party"
            ),
            models.UniqueConstraint(
                fields=["request", "party"], condition=Q(kind="reopened"), name="hearing_one_reopening_notice_per_party"
            ),
            models.CheckConstraint(
                condition=~Q(kind="notice") | Q(hearing__isnull=False), name="hearing_notice_names_its_hearing"
            ),
            models.CheckConstraint(
                condition=~Q(kind="dismissal") | (Q(dismissal_on__isnull=False) & ~Q(dismissal_ground="")),
                name="hearing_dismissal_notice_keeps_its_ground_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.request} to {self.addressee}"

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        return Q(request__in=HearingRequest.objects.restrict(user, action))


class ComplianceAction(models.Model):
    """Something a decision orders the agency to do, tracked to done."""

    request = models.ForeignKey(HearingRequest, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=1000)
    due_on = models.DateField(db_index=True)
    assigned_to = staff_reference()
    status = models.CharField(max_length=5, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True)
    done_on = models.DateField(null=True, blank=True)
    done_note = models.CharField(max_length=1000, blank=True)
    history = HistoricalRecords()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | Q(status="open"), name="compliance_done_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @classmethod
    def scope_filter(cls, user, action: str) -> Q | None:
        """Seen with its request. Marking it done (any write) is the agency's work on the request's
        case, so it is bounded as a case write is (cases.models.scope): a request on a case only in
        the user's county (``case_county_q``), a request on no case by any user with a county; a
        user with no county (and no one-county office) writes none, whatever they may read."""
        if is_partner(user):
            return Q(request__in=HearingRequest.objects.restrict(user, action).values("pk"))
        seen = Q(request__in=HearingRequest.objects.restrict(user, "view").values("pk"))
        if action == "view":
            return seen
        from cases.models.scope import NOTHING, case_county_q

        county = case_county_q(user, "request__case__")
        return NOTHING if county is NOTHING else seen & (county | Q(request__case__isnull=True))
