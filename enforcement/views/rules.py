"""The rules page, the page that revises a rule (a new dated version), and the sweep runs (with a
button to start one)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import ListView

from core.legal import LegalParameterMissing
from core.stale import carry_shown, shown_in
from core.views import PermissionMixin, RunListView, ServiceActionView

from ..forms import RULE_REVISE_FIELDS, RemedyRuleReviseForm
from ..legal_floors import CONTEST_REQUIRED, floor_values
from ..models import RemedyRule, SweepRun
from ..selectors import remedy_rule_latest
from ..services.rules import rule_revise
from ..services.sweep_jobs import sweep_enqueue, sweep_run_resume, sweep_runs_stuck


class RuleListView(PermissionMixin, ListView):
    """Every remedy rule with the version in effect today and the older/newer versions kept."""

    permission_required = "enforcement.view_remedyrule"
    template_name = "enforcement/rule_list.html"

    def get_queryset(self):
        return (
            RemedyRule.objects.restrict(self.request.user)
            .select_related("changed_by")
            .order_by("jurisdiction", "remedy", "-effective_from", "-version")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        in_effect = set(RemedyRule.objects.in_effect(today).values_list("pk", flat=True))
        rules = list(context["object_list"])
        for rule in rules:
            # The law's floor under each threshold, in force on the rule's own date and today.
            try:
                rule.law_floors = floor_values(rule, on=max(today, rule.effective_from))
            except LegalParameterMissing as exc:
                rule.law_floors, rule.law_missing = [], str(exc)
        latest = {}
        for rule in rules:  # ordered newest version first within each remedy and profile
            latest.setdefault((rule.remedy, rule.jurisdiction), rule.pk)
        context.update(
            today=today,
            in_effect=in_effect,
            latest=set(latest.values()),
            can_revise=self.request.user.has_perm("enforcement.change_remedyrule"),
            object_list=rules,
            rule_list=rules,
        )
        return context


class RuleReviseView(ServiceActionView):
    """Write a new version of a rule from a date (``rule_revise``): the form starts from the latest
    version of the rule's remedy and profile, whichever version the URL names. A version written
    since the page was opened refuses the form (``core.stale``), so a colleague's change is never
    silently dropped."""

    permission_required = "enforcement.change_remedyrule"
    model = RemedyRule
    scope_action = "change"
    form_class = RemedyRuleReviseForm
    template_name = "enforcement/rule_revise.html"
    success_url = reverse_lazy("enforcement:rule_list")

    def get_object(self):
        return remedy_rule_latest(rule=super().get_object())

    def get_initial(self):
        return {name: getattr(self.object, name) for name in RULE_REVISE_FIELDS}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "today": timezone.localdate()}

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class), values={"version": self.object.version})

    def get_context_data(self, **kwargs):
        rule = self.object
        title = f"Revise {rule.get_remedy_display()} ({rule.jurisdiction})"
        try:
            floors = floor_values(rule, on=max(timezone.localdate(), rule.effective_from))
        except LegalParameterMissing:
            floors = []
        contest_law = CONTEST_REQUIRED.get(rule.remedy)
        return super().get_context_data(
            title=title, law_floors=floors, contest_law=contest_law[1] if contest_law else "", **kwargs
        )

    def perform(self, data):
        changes = {
            name: data[name] for name in RULE_REVISE_FIELDS if name in data and data[name] != getattr(self.object, name)
        }
        if not changes:
            raise ValidationError("Change at least one value of the rule; nothing was saved.")
        return rule_revise(
            rule=self.object,
            effective_from=data["effective_from"],
            reason=data["change_reason"],
            by=self.request.user,
            shown=shown_in(data),
            **changes,
        )

    def get_success_message(self, rule):
        return f"Saved: {rule}."


class SweepRunListView(RunListView):
    permission_required = "enforcement.view_sweeprun"
    template_name = "enforcement/sweeprun_list.html"
    stuck_attr = "stuck_chunks"

    def get_queryset(self):
        return SweepRun.objects.restrict(self.request.user).select_related("started_by")

    def stuck_counts(self, run_ids):
        return sweep_runs_stuck(run_ids=run_ids)


class SweepStartView(ServiceActionView):
    """Start a sweep now: the same fanned-out task as the nightly beat entry."""

    permission_required = "enforcement.run_sweep"
    post_only = True
    success_url = reverse_lazy("enforcement:sweeprun_list")

    def perform(self, data):
        return sweep_enqueue(
            as_of=timezone.localdate(), triggered_by=f"user {self.request.user.get_username()}", by=self.request.user
        )

    def get_success_message(self, run):
        return f"Sweep {run.pk} started: its chunks run in the background."


class SweepRunResumeView(SweepStartView):
    """Send a stuck run's unfinished chunks to the workers again (each chunk still runs once)."""

    def get_object(self):
        return get_object_or_404(
            SweepRun.objects.restrict(self.request.user), pk=self.kwargs["pk"], finished_at__isnull=True
        )

    def perform(self, data):
        return sweep_run_resume(run=self.object, by=self.request.user)

    def get_success_message(self, sent):
        return f"Sweep {self.object.pk} resumed: {sent} chunk(s) sent to the workers."
