"""Shared plumbing: base models, restricted querysets and the two append-only audit tables.

Field-level change history of domain models is kept by django-simple-history (``history =
HistoricalRecords()`` on each model). What a signal cannot see — bulk writes, sensitive reads,
sign-ins, access denials — is written here explicitly by services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows which rows a user may see (NetBox's RestrictedQuerySet).

    The model defines ``scope_filter(cls, user, action) -> Q | None``: ``None`` means every row;
    a ``Q`` limits the rows. A user without the model permission for ``action`` sees nothing.
    Base views and the API base viewset call ``restrict()``, so no page can forget it.
    """

    def restrict(self, user, action: str = "view") -> RestrictedQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        opts = self.model._meta
        if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self.none()
        scope = getattr(self.model, "scope_filter", None)
        q = scope(user, action) if scope else None
        return self if q is None else self.filter(q)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False, db_index=True)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """Rows are written once and never changed or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied(f"{self._meta.verbose_name} records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        raise PermissionDenied(f"{self._meta.verbose_name} records are append-only.")


class DomainEvent(AppendOnlyModel):
    """Something that happened in the office, written by the service that did it.

    ``case_id`` is a plain integer (not a foreign key) so every app can attach events to a case
    without ``core`` depending on ``cases``; the case page lists events by it.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Sweeps and imports append events by the hundred thousand: each index costs every insert, so
    # only the reads' indexes are kept (mostly-NULL keys indexed only where set).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_label = models.CharField(max_length=200, blank=True, help_text="Agency, task or command when no user acted.")
    verb = models.CharField(max_length=80)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    subject_id = models.BigIntegerField(null=True, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["verb"], name="core_event_verb_idx"),
            models.Index(fields=["actor"], condition=models.Q(actor__isnull=False), name="core_event_actor_set_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.verb}"


class AccessLog(AppendOnlyModel):
    """Security audit: sign-ins, denials, sensitive reads, permission and password changes,
    administrative commands — who, what, when, from where, outcome (IRS Publication 1075)."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Sign-in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOGOUT = "logout", "Sign-out"
        ACCESS_DENIED = "access_denied", "Access denied"
        SENSITIVE_READ = "sensitive_read", "Sensitive read"
        PERMISSION_CHANGE = "permission_change", "Permission change"
        PASSWORD_CHANGE = "password_change", "Password change"
        ADMIN_COMMAND = "admin_command", "Administrative command"
        OVERRIDE = "override", "Confidentiality override"
        MFA_ENROLLED = "mfa_enrolled", "Multi-factor enrolment"
        MFA_VERIFIED = "mfa_verified", "Multi-factor sign-in"
        MFA_RESET = "mfa_reset", "Multi-factor reset by an administrator"
        PASSWORD_RESET = "password_reset", "Password reset by e-mail"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=20, default="success")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


def q_any(*qs: Q) -> Q:
    """OR together Q objects (an empty call matches nothing)."""
    result = Q(pk__in=[])
    for q in qs:
        result |= q
    return result


class Jurisdiction(models.TextChoices):
    """Whose law a legal parameter is: a state profile, or federal law for both."""

    NY = "NY", "New York"
    CA = "CA", "California"
    US = "US", "Federal"


class LegalParameter(models.Model):
    """One legal number, dated: the value of ``key`` in ``jurisdiction`` from ``effective_on`` until
    the next row of the same key. Adding next year's figure is a new row, never a code change; a row
    marked ``confirm`` comes from a secondary source and should be checked against the law cited.
    Read through ``core.legal`` (``legal_parameter``, ``ParameterSet``)."""

    key = models.CharField(max_length=80, help_text="Dotted name read by the code, e.g. ny.cssa.income_cap.")
    jurisdiction = models.CharField(max_length=2, choices=Jurisdiction.choices)
    effective_on = models.DateField(help_text="The first day this value applies.")
    value = models.DecimalField(max_digits=16, decimal_places=6)
    citation = models.CharField(max_length=200, help_text="The statute, regulation or published chart.")
    confirm = models.BooleanField(default=False, help_text="From a secondary source: check against the citation.")
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("jurisdiction", "key", "effective_on")
        constraints = [
            models.UniqueConstraint(fields=("key", "jurisdiction", "effective_on"),
                                    name="legal_parameter_one_value_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.key} from {self.effective_on:%Y-%m-%d}: {self.value_text}"

    @property
    def value_text(self) -> str:
        """The value without trailing zeros and never in exponent form (183000, 0.165, 16.5)."""
        return format(self.value.normalize(), "f")
