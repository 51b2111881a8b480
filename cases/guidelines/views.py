"""Worksheet pages for the guideline calculators (any signed-in staff member; no personal data),
and the same worksheet as a PDF laid out like the state's form."""

from collections.abc import Callable
from typing import Any

from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from core.http import pdf_response
from core.views import LoginOnlyMixin

from . import ca_guideline, ny_guideline
from .forms import CaGuidelineForm, NyGuidelineForm, labelled_inputs
from .pdf import worksheet_pdf
from .stored import WORKSHEETS
from .tables import GuidelineInputError, TableGap

FIELD_OF = {"gross_incomes": "payor_income", "parent_incomes": "payor_income"}


class _CalculatorView(LoginOnlyMixin, FormView):
    """The calculator page of ``jurisdiction``: its template ``cases/guidelines/<code>.html``, its
    PDF at ``guidelines:<code>_pdf``, the worksheet's columns and titles from ``WORKSHEETS``; the
    result from the guideline function ``calculator``."""

    jurisdiction = ""
    calculator: Callable[..., Any]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        code = cls.jurisdiction.lower()
        cls.template_name = f"cases/guidelines/{code}.html"
        cls.pdf_url_name = f"guidelines:{code}_pdf"
        cls.page_url_name = f"guidelines:{code}"
        _, cls.columns, cls.title, cls.subtitle = WORKSHEETS[cls.jurisdiction]

    def calculate(self, kwargs, as_of):
        return self.calculator(as_of=as_of, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.GET:  # calculating changes nothing, so GET submissions are allowed (bookmarkable)
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if request.GET and form.is_valid():
            return self.form_valid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def result_or_errors(self, form):
        """The calculation, or None with the law's objection added to the form field it concerns."""
        try:
            return self.calculate(form.calculator_kwargs(), form.cleaned_data["as_of"])
        except TableGap as exc:
            form.add_error("as_of", str(exc))
        except GuidelineInputError as exc:
            field = FIELD_OF.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, str(exc))
        return None

    def form_valid(self, form):
        result = self.result_or_errors(form)
        if result is None:
            return self.render_to_response(self.get_context_data(form=form))
        pdf_url = f"{reverse(self.pdf_url_name)}?{self.request.GET.urlencode()}" if self.request.GET else ""
        return self.render_to_response(
            self.get_context_data(form=form, result=result, lines=result.lines(), pdf_url=pdf_url)
        )


class NyGuidelineView(_CalculatorView):
    jurisdiction = "NY"
    form_class = NyGuidelineForm
    calculator = staticmethod(ny_guideline)


class CaGuidelineView(_CalculatorView):
    jurisdiction = "CA"
    form_class = CaGuidelineForm
    calculator = staticmethod(ca_guideline)


class _WorksheetPdfMixin:
    """The worksheet as a PDF; without valid inputs, back to the page (which shows the errors)."""

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        result = self.result_or_errors(form) if request.GET and form.is_valid() else None
        if result is None:
            page = reverse(self.page_url_name)
            return redirect(f"{page}?{request.GET.urlencode()}" if request.GET else page)
        inputs = labelled_inputs(form, form.cleaned_data)
        body = worksheet_pdf(
            title=self.title,
            subtitle=self.subtitle,
            inputs=inputs,
            columns=self.columns,
            lines=result.lines(),
            notes=result.notes,
            parameters=result.parameters,
        )
        return pdf_response(body, self.filename)


class NyWorksheetPdfView(_WorksheetPdfMixin, NyGuidelineView):
    filename = "cssa-worksheet.pdf"


class CaWorksheetPdfView(_WorksheetPdfMixin, CaGuidelineView):
    filename = "ca-guideline-worksheet.pdf"
