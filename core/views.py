"""Base views that declare who may open them, plus home, health and the audit trail.

Every view in Caseworks declares its access (checked by tests/test_url_access.py):
- ``PublicMixin``: anyone (sign-in page, public complaint form, health check);
- ``LoginOnlyMixin``: any signed-in staff member (home, my training);
- ``PermissionMixin`` with ``permission_required``: only users holding those permissions
  (anonymous users are sent to sign in, signed-in users without them get 403).
Object pages read through ``Model.objects.restrict(user, action)``: out of scope is a 404.
"""

from __future__ import annotations

import json
import logging

import django_filters
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView
from simple_history.models import registered_models

from .csv import csv_response
from .forms import SecurityLogFilterForm
from .models import AccessLog, DomainEvent, Jurisdiction, LegalParameter
from .navigation import home_cards_for
from .services import access_denial_record, access_log_record

logger = logging.getLogger(__name__)


class PublicMixin:
    access = "public"


class LoginOnlyMixin(LoginRequiredMixin):
    access = "login"


class PermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    access = "permission"

    def get_permission_required(self):
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare permission_required.")
        return super().get_permission_required()


class ScopedQuerysetMixin:
    """Read objects through the model's restricted queryset (out of scope → 404)."""

    scope_action = "view"

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.scope_action)


class FilteredListView(PermissionMixin, ScopedQuerysetMixin, ListView):
    """A paginated list filtered by a django-filter FilterSet shared with the API."""

    filterset_class: type[django_filters.FilterSet] | None = None
    paginate_by = 25

    def get_base_queryset(self):
        return super().get_queryset()

    def get_queryset(self):
        queryset = self.get_base_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else (
            queryset if not self.filterset.is_bound else queryset.none()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        return context


class HomeView(LoginOnlyMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = home_cards_for(self.request)
        context["roles"] = [g.name for g in self.request.user.groups.all()]
        return context


def _broker_reachable() -> bool:
    from config.celery import app as celery_app

    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:  # noqa: BLE001 — any failure means "not reachable"
        logger.warning("health: broker unreachable", exc_info=True)
        return False


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001
        logger.warning("health: database unreachable", exc_info=True)
        return False


class HealthView(PublicMixin, View):
    """200 when the database and the broker answer, 503 otherwise (for load balancers)."""

    def get(self, request: HttpRequest) -> JsonResponse:
        checks = {"database": _database_reachable(), "broker": _broker_reachable()}
        ok = all(checks.values())
        return JsonResponse(
            {"status": "ok" if ok else "unavailable", "checks": {k: "ok" if v else "failed" for k, v in checks.items()}},
            status=200 if ok else 503,
        )


class AuditTrailView(PermissionMixin, ListView):
    """The security report: sign-ins, denials (403s and out-of-scope 404s), sensitive reads (SSN,
    whereabouts under a court override, FTI), permission and password changes, administrative
    commands. Filter by user, kind and date; ``?format=csv`` exports the filtered rows. Read-only.
    For the security officer: ``core.view_security_log`` (administrators hold every permission; an
    administrator grants it to the officer), not a supervisor's role, whose reads it audits."""

    permission_required = "core.view_security_log"
    template_name = "core/audit_access.html"
    paginate_by = 50
    csv_header = ["at", "kind", "username", "ip_address", "path", "object_type", "object_id", "fields", "person_id",
                  "person", "outcome", "detail"]

    def get_queryset(self):
        self.form = SecurityLogFilterForm(self.request.GET or None)
        qs = AccessLog.objects.all()
        if not self.form.is_bound:
            return qs
        if not self.form.is_valid():
            return qs.none()
        data = self.form.cleaned_data
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["username"].strip():
            qs = qs.filter(username__iexact=data["username"].strip())
        if data["date_from"]:
            qs = qs.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(at__date__lte=data["date_to"])
        return qs

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "csv":
            rows = ([r.at.isoformat(), r.kind, r.username, r.ip_address, r.path, r.object_type, r.object_id,
                     ";".join(r.fields), r.detail.get("person_id"), r.detail.get("person", ""), r.outcome,
                     json.dumps(r.detail, sort_keys=True)]
                    for r in self.object_list.iterator(chunk_size=2000))
            return csv_response(f"security-log-{timezone.localdate()}.csv", self.csv_header, rows)
        return super().render_to_response(context, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["format"] = "csv"
        context.update(form=self.form, csv_query=query.urlencode())
        return context


class DomainEventListView(PermissionMixin, ListView):
    permission_required = "core.view_domainevent"
    template_name = "core/audit_events.html"
    paginate_by = 50

    def get_queryset(self):
        qs = DomainEvent.objects.select_related("actor", "subject_type")
        verb = self.request.GET.get("verb", "").strip()
        if verb:
            qs = qs.filter(verb=verb[:80])
        return qs


class ChangeHistoryView(PermissionMixin, TemplateView):
    """Field-level change history kept by django-simple-history, one model at a time."""

    permission_required = "core.view_domainevent"
    template_name = "core/audit_changes.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        models = sorted(registered_models.values(), key=lambda m: m._meta.label)
        labels = [m._meta.label for m in models]
        chosen = self.request.GET.get("model") or (labels[0] if labels else "")
        rows = []
        if chosen in labels:
            model = models[labels.index(chosen)]
            rows = list(model.history.select_related("history_user").order_by("-history_date")[: self.page_size])
        context.update({"model_labels": labels, "chosen": chosen, "rows": rows})
        return context


class LegalParameterListView(PermissionMixin, ListView):
    """Every legal number the code uses, dated and cited (read-only; administrators edit in admin).
    Rows from a secondary source carry a visible "confirm" marker."""

    permission_required = "core.view_legalparameter"
    template_name = "core/legal_parameters.html"

    def get_queryset(self):
        qs = LegalParameter.objects.order_by("jurisdiction", "key", "-effective_on")
        jurisdiction = self.request.GET.get("jurisdiction", "")
        if jurisdiction in Jurisdiction.values:
            qs = qs.filter(jurisdiction=jurisdiction)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        in_force = {}  # (jurisdiction, key) → pk of the row in force
        for row in context["object_list"]:  # newest first within a key: the first row not in the future
            if row.effective_on <= today:
                in_force.setdefault((row.jurisdiction, row.key), row.pk)
        context.update(in_force=set(in_force.values()), jurisdictions=Jurisdiction.choices,
                       chosen=self.request.GET.get("jurisdiction", ""), today=today)
        return context


def _is_api(request: HttpRequest) -> bool:
    """Partner programs get JSON errors, as from the API views, even for URLs no view matches."""
    return request.path.startswith("/api/")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if getattr(request, "user", None) is not None:
        try:
            # A visible object out of the user's write scope names the object and the action.
            obj = getattr(exception, "obj", None)
            detail = {"action": exception.action, "reason": "out_of_scope"} if obj is not None else None
            access_log_record(kind=AccessLog.Kind.ACCESS_DENIED, request=request, outcome="denied", obj=obj,
                              detail=detail)
        except Exception:  # noqa: BLE001 — never turn a 403 into a 500
            logger.exception("could not record access denial")
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    try:
        access_denial_record(request=request, exception=exception)
    except Exception:  # noqa: BLE001 — never turn a 404 into a 500
        logger.exception("could not record access denial")
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Internal error."}, status=500)
    return render(request, "500.html", status=500)
