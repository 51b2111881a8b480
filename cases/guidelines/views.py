"""Worksheet pages for the guideline calculators (any signed-in staff member; no personal data)."""

from django.views.generic import FormView

from core.views import LoginOnlyMixin

from . import ca_guideline, ny_guideline, tables
from .forms import CaGuidelineForm, NyGuidelineForm


class _CalculatorView(LoginOnlyMixin, FormView):
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

    def form_valid(self, form):
        return self.render_to_response(self.get_context_data(form=form, result=self.calculate(form.cleaned_data)))


class NyGuidelineView(_CalculatorView):
    template_name = "cases/guidelines/ny.html"
    form_class = NyGuidelineForm

    def calculate(self, data):
        return ny_guideline(parent_incomes=(data["payor_income"], data["other_income"]),
                            children=data["children"], as_of=data["as_of"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(caps=tables.NY_INCOME_CAPS, low_income=tables.NY_LOW_INCOME,
                       percentages=sorted(tables.NY_PERCENTAGES.items()))
        return context


class CaGuidelineView(_CalculatorView):
    template_name = "cases/guidelines/ca.html"
    form_class = CaGuidelineForm

    def calculate(self, data):
        return ca_guideline(high_earner_net_monthly=data["high_earner_net_monthly"],
                            total_net_monthly=data["total_net_monthly"],
                            high_earner_timeshare=data["high_earner_timeshare"],
                            children=data["children"], as_of=data["as_of"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(band_tables=tables.CA_BAND_TABLES, multipliers=sorted(tables.CA_CHILD_MULTIPLIERS.items()))
        return context
