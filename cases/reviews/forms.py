from django import forms

from core.forms import DateInput

from ..choices import ReviewOutcome
from ..guidelines.forms import CaGuidelineForm, NyGuidelineForm


class NyReviewInputsForm(NyGuidelineForm):
    """The CSSA inputs without the date: a review calculates as of today."""

    as_of = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payor_income"].label = "NCP's annual gross income"
        self.fields["other_income"].label = "CP's annual gross income"


class CaReviewInputsForm(CaGuidelineForm):
    as_of = None
    payor_is_high_earner = forms.BooleanField(label="The NCP is the higher earner", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["low_income_threshold"]  # a review calculates as of today: the law sets the threshold


class ReviewCompleteForm(forms.Form):
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    effective_on = forms.DateField(
        required=False,
        widget=DateInput,
        help_text="For an adjustment: the new amount starts on the order's first due date on or after this date "
        "(a period already charged is not charged again). Blank: the first one from today not yet charged.",
    )
