"""Review and adjustment pages (45 CFR 303.8)."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from core.dates import display_date
from core.http import pdf_response
from core.stale import carry_shown, shown_in
from core.views import ObjectDetailView, PermissionMixin, ServiceActionView

from ..guidelines.pdf import worksheet_pdf
from ..models import OrderReview, SupportOrder
from ..services.reviews import review_calculate, review_complete, review_open, review_shown
from .forms import CaReviewInputsForm, NyReviewInputsForm, ReviewCompleteForm
from .selectors import orders_due_for_review, review_worksheet, reviews_open


class ReviewListView(PermissionMixin, TemplateView):
    permission_required = "cases.view_orderreview"
    template_name = "cases/reviews/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        due = orders_due_for_review(user=self.request.user, as_of=timezone.localdate())
        context.update(due=due[:100], due_count=due.count(), open_reviews=reviews_open(user=self.request.user)[:100])
        return context


class ReviewOpenView(ServiceActionView):
    permission_required = "cases.add_orderreview"
    result_url_name = "reviews:detail"
    model = SupportOrder
    lookup_url_kwarg = "order_id"
    scope_action = "change"
    post_only = True

    def get_object_queryset(self):
        return SupportOrder.objects.select_related("case")

    def perform(self, data):
        return review_open(
            order=self.object, by=self.request.user, requested_by=self.request.POST.get("requested_by", "agency")
        )

    def get_success_message(self, review):
        return f"Review of order {self.object} opened."

    def get_return_url(self):
        return reverse("reviews:list")


class ReviewDetailView(ObjectDetailView):
    model = OrderReview
    template_name = "cases/reviews/detail.html"
    select_related = ("case", "order", "reviewer", "new_order")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.object
        form_class = NyReviewInputsForm if review.guideline == "NY" else CaReviewInputsForm
        context.setdefault("inputs_form", form_class(initial=review.inputs or None))
        # the completion decides on the figure shown here (core.stale): the form carries it
        context.setdefault("complete_form", carry_shown(ReviewCompleteForm(), values=review_shown(review)))
        context["obligations"] = review.order.obligations.all()
        context["worksheet"] = worksheet = review_worksheet(review)
        if worksheet:
            context["worksheet_pdf_url"] = reverse("reviews:worksheet_pdf", kwargs={"pk": review.pk})
        return context


class ReviewWorksheetPdfView(ObjectDetailView):
    """The review's stored calculation as the guideline's PDF worksheet (numbered lines, notes, the
    legal parameters used); 404 when nothing was calculated."""

    model = OrderReview

    def get(self, request, *args, **kwargs):
        review = self.get_object()
        worksheet = review_worksheet(review)
        if worksheet is None:
            raise Http404("This review has no worksheet to print.")
        body = worksheet_pdf(
            title=worksheet.title,
            subtitle=f"Review of order {review.order} · {worksheet.subtitle}",
            inputs=worksheet.inputs,
            columns=worksheet.columns,
            lines=worksheet.lines,
            notes=worksheet.result.notes,
            parameters=worksheet.result.parameters,
        )
        return pdf_response(body, f"review-{review.pk}-worksheet.pdf")


class _ReviewActionView(ServiceActionView):
    """A form of the review page: invalid input or a refusal shows the page again with the form's
    errors (``form_name`` is its name in the page's context)."""

    permission_required = "cases.change_orderreview"
    http_method_names = ["post"]
    model = OrderReview
    scope_action = "change"
    form_name = ""

    def get_object_queryset(self):
        return OrderReview.objects.select_related("case", "order")

    def form_invalid(self, form):
        view = ReviewDetailView()
        view.setup(self.request, pk=self.object.pk)
        view.object = self.object
        return view.render_to_response(view.get_context_data(**{self.form_name: form}))

    def get_success_url(self):
        return reverse("reviews:detail", kwargs={"pk": self.object.pk})


class ReviewCalculateView(_ReviewActionView):
    form_name = "inputs_form"

    def get_form_class(self):
        return NyReviewInputsForm if self.object.guideline == "NY" else CaReviewInputsForm

    def perform(self, data):
        review_calculate(review=self.object, inputs=data, by=self.request.user)


class ReviewCompleteView(_ReviewActionView):
    form_class = ReviewCompleteForm
    form_name = "complete_form"
    success_message = "Review completed."

    def get_form(self, form_class=None):
        return carry_shown(super().get_form(form_class))

    def perform(self, data):
        return review_complete(
            review=self.object,
            outcome=data["outcome"],
            reason=data["reason"],
            effective_on=data["effective_on"],
            by=self.request.user,
            shown=shown_in(data),
        )

    def get_success_message(self, review):
        new = review.new_order
        if new is None:
            return self.success_message
        asked = self.form.cleaned_data.get("effective_on")
        why = (
            "its first due date from today not yet charged"
            if asked is None
            else "its first due date on or after the date entered"
        )
        return f"Review completed. Order {new} is in effect from {display_date(new.effective_on)} ({why})."
