"""Partner files (issue 16.5): every file exchanged with employers, the federal programs, banks and
the state office — new hires, e-IWO batches and acknowledgements, offset certifications and
collections, FIDM matches — is one row here, whatever its kind.

A received file is stored exactly as received (``content``) with its SHA-256; a file of a kind is
*accepted* once per content hash and per control number for each county (``reach``: a county key's
file reaches its counties only, so the same file from the office is then accepted for the rest),
so a replay is recognised and changes nothing (``enforcement.services.partner_files``). Outbound
files keep what was sent and when.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.choices import AgencyKind
from core.history import HistoricalRecords
from core.models import DetailUrlMixin, RestrictedQuerySet, is_partner, partner_agency_reference, staff_reference

from ..choices import PARTNER_FILE_IN_PROGRESS, FileVia, PartnerFileDirection, PartnerFileStatus

ACCEPTED_LIKE = [PartnerFileStatus.ACCEPTED, PartnerFileStatus.READY, PartnerFileStatus.SENT]


class PartnerFile(DetailUrlMixin, models.Model):
    kind = models.CharField(
        max_length=40, db_index=True, help_text="Registered kind (enforcement.services.partner_files), e.g. new-hires."
    )
    direction = models.CharField(max_length=3, choices=PartnerFileDirection.choices)
    status = models.CharField(max_length=12, choices=PartnerFileStatus.choices, default=PartnerFileStatus.RECEIVED)
    name = models.CharField(max_length=200)
    content = models.BinaryField(help_text="The file exactly as received or sent.")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    control_number = models.CharField(
        max_length=40, blank=True, help_text="The file's own control or batch number, where its layout has one."
    )
    layout = models.CharField(max_length=60, blank=True, help_text="Layout name and the spec version it follows.")
    record_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="What the import or export did, by kind of outcome.")
    totals = models.JSONField(default=dict, blank=True, help_text="Money totals (as strings).")
    errors = models.JSONField(default=list, blank=True, help_text="[{line, reason}] of a refused file.")
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    county = models.CharField(
        max_length=60, blank=True, db_index=True, help_text="The county the file is for; blank: the whole office."
    )
    reach = models.JSONField(
        null=True, blank=True, help_text="Counties whose cases the file may touch (the sending key's); empty: all."
    )
    via = models.CharField(max_length=10, choices=[*FileVia.choices, ("schedule", "Schedule")])
    created_by = staff_reference()
    agency = partner_agency_reference(help_text="The partner whose key sent or fetched it.")
    actor_label = models.CharField(max_length=200, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="First fetched by the state office's key.")

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Replay detection rests on these: one file accepted for the whole office (``reach``
            # null) per kind and content, and per kind and control number (control numbers are
            # never reused; every outbound file is the office's). Files of a county key's reach may
            # share them (the same file, then for the rest of the office): no county is covered
            # twice, which the import decides under a lock (a set overlap is no unique key).
            # (an outbound file may repeat an earlier one's content: two empty certifications)
            models.UniqueConstraint(
                fields=["kind", "direction", "sha256"],
                condition=Q(status__in=ACCEPTED_LIKE, direction="in", reach__isnull=True),
                name="enf_partnerfile_content_once",
            ),
            models.UniqueConstraint(
                fields=["kind", "direction", "control_number"],
                condition=Q(status__in=ACCEPTED_LIKE, reach__isnull=True) & ~Q(control_number=""),
                name="enf_partnerfile_control_once",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "direction", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.get_status_display()})"

    @classmethod
    def scope_filter(cls, user, action: str):
        """Staff: the permission decides (an office-wide file). A partner key: the files its agency
        sent or fetched. Only the state office, which carries files between the office and the
        federal and state systems, reads other files too: those of its counties (every file: a
        state-wide key). A file another agency sent is that agency's: one employer's new hires are
        not another employer's to read, and an outbound batch (e-IWOs to every employer, an offset
        certification) is not an employer's or a court's, whatever counties their keys hold."""
        if is_partner(user):
            key = user.key
            own = Q(agency_id=key.agency_id)
            if user.agency.kind != AgencyKind.STATE_OFFICE:
                return own
            if key.all_counties:
                return None
            return own | Q(county__in=list(key.counties)) if key.counties else own
        return None

    @property
    def in_progress(self) -> bool:
        return self.status in PARTNER_FILE_IN_PROGRESS

    @property
    def report(self) -> dict:
        """The file's report (the API body, the command's output)."""
        return {
            "id": self.pk,
            "kind": self.kind,
            "direction": self.direction,
            "name": self.name,
            "status": self.status,
            "control_number": self.control_number,
            "records": self.record_count,
            "counts": self.counts or {},
            "totals": self.totals or {},
            "errors": [{"line": e.get("line", 0), "reason": e.get("reason", "")} for e in (self.errors or [])],
            "replay_of": self.replay_of_id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
