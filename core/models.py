"""Shared plumbing: base models, restricted querysets and the two append-only audit tables.

Field-level change history of domain models is kept by django-simple-history (``AuditedModel``,
or ``history = HistoricalRecords(...)`` on a model that leaves fields out). What a signal cannot
see — bulk writes, sensitive reads, sign-ins, access denials — is written here explicitly by
services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .dates import display_date
from .history import HistoricalRecords

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    from accounts.models import PartnerAgency, User


class ScopeDenied(PermissionDenied):
    """The object is visible to the user but out of their scope for ``action`` (403, audited).

    Raised by ``RestrictedQuerySet.get_for``; the 403 handler (core.views.permission_denied)
    writes the access-denial row naming the object."""

    def __init__(self, obj: models.Model, action: str, message: str = ""):
        self.obj = obj
        self.action = action
        super().__init__(message or f"You may view this {obj._meta.verbose_name} but not {action} it.")


def is_partner(user) -> bool:
    """A partner API principal (accounts.api.authentication.PartnerPrincipal), not a staff user."""
    return bool(getattr(user, "is_partner", False))


class ObjectOutOfScope(Exception):  # noqa: N818 — raised as the model's DoesNotExist, named for what it means
    """``get()`` on a restricted queryset found no row, but the row exists: it is out of the user's
    scope. Raised as a subclass of the model's ``DoesNotExist``, so every caller still answers 404
    (``get_object_or_404``, DRF's ``get_object``); the 404 handlers find it in the exception chain
    and log an access denial (core.views.page_not_found, core.api.exceptions)."""

    model: type[models.Model]
    object_pk: Any
    user: Any
    action: str


def out_of_scope(model: Any, pk: Any, user, action: str, *args: Any) -> ObjectOutOfScope:
    """The "exists but out of scope" answer for the row ``pk`` of ``model``, as the model's
    ``DoesNotExist``: raised (or a 404 raised from it), the 404 handlers log an access denial naming
    the row, the user and ``action``. ``RestrictedQuerySet.get`` raises it; a view whose rule is not
    a queryset's scope (one's own row, or any with a permission) raises it too."""
    exc = type("OutOfScope", (model.DoesNotExist, ObjectOutOfScope), {})(*args)
    exc.model, exc.object_pk, exc.user, exc.action = model, pk, user, action
    return exc


def _remembers_scope(restrict):
    """Mark a restricted queryset with who it was restricted for, so ``get()`` can tell "out of
    scope" from "no such row". A queryset ``restrict`` returns unchanged (every row visible) is
    left unmarked."""

    def wrapper(self, user, action: str = "view"):
        restricted = restrict(self, user, action)
        if restricted is not self:
            restricted._scope = (user, action)
        return restricted

    wrapper.__doc__ = restrict.__doc__
    return wrapper


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows which rows a user may see (NetBox's RestrictedQuerySet).

    The model defines ``scope_filter(cls, user, action) -> Q | None``: ``None`` means every row;
    a ``Q`` limits the rows. A user without the model permission for ``action`` sees nothing.
    Base views and the API base viewset call ``restrict()``, so no page can forget it.

    ``action`` is ``"view"`` or a write (``"change"``, ``"add"``, ``"delete"``): case-bound models
    give writes a narrower scope than reads (a caseworker views the county, changes the caseload;
    cases.models.scope). A partner API principal holds no model permissions (its key's scopes,
    checked by ``HasScope``, decide the operation); ``scope_filter`` limits its rows (the key's
    counties).
    """

    _scope: tuple[Any, str] | None = None

    @_remembers_scope
    def restrict(self, user, action: str = "view") -> Self:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        opts = self.model._meta
        if not is_partner(user) and not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self.none()
        return self.in_scope(user, action)

    def in_scope(self, user, action: str = "view") -> Self:
        """The rows inside the user's scope for ``action``, without the model-permission check
        (the caller has checked the permission for what it does, e.g. ``add_casenote`` on a case)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        scope = getattr(self.model, "scope_filter", None)
        q = scope(user, action) if scope else None
        return self if q is None else self.filter(q)

    def get_for(self, user, action: str = "view", **lookup):
        """The one object ``lookup`` names, for ``action``: not visible → 404 (``Http404``); visible
        but out of scope for ``action`` → 403 (``ScopeDenied``, logged by the 403 handler)."""
        from django.http import Http404

        try:
            obj = self.restrict(user, "view").get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404(f"No {self.model._meta.verbose_name} matches the given query.")
        if action != "view" and not self.in_scope(user, action).filter(pk=obj.pk).exists():
            raise ScopeDenied(obj, action)
        return obj

    def _clone(self):
        clone = super()._clone()
        clone._scope = self._scope
        return clone

    def get(self, *args: Any, **kwargs: Any):
        try:
            return super().get(*args, **kwargs)
        except self.model.DoesNotExist as missing:
            if self._scope is None:
                raise
            pk = self.model._base_manager.filter(*args, **kwargs).values_list("pk", flat=True).first()
            user, action = self._scope
            if (
                pk is None
                or RestrictedQuerySet(self.model, using=self.db).restrict(user, action).filter(pk=pk).exists()
            ):
                raise  # no such row, or in scope and only left out by the caller's other filters
            raise out_of_scope(self.model, pk, user, action, *missing.args) from None


class OfficeWide:
    """Mixin for a model whose rows are office-wide: whoever holds the model permission for an
    action sees every row (no case or county scope). Said once here so a model's scope is a
    declaration, never a forgotten ``scope_filter``."""

    @classmethod
    def scope_filter(cls, user, action: str) -> None:
        return None


class DetailUrlMixin:
    """``get_absolute_url`` by the URL naming rule (STYLE.md 1, NetBox's ``get_viewname``): the page
    ``<app_label>:<model_name>_detail`` with the row's pk."""

    pk: Any
    _meta: Any

    def get_absolute_url(self) -> str:
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}_detail", kwargs={"pk": self.pk})


def staff_reference(
    *, on_delete: Any = models.PROTECT, **options: Any
) -> models.ForeignKey[User | Combinable | None, User | None]:
    """The user who did something (``created_by``, ``uploaded_by``, ``decided_by``...):
    empty for work the system or a partner did, no reverse accessor on the user, and PROTECT by
    default so a user who has acted is deactivated, never deleted. ``options`` go to the
    ``ForeignKey`` (``db_index=False`` where no page filters by it)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=on_delete, related_name="+", **options
    )


def partner_agency_reference(
    **options: Any,
) -> models.ForeignKey[PartnerAgency | Combinable | None, PartnerAgency | None]:
    """The partner agency behind something (the key that sent a file or a complaint, the court
    agency an override names): empty for staff work, no reverse accessor on the agency, and
    PROTECT so an agency that has acted is deactivated, never deleted. ``options`` go to the
    ``ForeignKey`` (``help_text``)."""
    return models.ForeignKey(
        "accounts.PartnerAgency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", **options
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False, db_index=True)

    class Meta:
        abstract = True


class AuditedModel(models.Model):
    """A domain model's history and access, said once (NetBox's ``NetBoxModel``): field-level change
    history (``history``, django-simple-history) and the restricted queryset (``objects``:
    ``restrict(user, action)``, ``get_for``). The model still declares its scope (``scope_filter``,
    or ``OfficeWide``). A model that keeps fields out of its history (secrets, file bytes) or has a
    queryset of its own declares ``history`` and ``objects`` itself instead."""

    history = HistoricalRecords(inherit=True)
    objects = RestrictedQuerySet.as_manager()

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


class ScheduledRun(models.Model):
    """One run of a scheduled task, a row people can see (STYLE rule 4): when it started and finished
    and the errors it met; the model adds its counts. Newest first."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["-started_at"]


class DomainEvent(AppendOnlyModel):
    """Something that happened in the office, written by the service that did it.

    ``case_id`` is a plain integer (not a foreign key) so every app can attach events to a case
    without ``core`` depending on ``cases``; the case page lists events by it.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Sweeps and imports append events by the hundred thousand: each index costs every insert, so
    # only the reads' indexes are kept (mostly-NULL keys indexed only where set).
    actor = staff_reference(db_index=False)
    actor_label = models.CharField(max_length=200, blank=True, help_text="Agency, task or command when no user acted.")
    verb = models.CharField(max_length=80)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
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
    kind = models.CharField(max_length=30, choices=Kind.choices)  # indexed in Meta: no LIKE copy (17.3)
    user = staff_reference()
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
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Equality only (the security log's filter): a plain btree, without the
            # ``varchar_pattern_ops`` copy ``db_index=True`` adds on PostgreSQL, which every
            # audit insert paid for and no query used (migration core 0011).
            models.Index(fields=["kind"], name="core_accesslog_kind_idx"),
        ]
        permissions = [("view_security_log", "See the security report (who read or was denied what, from where)")]

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
            models.UniqueConstraint(
                fields=("key", "jurisdiction", "effective_on"), name="legal_parameter_one_value_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.key} from {display_date(self.effective_on)}: {self.value_text}"

    @property
    def value_text(self) -> str:
        """The value without trailing zeros and never in exponent form (183000, 0.165, 16.5)."""
        return format(self.value.normalize(), "f")


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent to the broker"
    SENT = "sent", "Sent to the broker"
    RUNNING = "running", "Running (leased)"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(OfficeWide, models.Model):
    """One unit of background work: the transactional outbox row and the lease of whoever runs it.

    ``core.jobs.job_enqueue`` writes the row in the caller's transaction (it commits with the data
    or not at all); the dispatcher sends it to the broker when the broker answers (``pending`` →
    ``sent``). A worker claims it with a lease (``running``, ``claimed_by``, ``expires_at``) and
    renews the lease by heartbeat while it runs; a worker killed mid-job stops renewing, and
    redelivery or the watchdog (``core.tasks.jobs_watchdog_task``) re-sends it so that another
    worker takes the expired lease over. The job's effect is idempotent (a conditional claim, a
    unique constraint or one transaction), so a take-over finishes it exactly once.
    """

    task = models.CharField(max_length=200, help_text="Registered Celery task name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="What the job is about (one job per key), e.g. payment_file:12.",
    )
    group = models.CharField(max_length=100, blank=True, help_text="The run it belongs to, e.g. sweep_run:7.")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_attempts = models.PositiveIntegerField(default=0)
    send_error = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker holding the lease.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker claimed it (2+: taken over).")
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="core_job_status_expires_idx"),
            models.Index(fields=["group"], condition=~Q(group=""), name="core_job_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.key or self.pk} ({self.get_status_display()})"
