"""Base views that declare who may open them, plus home, health and the audit trail.

Every view in Caseworks declares its access (checked by tests/test_url_access.py):
- ``PublicMixin``: anyone (sign-in page, public complaint form, health check);
- ``LoginOnlyMixin``: any signed-in staff member (home, my training);
- ``PermissionMixin`` with ``permission_required``: only users holding those permissions
  (anonymous users are sent to sign in, signed-in users without them get 403). The read pages of
  one model (``FilteredListView``, ``ObjectDetailView``) need its view permission, and its
  new/edit page (``ObjectEditView``) its add or change permission, unless they declare another.
Object pages read through ``Model.objects.restrict(user, action)``: out of scope is a 404.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from simple_history.models import registered_models

from .csv import csv_response
from .forms import SecurityLogFilterForm, apply_service_errors
from .http import pdf_response
from .letters import Letter, letter_context, letter_pdf
from .lists import filtered_rows
from .models import AccessLog, DomainEvent, Jurisdiction, LegalParameter
from .navigation import home_cards_for
from .services import access_denial_record, access_log_record, sensitive_read_record
from .stale import carry_shown, shown_changes, shown_in

logger = logging.getLogger(__name__)


def permission_for_model(model: type[Model], action: str) -> str:
    """``<app_label>.<action>_<model_name>``: the permission to ``action`` (view, add, change) rows of
    ``model`` (NetBox's ``get_permission_for_model``)."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class PublicMixin:
    access = "public"


class LoginOnlyMixin(LoginRequiredMixin):
    access = "login"


class PermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """``permission_required`` is declared by the view. A view that declares a ``model`` but no
    permission, on a base that sets ``model_permission`` (``"view"`` for the read pages
    ``FilteredListView`` and ``ObjectDetailView``), needs that permission on its model:
    ``<app_label>.view_<model_name>``, as NetBox's ``get_permission_for_model``. It is set when the
    class is made, so it reads as a declared one (tests/test_url_access.py)."""

    access = "permission"
    model_permission = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("model")
        if cls.model_permission and model is not None and "permission_required" not in cls.__dict__:
            cls.permission_required = permission_for_model(model, cls.model_permission)

    def get_permission_required(self):
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare permission_required.")
        return super().get_permission_required()


class ScopedQuerysetMixin:
    """Read objects through the model's restricted queryset (out of scope → 404), with the related
    rows the page shows (``select_related``, as the admin's ``list_select_related``) in the same
    query."""

    scope_action = "view"
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.model.objects.restrict(self.request.user, self.scope_action)
        return queryset.select_related(*self.select_related) if self.select_related else queryset


class NumberedObjectMixin:
    """A page about one object named by its ``number`` in the URL (a complaint, a hearing request),
    read once per request through ``number_selector(user=..., number=...)``: a selector that reads
    through the model's restricted queryset (out of scope → 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]
    number_selector: Callable[..., Any]  # staticmethod(selectors.<model>_get)

    @cached_property
    def numbered_object(self) -> Any:
        return self.number_selector(user=self.request.user, number=self.kwargs["number"])


def child_in_scope_or_404(queryset, *, parent: str, user, **lookup) -> Any:
    """The row of ``queryset`` matching ``lookup``, seen by whoever may see its ``parent`` (a referral
    of a complaint, a letter of a hearing request): the parent model's restricted queryset decides,
    out of scope → 404."""
    parent_model = queryset.model._meta.get_field(parent).related_model
    visible = parent_model.objects.restrict(user, "view")
    return get_object_or_404(queryset.filter(**{f"{parent}__in": visible}), **lookup)


class ServiceActionView(PermissionMixin, FormView):
    """One action on one object through a service: the one shape of every write page.

    1. The permission check (``permission_required``) runs first: no permission → 403.
    2. The object (``model`` + ``lookup_field`` from the URL) is read through
       ``Model.objects.get_for(user, scope_action, ...)``: not visible → 404, visible but out of the
       user's write scope → 403 (both audited by the handlers). ``model = None``: no object (a
       create page). Override ``get_object_queryset`` to narrow or ``select_related``, or
       ``get_object`` to load it another way (through a selector that restricts).
    3. ``form_class`` validates the input (the default, an empty form, suits a button).
    4. ``perform(data)`` calls the service(s) in one transaction; a ``ValidationError`` it raises
       lands on the form (``core.forms.apply_service_errors``) and nothing is saved.
    5. Success: ``get_success_message(result)``, then a redirect to ``get_success_url()``: the
       ``success_url``, else the page ``result_url_name`` of the row ``perform`` returned (a
       created row, by its pk), else the object's ``get_absolute_url()``, else (no object: a
       create page) that of the row ``perform`` returned.

    GET renders the form on ``template_name`` (``object`` and ``title`` in the context).
    ``post_only = True``: a button on another page (GET answers 405); invalid input or a refusal
    comes back as an error message on ``get_return_url()`` (by default the success URL).
    Irreversible actions put ``core.confirm.ConfirmStepMixin`` first:
    ``class X(ConfirmStepMixin, ServiceActionView)``: ``get_confirmation`` may use ``self.object``.
    """

    model: type | None = None
    scope_action = "view"
    lookup_field = "pk"
    lookup_url_kwarg: str | None = None
    context_object_name: str | None = None
    form_class: type[forms.BaseForm] = forms.Form
    title = ""
    success_message = ""
    result_url_name = ""
    error_prefix = ""
    post_only = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A button answers only POST (GET 405), unless a confirmation page asks first on GET.
        if (
            cls.post_only
            and "http_method_names" not in cls.__dict__
            and not any(c.__name__ == "ConfirmStepMixin" for c in cls.__mro__)
        ):
            cls.http_method_names = ["post"]

    # -- the object ---------------------------------------------------------------------------
    def get_object_queryset(self):
        assert self.model is not None
        return self.model._default_manager.all()

    def get_object(self) -> Any:
        if self.model is None:
            return None
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        return self.get_object_queryset().get_for(self.request.user, self.scope_action, **{self.lookup_field: value})

    @property
    def object(self) -> Any:
        if "_object" not in self.__dict__:
            self.__dict__["_object"] = self.get_object()
        return self.__dict__["_object"]

    # -- the action ---------------------------------------------------------------------------
    def perform(self, data: dict[str, Any]) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError(f"{type(self).__name__} must define perform(data).")

    def check_page_current(self, form: forms.BaseForm) -> None:
        """Before ``perform``, in its transaction: refuse (a ``ValidationError``) a form sent from a
        page that no longer shows the object as it is (``core.stale``). By default nothing."""

    def get_success_message(self, result: Any) -> str:
        return self.success_message

    def get_success_level(self, result: Any) -> int:
        """The level of the success message: a step that did something other than asked (released
        instead of sent) says so as a warning."""
        return messages.SUCCESS

    def get_success_url(self) -> str:
        if self.success_url:
            return str(self.success_url)
        if self.result_url_name:
            return reverse(self.result_url_name, kwargs={"pk": self.result.pk})
        # The object's page, else (a create page) the created row's; a refused button comes back
        # here (``get_return_url``) before ``perform`` returned anything.
        row = self.object if self.object is not None else getattr(self, "result", None)
        if row is not None and hasattr(row, "get_absolute_url"):
            return row.get_absolute_url()
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_success_url().")

    def get_return_url(self) -> str:
        return self.get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("object", self.object)
        if self.context_object_name:
            context.setdefault(self.context_object_name, self.object)
        context.setdefault("title", self.title)
        return context

    def form_valid(self, form):
        self.form = form  # for ``perform`` that needs more than cleaned_data (a formset, a helper)
        try:
            with transaction.atomic():  # a view that calls two services saves both or neither
                self.check_page_current(form)
                self.result = self.perform(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        message = self.get_success_message(self.result)
        if message:
            messages.add_message(self.request, self.get_success_level(self.result), message)
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        if not self.post_only:
            return super().form_invalid(form)
        messages.error(self.request, self.error_prefix + form_errors_text(form))
        return HttpResponseRedirect(self.get_return_url())


class NumberedActionView(NumberedObjectMixin, ServiceActionView):
    """An action on one object named by its ``number`` (a complaint, a hearing request): the object
    is ``numbered_object``; success returns to the page ``success_url_name`` of its number (its
    detail page, or the letter the action calls for). An action on a row of it named by pk (a
    referral, a compliance action) reads that row in ``get_object`` and gives its parent as
    ``numbered_object``."""

    success_url_name = ""

    def get_object(self) -> Any:
        return self.numbered_object

    def get_success_url(self) -> str:
        return reverse(self.success_url_name, kwargs={"number": self.numbered_object.number})


class NumberedChildMixin:
    """For a ``NumberedActionView`` on a row of the numbered object named by ``pk`` in the URL (a
    referral of a complaint, a compliance action of a hearing request): the row, a ``child_model``,
    is seen by whoever may see its ``parent_field`` (``child_in_scope_or_404``), and that parent is
    the ``numbered_object`` the action returns to."""

    request: HttpRequest
    kwargs: dict[str, Any]
    object: Any
    child_model: type[Model]
    parent_field = ""

    def get_object(self) -> Any:
        return child_in_scope_or_404(
            self.child_model._default_manager.select_related(self.parent_field),
            parent=self.parent_field,
            user=self.request.user,
            pk=self.kwargs["pk"],
        )

    @cached_property
    def numbered_object(self) -> Any:
        return getattr(self.object, self.parent_field)


class ObjectEditView(ServiceActionView):
    """The page that creates a row of ``model`` (its URL names no object) and the one that edits a
    row (the URL gives its pk), as NetBox's ``ObjectEditView``: one class serves both URLs.

    - Permission: the model's add permission on the new page, its change permission on the edit
      page, unless the view declares ``permission_required``.
    - The form is a ModelForm on a new instance or on the object, read in the change scope
      (``scope_action``); ``perform`` saves it through a service and returns the saved row.
    - Title: ``title`` on the new page (by default "New <verbose name>"), "Edit <object>" on the
      edit page.
    - Then to the ``success_url``, or the saved row's own page (``get_absolute_url``, e.g.
      ``core.models.DetailUrlMixin``).
    - The edit page carries what it showed (``core.stale.carry_shown``). When it is sent, the row
      is read again under its lock and only the fields the user changed on the page are applied:
      every other field keeps the row's value as it is now, so a colleague's change made since the
      page was opened (an opt-out ticked off, a phone number) is kept, not undone. The same field
      changed by both is refused, saying who changed it and when (``core.stale.shown_changes``).
    """

    model: type[Model]
    template_name = "core/form_page.html"
    scope_action = "change"
    success_message = "Saved."

    @property
    def editing(self) -> bool:
        """Whether the URL names an object to edit (else the page creates one)."""
        return (self.lookup_url_kwarg or self.lookup_field) in self.kwargs

    def get_permission_required(self):
        if self.permission_required:
            return super().get_permission_required()
        return (permission_for_model(self.model, "change" if self.editing else "add"),)

    def get_object(self) -> Any:
        return super().get_object() if self.editing else None

    def get_title(self) -> str:
        if self.editing:
            return f"Edit {self.object}"
        return self.title or f"New {self.model._meta.verbose_name}"

    def get_initial(self) -> dict[str, Any]:
        # A form's initial data wins over its instance's values, so a new row's defaults
        # (``new_initial``) would overwrite the saved ones on the edit page.
        return super().get_initial() if self.editing else self.new_initial()

    def new_initial(self) -> dict[str, Any]:
        """The new page's defaults (e.g. "received now"); never applied to an object being edited."""
        return super().get_initial()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        return carry_shown(form) if self.editing else form

    def check_page_current(self, form: forms.BaseForm) -> None:
        """Apply to ``form.instance`` only what the user changed on the page; every other field
        takes the row's value now, read under its lock (see the class's notes)."""
        if not self.editing:
            return
        assert isinstance(form, forms.BaseModelForm)
        row = self.model._default_manager.select_for_update().get(pk=self.object.pk)
        meta = self.model._meta
        fields = {f.name: f for f in [*meta.concrete_fields, *meta.many_to_many]}
        edited = [name for name in form.fields if name in fields and name in form.cleaned_data]
        mine = shown_changes(
            row=row,
            shown=shown_in(form.cleaned_data),
            posted={name: form.cleaned_data[name] for name in edited},
            labels={name: str(form.fields[name].label).lower() for name in edited if form.fields[name].label},
        )
        for name, field in fields.items():
            if name in mine or field.primary_key:
                continue
            if field.many_to_many:
                if name in edited:
                    form.cleaned_data[name] = list(getattr(row, name).all())
            else:
                setattr(form.instance, field.attname, getattr(row, field.attname))

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.get_title(), **kwargs)


def form_errors_text(form: forms.BaseForm) -> str:
    """A form's errors as one line for a message: ``Label: error`` per field, form-wide errors bare."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(error) for error in errors)
        field = form.fields.get(name)
        if field is None or field.widget.is_hidden:  # form-wide, or a hidden field's: the error says it all
            parts.append(text)
        else:
            parts.append(f"{field.label or name}: {text}")
    return "; ".join(parts)


class LetterPageView(PermissionMixin, TemplateView):
    """One letter to a member of the public (``core.letters``) on two URLs: the printable page
    (``core/letter_page.html``) and, in a subclass with ``as_pdf = True``, the PDF with the same
    lines. A subclass reads its object in scope and gives ``get_letter()``, ``get_pdf_filename()``
    and the page's links (``get_back_url()``, ``get_pdf_url()``, ``back_label``);
    ``letter_unavailable()`` answers instead when the letter does not exist yet."""

    template_name = "core/letter_page.html"
    as_pdf = False
    back_label = ""  # the page's default: "Back"

    def get_letter(self) -> Letter:  # pragma: no cover - every subclass defines it
        raise NotImplementedError(f"{type(self).__name__} must define get_letter().")

    def get_pdf_filename(self) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError(f"{type(self).__name__} must define get_pdf_filename().")

    def get_back_url(self) -> str:
        return ""

    def get_pdf_url(self) -> str:
        return ""

    def letter_unavailable(self) -> HttpResponse | None:
        return None

    def whereabouts_read_record(self, letter: Letter) -> None:
        """A letter whose mailing block prints a person's address on file (``MailingBlock.person``)
        shows their whereabouts: the page and the PDF are a sensitive read, logged as the person
        page logs one (an FVI person's block prints the confidential arrangement: nothing read)."""
        block = letter.recipient
        if block.person is not None and block.lines and not block.confidential:
            sensitive_read_record(
                request=self.request, obj=block.person, fields=["addresses"], detail={"letter": letter.kind}
            )

    def get(self, request, *args, **kwargs):
        refusal = self.letter_unavailable()
        if refusal is not None:
            return refusal
        letter = self.get_letter()
        self.whereabouts_read_record(letter)
        if self.as_pdf:
            return pdf_response(letter_pdf(letter), self.get_pdf_filename())
        context = self.get_context_data(**kwargs)
        context.update(
            letter_context(letter), back_url=self.get_back_url(), back_label=self.back_label, pdf_url=self.get_pdf_url()
        )
        return self.render_to_response(context)


class RunListView(PermissionMixin, ListView):
    """The runs of a fanned-out background job (accrual, enforcement sweep), newest first, each
    with the number of its parts stuck (``core.jobs``) set as ``stuck_attr`` for the page."""

    paginate_by = 25
    stuck_attr = "stuck"

    def stuck_counts(self, run_ids: list[int]) -> dict[int, int]:  # pragma: no cover - overridden
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = list(context["object_list"])
        stuck = self.stuck_counts([run.pk for run in runs])
        for run in runs:
            setattr(run, self.stuck_attr, stuck.get(run.pk, 0))
        context["object_list"] = runs
        return context


class ObjectDetailView(PermissionMixin, ScopedQuerysetMixin, DetailView):
    """One object's page, read through its restricted queryset (out of scope → 404); by default
    behind its model's view permission and on Django's template ``<app_label>/<model>_detail.html``."""

    model_permission = "view"


class FilteredListView(PermissionMixin, ScopedQuerysetMixin, ListView):
    """A paginated list filtered by a django-filter FilterSet shared with the API; by default
    behind its model's view permission and on Django's template ``<app_label>/<model>_list.html``."""

    filterset_class: type[django_filters.FilterSet] | None = None
    paginate_by = 25
    model_permission = "view"

    def get_base_queryset(self):
        return super().get_queryset()

    def get_queryset(self):
        queryset = self.get_base_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        return filtered_rows(self.filterset)

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
            {
                "status": "ok" if ok else "unavailable",
                "checks": {k: "ok" if v else "failed" for k, v in checks.items()},
            },
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
    csv_header = [
        "at",
        "kind",
        "username",
        "ip_address",
        "path",
        "object_type",
        "object_id",
        "fields",
        "person_id",
        "person",
        "outcome",
        "detail",
    ]

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
            rows = (
                [
                    r.at.isoformat(),
                    r.kind,
                    r.username,
                    r.ip_address,
                    r.path,
                    r.object_type,
                    r.object_id,
                    ";".join(r.fields),
                    r.detail.get("person_id"),
                    r.detail.get("person", ""),
                    r.outcome,
                    json.dumps(r.detail, sort_keys=True),
                ]
                for r in self.object_list.iterator(chunk_size=2000)
            )
            return csv_response(f"security-log-{timezone.localdate()}.csv", self.csv_header, rows)
        return super().render_to_response(context, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=self.form)
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
        context.update(
            in_force=set(in_force.values()),
            jurisdictions=Jurisdiction.choices,
            chosen=self.request.GET.get("jurisdiction", ""),
            today=today,
        )
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
            access_log_record(
                kind=AccessLog.Kind.ACCESS_DENIED, request=request, outcome="denied", obj=obj, detail=detail
            )
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
