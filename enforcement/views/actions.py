"""The specialists' queue and an action's page, its notice letter and its life-cycle steps."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.models import User
from cases.redaction import WITHHELD, whereabouts_shown
from core.confirm import Confirmation, ConfirmStepMixin
from core.forms import SelectedRowsForm
from core.http import content_disposition
from core.letters import letter_context
from core.lists import BulkActionMixin, ListViewMixin, RowRefused
from core.models import DomainEvent
from core.views import FilteredListView, ObjectDetailView, PermissionMixin, ServiceActionView

from ..action_selectors import levy_institutions_shown
from ..choices import ActionStatus, ReleaseReason, Remedy
from ..filtersets import EnforcementActionFilterSet
from ..forms import ActionEndForm, ContestDecisionForm, ContestForm, LicenceIncomeCheckForm
from ..models import EnforcementAction, IncomeWithholdingOrder, LicenceIncomeCheck
from ..notices import notice_letter, notice_pdf
from ..rule_check import rule_check
from ..services.actions import (
    NOT_SENT,
    NoticeNotSent,
    action_activate,
    action_contest,
    action_contest_decide,
    action_end,
    action_notice_issue,
)
from ..services.licence_income import (
    CHECKABLE,
    action_income_check_record,
    activation_refusal,
    check_in_force,
    covers_commercial,
    is_ca_licence,
)
from ..services.sweep import release_due

WORK = "enforcement.work_enforcementaction"


RELEASED_BY_RULE = (ReleaseReason.PAID_UP, ReleaseReason.CASE_CLOSED)  # the sweep's reasons (``release_due``)


def _release_why(action: EnforcementAction, reason: str) -> str:
    """Why the sweep's release rule holds for ``action`` (``sweep.release_due``), in words."""
    case = action.case
    if reason == ReleaseReason.CASE_CLOSED:
        return f"case {case.case_number} is closed"
    return f"the arrears on case {case.case_number} are paid in full (total arrears ${case.balance.total_arrears:,.2f})"


def released_instead_message(action: EnforcementAction) -> str:
    """What the person whose step would have sent ``action`` to the partner is told when it was
    released instead (``services.actions._release_under_rule``)."""
    return (
        f"Not sent to {action.partner or 'the partner'}: {_release_why(action, action.release_reason)}, so the "
        f"action was released ({action.get_release_reason_display().lower()}), as the nightly sweep releases it."
    )


class ActionQueueView(ListViewMixin, FilteredListView):
    """Enforcement specialists' queue: open actions first by due date; overdue highlighted; sortable,
    ``?export=csv``; issue notices for the ticked proposed actions (``ActionBulkIssueView``)."""

    sort_fields = {
        "action": ("id",),
        "case": ("case__case_number",),
        "county": ("case__county", "timeframe_due_on"),
        "remedy": ("remedy", "timeframe_due_on"),
        "stage": ("status", "timeframe_due_on"),
        "arrears": ("total_arrears",),
        "months": ("months_in_arrears",),
        "proposed": ("proposed_on",),
        "act_by": ("timeframe_due_on",),
        "next_step": ("next_step_on",),
    }
    default_sort = "act_by"
    csv_filename = "enforcement-queue.csv"
    csv_columns = (
        ("action", "reference"),
        ("case_number", "case.case_number"),
        ("county", "case.county"),
        ("remedy", "get_remedy_display"),
        ("stage", "get_status_display"),
        ("arrears", "total_arrears"),
        "months_in_arrears",
        "proposed_on",
        ("act_by", "timeframe_due_on"),
        "next_step_on",
    )
    model = EnforcementAction
    filterset_class = EnforcementActionFilterSet
    template_name = "enforcement/action_list.html"
    select_related = ("case", "rule")

    def get_base_queryset(self):
        return super().get_base_queryset().order_by("timeframe_due_on", "id")

    def get_queryset(self):
        qs = super().get_queryset()
        if not self.request.GET:
            qs = qs.open()
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["can_bulk_issue"] = self.request.user.has_perm(WORK)
        return context


class ActionBulkIssueView(BulkActionMixin, ConfirmStepMixin, PermissionMixin, TemplateView):
    """Issue the notices of the ticked proposed actions: each through ``action_notice_issue`` (the
    one notice-issuing service, which checks the rule again for that case today), in its own
    transaction; an action no longer proposed, out of scope, or no longer meeting its rule is
    refused on its row and the others go on."""

    permission_required = WORK
    form_class = SelectedRowsForm
    http_method_names = ["post"]  # noqa: RUF012
    list_url_name = "enforcement:action_list"
    title = "Issue notices"

    def confirmation_for(self, form) -> Confirmation:
        count = len(form.cleaned_data["ids"])
        return Confirmation(
            title=f"Issue {count} notice{'s' if count != 1 else ''}?",
            consequences=[
                f"A notice is issued for each of the {count} selected actions that is still proposed and "
                "whose case still meets its rule today; the notice period starts today.",
                "Each one must then be printed and mailed. Any refused action is listed with the reason.",
            ],
            button="Yes, issue the notices",
            cancel_url=reverse(self.list_url_name),
        )

    def act_on(self, pk: int, form) -> str | RowRefused:
        # Issuing a notice is a write: the action's case in the user's write scope (their county:
        # cases.models.scope), else refused and logged as the single step is.
        action = EnforcementAction.objects.select_related("case").get_for(self.request.user, "change", pk=pk)
        if action.status != ActionStatus.PROPOSED:
            raise ValidationError(f"{action.reference}: the notice was already issued.")
        try:
            action_notice_issue(action=action, by=cast(User, self.request.user))
        except NoticeNotSent:  # refused on its row, its work item kept
            return RowRefused(f"{action.reference}: {NOT_SENT}")
        except ValidationError as exc:
            raise ValidationError(f"{action.reference}: {' '.join(exc.messages)}") from exc
        return f"{action.reference} (case {action.case.case_number})"


class ActionDetailView(ObjectDetailView):
    model = EnforcementAction
    template_name = "enforcement/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("case", "rule", "notice_rule", "sweep_run", "notice_issued_by", "contest_decided_by")
            .prefetch_related("case__participants__person")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.object
        today = timezone.localdate()
        user = self.request.user
        can_work = user.has_perm(WORK)
        context.update(
            today=today,
            events=DomainEvent.objects.filter(
                subject_type=ContentType.objects.get_for_model(EnforcementAction), subject_id=action.pk
            ).select_related("actor")[:50],
            can_issue=can_work and action.status == ActionStatus.PROPOSED,
            can_contest=can_work and action.can_contest(today),
            can_activate=can_work
            and action.status in (ActionStatus.NOTICED, ActionStatus.CONTEST_WINDOW)
            and action.contest_over(today),
            can_decide=user.has_perm("enforcement.decide_contest") and action.status == ActionStatus.CONTESTED,
            can_end=can_work and action.is_open and action.status != ActionStatus.CONTESTED,
            contest_form=ContestForm(),
            decision_form=ContestDecisionForm(),
            end_form=ActionEndForm(),
        )
        if is_ca_licence(action):  # Fam. Code 17520.5: the obligor's household income check
            in_force = check_in_force(today)
            context.update(
                income_check=LicenceIncomeCheck.objects.filter(action=action).select_related("checked_by").first(),
                income_check_in_force=in_force,
                can_check_income=can_work and in_force and action.status in CHECKABLE,
                income_check_form=LicenceIncomeCheckForm(initial={"county": action.case.county}),
                activation_refusal=activation_refusal(action, today) if action.is_open else "",
            )
            if context["activation_refusal"]:
                context["can_activate"] = False
        if can_work and action.status in (ActionStatus.NOTICED, ActionStatus.CONTEST_WINDOW, ActionStatus.CONTESTED):
            # The sweep's release rule holds (closed, paid up): not to be sent, whatever the page offered.
            reason = release_due(action)
            if reason is not None:
                context["can_activate"] = False
                context["release_due"] = (
                    f"Not to be sent to {action.partner or 'the partner'}: {_release_why(action, reason)}. The nightly "
                    "sweep releases it; sending it or upholding its contest releases it now."
                )
        if action.remedy == Remedy.BANK_LEVY:  # the bank from the account rows, through the whereabouts rule
            context.update(levy_institutions=levy_institutions_shown(action), withheld=WITHHELD)
        if action.remedy == Remedy.INCOME_WITHHOLDING:
            from .withholding import LumpSumForm

            ncp = action.case.ncp
            context.update(
                withholding_orders=IncomeWithholdingOrder.objects.restrict(user, "view")
                .filter(action=action)
                .order_by("-id"),
                employer_shown=ncp is None or whereabouts_shown(ncp),
                withheld=WITHHELD,
                can_issue_iwo=can_work
                and action.status in (ActionStatus.ACTIVE, ActionStatus.RELEASED, ActionStatus.CLOSED),
                can_lump_sum=can_work and action.status == ActionStatus.ACTIVE,
                lump_sum_form=LumpSumForm(),
            )
        return context


class ActionNoticeView(ObjectDetailView):
    """The printable notice letter (HTML; the PDF has the same lines)."""

    model = EnforcementAction
    template_name = "enforcement/action_notice.html"
    context_object_name = "action"
    select_related = ("case", "rule")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("case__participants__person")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(letter_context(notice_letter(self.object, language=self.letter_language())))
        context["letter_languages"] = settings.LANGUAGES
        return context

    def letter_language(self) -> str | None:
        """The NCP's language by default; staff may look at (or reprint) it in another offered one."""
        chosen = self.request.GET.get("letter_lang", "")
        return chosen if chosen in {code for code, _name in settings.LANGUAGES} else None


class ActionNoticePdfView(ActionNoticeView):
    def render_to_response(self, context, **response_kwargs):
        response = HttpResponse(
            notice_pdf(self.object, language=self.letter_language()), content_type="application/pdf"
        )
        response["Content-Disposition"] = content_disposition(f"notice-{self.object.reference}.pdf", inline=True)
        response["Cache-Control"] = "no-store"
        return response


class ActionStepView(ServiceActionView):
    """Base of the POST-only life-cycle steps: load in scope, call the service, back to the page."""

    permission_required = WORK
    model = EnforcementAction
    scope_action = "change"  # a step is a write: the case in the user's write scope (their county), else 403
    post_only = True
    done_message = ""

    def get_object_queryset(self):
        return EnforcementAction.objects.select_related("case", "rule")

    def perform(self, data):
        return self.step(self.object, data)

    def step(self, action, data):  # pragma: no cover - overridden
        raise NotImplementedError

    def get_success_message(self, result):
        return self.done_message

    def get_success_url(self):
        return self.object.get_absolute_url()


class ActionNoticeIssueView(ActionStepView):
    """Issuing a notice cannot be undone: GET shows what the letter will state (the arrears today,
    the figures that fired the rule, whether the case still meets it) and asks to confirm; POST
    issues through ``action_notice_issue``, which checks the rule again."""

    http_method_names = ["get", "post"]
    done_message = "Notice issued: print the letter and mail it."

    def get(self, request, pk: int):
        action = self.object
        if action.status != ActionStatus.PROPOSED:
            messages.info(request, "The notice of this action was already issued.")
            return HttpResponseRedirect(action.get_absolute_url())
        with transaction.atomic():  # the rule check's temporary table lives in a transaction
            check = rule_check(action=action, as_of=timezone.localdate())
        return TemplateResponse(
            request,
            "enforcement/action_issue_confirm.html",
            {"action": action, "check": check, "today": timezone.localdate()},
        )

    def post(self, request, pk: int):
        if request.POST.get("confirmed") != "yes":  # a POST that skipped the question asks it
            return self.get(request, pk)
        return super().post(request, pk)

    def step(self, action, data):
        try:
            return action_notice_issue(action=action, by=self.request.user)
        except NoticeNotSent as exc:  # answered here, inside the view's transaction: the work item stays
            return exc

    def get_success_message(self, result):
        if isinstance(result, NoticeNotSent):
            return NOT_SENT + " A work item was opened on the case."
        return self.done_message

    def get_success_level(self, result):
        return messages.WARNING if isinstance(result, NoticeNotSent) else messages.SUCCESS


class ActionContestView(ActionStepView):
    form_class = ContestForm
    done_message = "Contest recorded: the action stops until the contest is decided."

    def step(self, action, data):
        action_contest(action=action, reason=data["reason"], by=self.request.user)


class ReleasedInsteadMixin:
    """A step that sends the action to the partner, unless the sweep's release rule holds for it
    then: released instead, the user is told so and why (``released_instead_message``)."""

    done_message = ""

    @staticmethod
    def released_instead(result: EnforcementAction) -> bool:
        return result.status == ActionStatus.RELEASED and result.release_reason in RELEASED_BY_RULE

    def get_success_message(self, result):
        return released_instead_message(result) if self.released_instead(result) else self.done_message

    def get_success_level(self, result) -> int:
        return messages.WARNING if self.released_instead(result) else messages.SUCCESS


class ActionDecideView(ReleasedInsteadMixin, ActionStepView):
    permission_required = "enforcement.decide_contest"
    form_class = ContestDecisionForm
    done_message = "Contest decided."

    def step(self, action, data):
        return action_contest_decide(action=action, decision=data["decision"], note=data["note"], by=self.request.user)


class ActionActivateView(ReleasedInsteadMixin, ActionStepView):
    done_message = "Action sent to the partner."

    def step(self, action, data):
        return action_activate(action=action, by=self.request.user)


class ActionIncomeCheckView(ActionStepView):
    """Record the obligor's household income check of a CA licence action (Fam. Code 17520.5): at or
    below the county line a noncommercial licence action is closed as exempt (a commercial one waits
    while the section covers commercial licences); above it, it may be sent to the DMV."""

    form_class = LicenceIncomeCheckForm
    done_message = "Income check recorded."

    def step(self, action, data):
        return action_income_check_record(
            action=action,
            household_income=data["household_income"],
            income_source=data["income_source"],
            county=data["county"],
            licence_class=data["licence_class"],
            by=self.request.user,
        )

    def get_success_message(self, result):
        if result.exempt:
            return (
                "Income check recorded: exempt under Fam. Code 17520.5, the action is closed and not sent to the DMV."
            )
        if result.at_or_below:  # a commercial licence: covered or not on the day it would be sent
            if covers_commercial(result.checked_on):
                return (
                    "Income check recorded: at or below the county line on a commercial licence, so the action is "
                    "not sent to the DMV while Fam. Code 17520.5 covers commercial licences on the day it would be sent."
                )
            return (
                "Income check recorded: at or below the county line, but Fam. Code 17520.5 no longer covers "
                "commercial licences: the action may be sent to the DMV."
            )
        return "Income check recorded: the income is above the county line, the action may be sent to the DMV."


class ActionEndView(ActionStepView):
    form_class = ActionEndForm
    done_message = "Action ended."

    def step(self, action, data):
        action_end(
            action=action,
            by=self.request.user,
            release=data["end"] == "release",
            reason=data["reason"],
            note=data["note"],
        )
