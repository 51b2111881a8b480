"""Review and adjustment pages (45 CFR 303.8)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView

from core.views import PermissionMixin, ScopedQuerysetMixin

from ..models import OrderReview, SupportOrder
from ..services.reviews import review_calculate, review_complete, review_open
from .forms import CaReviewInputsForm, NyReviewInputsForm, ReviewCompleteForm
from .selectors import orders_due_for_review, reviews_open


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ReviewListView(PermissionMixin, TemplateView):
    permission_required = "cases.view_orderreview"
    template_name = "cases/reviews/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        due = orders_due_for_review(user=self.request.user, as_of=timezone.localdate())
        context.update(due=due[:100], due_count=due.count(), open_reviews=reviews_open(user=self.request.user)[:100])
        return context


class ReviewOpenView(PermissionMixin, View):
    permission_required = "cases.add_orderreview"
    http_method_names = ["post"]

    def post(self, request, order_id: int):
        order = SupportOrder.objects.select_related("case").get_for(request.user, "change", pk=order_id)
        try:
            review = review_open(order=order, by=request.user, requested_by=request.POST.get("requested_by", "agency"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect("reviews:list")
        messages.success(request, f"Review of order {order} opened.")
        return redirect("reviews:detail", pk=review.pk)


class ReviewDetailView(PermissionMixin, ScopedQuerysetMixin, DetailView):
    permission_required = "cases.view_orderreview"
    model = OrderReview
    template_name = "cases/reviews/detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("case", "order", "reviewer", "new_order")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        form_class = NyReviewInputsForm if review.guideline == "NY" else CaReviewInputsForm
        context.setdefault("inputs_form", form_class(initial=review.inputs or None))
        context.setdefault("complete_form", ReviewCompleteForm())
        context["obligations"] = review.order.obligations.all()
        return context


class _ReviewActionView(PermissionMixin, View):
    permission_required = "cases.change_orderreview"
    http_method_names = ["post"]

    def get_review(self, pk):
        return OrderReview.objects.select_related("case", "order").get_for(self.request.user, "change", pk=pk)

    def invalid(self, review, **forms):
        view = ReviewDetailView()
        view.setup(self.request, pk=review.pk)
        view.object = review
        return view.render_to_response(view.get_context_data(**forms))


class ReviewCalculateView(_ReviewActionView):
    def post(self, request, pk: int):
        review = self.get_review(pk)
        form = (NyReviewInputsForm if review.guideline == "NY" else CaReviewInputsForm)(request.POST)
        if not form.is_valid():
            return self.invalid(review, inputs_form=form)
        try:
            review_calculate(review=review, inputs=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("reviews:detail", pk=review.pk)


class ReviewCompleteView(_ReviewActionView):
    def post(self, request, pk: int):
        review = self.get_review(pk)
        form = ReviewCompleteForm(request.POST)
        if not form.is_valid():
            return self.invalid(review, complete_form=form)
        try:
            review_complete(review=review, outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
                            effective_on=form.cleaned_data["effective_on"], by=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
                form.add_error(field if field in form.fields else None, errors)
            if not hasattr(exc, "error_dict"):
                form.add_error(None, exc.messages)
            return self.invalid(review, complete_form=form)
        messages.success(request, "Review completed.")
        return redirect("reviews:detail", pk=review.pk)
