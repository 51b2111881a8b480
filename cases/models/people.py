"""People, their addresses, employers and employment."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from core.fields import EncryptedCharField, Undecryptable, blind_index
from core.history import HistoricalRecords
from core.models import AuditedModel, OfficeWide, RestrictedQuerySet, TimeStampedModel

from ..choices import (
    AddressSource,
    EmploymentEndReason,
    EmploymentSource,
    GeneticTestResult,
    PaternityMethod,
    PaternityStatus,
    Sex,
)

ssn_validator = RegexValidator(r"^\d{9}$", "Enter the 9 digits of the SSN, without dashes.")
language_code_validator = RegexValidator(
    r"^([a-z]{2,3}(-[a-z0-9]{2,8})?)?$", "Enter a language code such as en, es or zh-hant."
)


class Person(OfficeWide, TimeStampedModel):
    """A CP, NCP or child. The SSN is encrypted at rest (45 CFR 303.21); look-ups use
    ``ssn_last4`` (search) and ``ssn_index`` (a keyed hash, exact match)."""

    first_name = models.CharField(max_length=80)
    middle_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    ssn = EncryptedCharField(blank=True, validators=[ssn_validator])
    ssn_last4 = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    ssn_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    # The name as search compares it (``cases.people.name_key``: lower case, accents and punctuation
    # gone, " first middle last "): "Peña Jose" finds "José Peña". Trigram-indexed on PostgreSQL.
    name_search = models.CharField(max_length=260, blank=True, editable=False, default="")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # A language code (en, es, vi, ...): letters and e-mails go out in it when the office offers it
    # (settings.LANGUAGES), else in the default language with ``needs_interpreter`` shown to staff.
    preferred_language = models.CharField(max_length=10, blank=True, default="en", validators=[language_code_validator])
    needs_interpreter = models.BooleanField(default=False)
    # The language as the person or an earlier record gave it, when it is not a language the office
    # writes in ("Vietnamese", "ASL"...).
    language_note = models.CharField(max_length=60, blank=True)
    family_violence = models.BooleanField(
        default=False, help_text="Family Violence Indicator (42 USC 654(26)): whereabouts never released."
    )
    deceased_on = models.DateField(null=True, blank=True)
    # Paternity (children only).
    born_in_wedlock = models.BooleanField(null=True, blank=True)
    paternity_status = models.CharField(
        max_length=20, choices=PaternityStatus.choices, default=PaternityStatus.NOT_NEEDED
    )
    paternity_established_on = models.DateField(null=True, blank=True)
    paternity_method = models.CharField(max_length=30, choices=PaternityMethod.choices, blank=True)
    genetic_test_ordered_on = models.DateField(null=True, blank=True)
    genetic_test_result = models.CharField(max_length=10, choices=GeneticTestResult.choices, blank=True)
    # A duplicate merged into another record (cases.services.people.person_merge) is kept, pointing
    # at its survivor, so the merge can be undone; it no longer appears in searches or matches.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records", editable=False
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["ssn"])
    objects = RestrictedQuerySet.as_manager()
    # Blind-index column -> the encrypted field it indexes (recomputed by manage.py rotate_field_keys).
    blind_indexes = {"ssn_index": "ssn"}

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            ("merge_person", "Merge duplicate person records (and undo a merge the same day)"),
            # Clearing releases the whereabouts (42 USC 654(26)): coordinators, not caseworkers.
            ("clear_fvi", "Remove a person's family violence indicator"),
        ]
        # Matching a person being entered reads candidates by date of birth (cases.people).
        indexes = [models.Index(fields=["date_of_birth"], name="person_birth_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(paternity_status="established") | models.Q(paternity_established_on__isnull=False),
                name="person_paternity_established_has_date",
            ),
            models.CheckConstraint(condition=~models.Q(merged_into=models.F("pk")), name="person_not_merged_into_self"),
            # One person, one record: an SSN belongs to one live record. A merged duplicate keeps
            # its SSN (the merge can be undone) and is not live. Case opening takes turns on the SSN
            # (cases.services.cases._parties_lock), so two clerks never meet this; it is the backstop.
            models.UniqueConstraint(
                fields=["ssn_index"],
                condition=~models.Q(ssn_index="") & models.Q(merged_into__isnull=True),
                name="person_live_ssn_unique",
                violation_error_message="Another person on file has this SSN.",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)

    @property
    def ssn_masked(self) -> str:
        return f"***-**-{self.ssn_last4}" if self.ssn_last4 else ""

    @staticmethod
    def ssn_columns(ssn: str) -> dict[str, str]:
        """The search columns derived from an SSN (for bulk inserts that bypass ``save``)."""
        return {"ssn_last4": ssn[-4:] if ssn else "", "ssn_index": blind_index(ssn) if ssn else ""}

    def save(self, *args, **kwargs) -> None:
        if not isinstance(self.ssn, Undecryptable):  # an unreadable SSN keeps its stored columns
            for name, value in self.ssn_columns(self.ssn or "").items():
                setattr(self, name, value)
        self.name_search = self.search_key(self.first_name, self.middle_name, self.last_name)
        if kwargs.get("update_fields") is not None and {"first_name", "middle_name", "last_name"} & set(
            kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_search"}
        super().save(*args, **kwargs)

    @staticmethod
    def search_key(*parts: str) -> str:
        """`` jose pena `` for "José", "Peña": spaces around every word, so a word prefix is a
        ``LIKE '% pe%'`` match."""
        from anyascii import anyascii

        from cases.people import name_key

        # anyascii first: NFKD leaves "Đ", "ø", "ß" alone; anyascii spells them "D", "o", "ss".
        key = name_key(*(anyascii(p or "") for p in parts))
        return f" {key} " if key else ""


class Address(OfficeWide, TimeStampedModel, AuditedModel):
    """An address; history is kept by new rows (``valid_to`` closes the old one). Never shown
    when ``person.family_violence`` (42 USC 654(26)) except under a logged court override."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=120)
    line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=40, blank=True, choices=AddressSource.choices)
    # Mail to this address came back (cases.services.letter_mark_returned): no letter uses it again.
    undeliverable_on = models.DateField(null=True, blank=True)
    undeliverable_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["person", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.line1}, {self.city} {self.state}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class Employer(TimeStampedModel, AuditedModel):
    name = models.CharField(max_length=200, db_index=True)
    fein = models.CharField(max_length=10, blank=True, db_index=True, help_text="Federal employer id (9 digits).")
    line1 = models.CharField(max_length=120, blank=True)
    line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    contact_email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    # e-IWO (OCSE Appendix D): an enrolled employer receives its income withholding orders as
    # records of the office's e-IWO batch file instead of paper (enforcement.services.eiwo).
    eiwo_enrolled = models.BooleanField("enrolled in e-IWO", default=False)
    eiwo_enrolled_on = models.DateField("e-IWO enrolment date", null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(
                fields=["eiwo_enrolled"], condition=models.Q(eiwo_enrolled=True), name="employer_eiwo_enrolled_idx"
            )
        ]

    def __str__(self) -> str:
        return self.name


# The jobs income withholding is decided from (``Employment.objects.withholding()``): every job but
# one awaiting confirmation (``Employment.awaits_confirmation``) and a row folded into the job on
# file at its employer (``EmploymentEndReason.RECORDED_TWICE``: never a job of its own). The one
# place that says so: the reconcile, the sweep's "requires employer", the new-hire rule for a desk
# job and the end of a job all read it.
WITHHOLDING_JOBS_Q = models.Q(awaits_confirmation=False) & ~models.Q(ended_reason=EmploymentEndReason.RECORDED_TWICE)


class EmploymentQuerySet(RestrictedQuerySet):
    def withholding(self) -> EmploymentQuerySet:
        """The jobs that drive income withholding (``WITHHOLDING_JOBS_Q``)."""
        return self.filter(WITHHOLDING_JOBS_Q)


class Employment(TimeStampedModel, AuditedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="employments")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    gross_monthly_income = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # Who told the office (blank: a row from before sources were kept, or a file's bulk insert).
    source = models.CharField(max_length=20, choices=EmploymentSource.choices, blank=True)
    ended_reason = models.CharField(max_length=20, choices=EmploymentEndReason.choices, blank=True)
    ended_source = models.CharField(max_length=20, choices=EmploymentSource.choices, blank=True)
    awaits_confirmation = models.BooleanField(
        default=False,
        help_text="Recorded at the desk for a person whose whereabouts are withheld (family violence "
        "indicator, 42 USC 654(26)): the job drives no income withholding until the new-hire report or an "
        "e-IWO reply naming the employer confirms it, or a coordinator does on the employer's written word. "
        "Otherwise the withholding that follows would tell whether the FEIN typed is the employer on file.",
    )

    objects = EmploymentQuerySet.as_manager()  # type: ignore[misc]  # AuditedModel's, with ``withholding()``

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["person", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="employment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(gross_monthly_income__isnull=True) | models.Q(gross_monthly_income__gte=0),
                name="employment_income_not_negative",
            ),
        ]
        permissions = [
            # The one answer that may depend on the employer on file (42 USC 654(26)): coordinators,
            # on the employer's written word, logged (cases.services.employment.employment_confirm).
            ("confirm_employment", "Confirm a job awaiting confirmation (family violence indicator)"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.employer}"
