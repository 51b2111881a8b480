"""Find anyone (``GET /search/?q=``) and the person page (``/people/<id>/``), issue 15.1."""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from core.models import DomainEvent
from core.services import access_log_record
from core.views import PermissionMixin

from .access import person_shown
from .choices import ParticipantRole
from .models import CaseParticipant, LocateAttempt, Person
from .redaction import locate_notes, people_mark
from .search import SearchQueryError, search, visible_cases, visible_people


class SearchView(PermissionMixin, TemplateView):
    """Results grouped by kind, only what the user may see. A search by the last four of an SSN or
    by a date of birth is a sensitive read: one log row names who searched, what kind of key, when,
    and every person the search returned (IRS Publication 1075 9.3.1 audit events; 45 CFR 303.21)."""

    permission_required = "cases.view_case"
    template_name = "cases/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        try:
            results = search(user=self.request.user, query=query)
        except SearchQueryError as exc:
            context.update({"q": query.replace("\x00", "")[:100], "error": str(exc), "results": None})
            return context
        sensitive = [kind for kind in results.read_as if kind in ("ssn_last4", "date_of_birth", "employer")]
        if sensitive:
            found = {p.pk: p for p in results.sensitive_people}
            for group in results.groups:
                if group.kind == "employers":
                    found.update({e.person.pk: e.person for e in group.rows})
            access_log_record(
                kind="sensitive_read",
                request=self.request,
                fields=sensitive,
                detail={"search": sensitive, "person_ids": sorted(found), "matches": len(found)},
            )
        context.update({"q": results.query, "results": results, "error": ""})
        return context


class PersonView(PermissionMixin, TemplateView):
    """The canonical person page: every case (in the user's scope) the person is on, in what role,
    with balances; identity (SSN in full only with ``cases.view_ssn``); whereabouts through
    ``cases.redaction`` (an FVI person's: nothing, 42 USC 654(26)); contact history (locate attempts
    and the events recorded about the person). Out of scope: 404, logged as a denial."""

    permission_required = "cases.view_person"
    template_name = "cases/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = visible_people(user).filter(pk=self.kwargs["person_id"]).first()
        if person is None:
            if Person.objects.filter(pk=self.kwargs["person_id"]).exists():
                access_log_record(
                    kind="access_denied",
                    request=self.request,
                    obj=Person(pk=self.kwargs["person_id"]),
                    outcome="denied",
                    detail={"reason": "no case of this person is in the user's scope"},
                )
            raise Http404("No such person.")
        cases = visible_cases(user)
        participations = list(
            CaseParticipant.objects.filter(person=person, case__in=cases)
            .select_related("case", "case__balance", "case__caseworker")
            .order_by("-case__status", "case__case_number", "role")
        )
        for p in participations:
            p.case_balance = getattr(p.case, "balance", None)
        attempts = list(
            LocateAttempt.objects.filter(person=person, case__in=cases)
            .select_related("case", "recorded_by", "person")
            .order_by("-attempted_on", "-id")[:50]
        )
        people_mark(attempt.person for attempt in attempts)
        for attempt in attempts:
            attempt.notes_shown = locate_notes(attempt)
        events = list(
            DomainEvent.objects.filter(
                subject_type__app_label="cases", subject_type__model="person", subject_id=person.pk
            ).select_related("actor")[:50]
        )
        show_ssn, card = person_shown(request=self.request, person=person)
        context.update(
            {
                "person": person,
                "participations": participations,
                "attempts": attempts,
                "events": events,
                "show_ssn": show_ssn,
                "card": card,
                "first_case": participations[0].case if participations else None,
                "is_child": any(p.role == ParticipantRole.CHILD for p in participations),
            }
        )
        return context


__all__ = ["PersonView", "SearchView"]
