"""The statement of account for a date range: page (printable) and PDF (issue 15.3)."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from core.dates import add_months
from core.http import pdf_response
from core.views import PermissionMixin

from .. import selectors
from ..access import fti_reads_record
from .forms import StatementRangeForm
from .statement import Statement, case_statement_for_range


class StatementMixin(PermissionMixin):
    """The case through the user's scope (404 otherwise) and the range from ``?start=&end=``
    (default: the last twelve months through today)."""

    permission_required = "cases.view_case"
    request: HttpRequest

    @cached_property
    def case(self):
        return selectors.case_get(user=self.request.user, case_number=self.kwargs["case_number"], action="view")

    def range_form(self) -> StatementRangeForm:
        return StatementRangeForm(self.request.GET or None)

    def statement(self, form: StatementRangeForm) -> Statement | None:
        today = timezone.localdate()
        start, end = add_months(today.replace(day=1), -11), today
        if form.is_bound:
            if not form.is_valid():
                return None
            start = form.cleaned_data.get("start") or start
            end = form.cleaned_data.get("end") or end
            if start > end:
                form.add_error(None, "The start date is after the end date.")
                return None
        statement = case_statement_for_range(case=self.case, start=start, end=end, user=self.request.user)
        # IRS Publication 1075: each tax-offset source shown is an FTI read, logged now.
        fti_reads_record(request=self.request, collections=statement.fti_collections)
        return statement


class CaseStatementView(StatementMixin, TemplateView):
    template_name = "cases/statement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.range_form()
        statement = self.statement(form)
        query = ""
        if statement is not None:
            query = f"start={statement.start:%Y-%m-%d}&end={statement.end:%Y-%m-%d}"
        context.update(
            {
                "case": self.case,
                "form": form,
                "statement": statement,
                "pdf_url": f"{reverse('cases:case_statement_pdf', args=[self.case.case_number])}?{query}",
                "printed_on": timezone.localdate(),
            }
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response


class CaseStatementPdfView(StatementMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        from .statement_pdf import statement_pdf

        form = self.range_form()
        statement = self.statement(form)
        if statement is None:
            errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            return HttpResponse(f"Bad date range: {errors}", status=400, content_type="text/plain; charset=utf-8")
        name = f"statement-{self.case.case_number}-{statement.start:%Y%m%d}-{statement.end:%Y%m%d}.pdf"
        return pdf_response(statement_pdf(statement), name)


__all__ = ["CaseStatementPdfView", "CaseStatementView"]
