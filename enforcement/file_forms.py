"""Forms of the payment-file, disbursement-file and bank reconciliation pages."""

from __future__ import annotations

import django_filters
from django import forms

from core.forms import DateInput

from .choices import ExceptionKind, ExceptionStatus, MatchStatus, PaymentFileStatus, StatementStatus
from .models import BankStatement, BankTransaction, PaymentFile, ReconciliationException
from .services.payments import MAX_FILE_BYTES


class _UploadForm(forms.Form):
    file = forms.FileField(help_text="At most 25 MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 25 MB.")
        return upload


class PaymentFileUploadForm(_UploadForm):
    file = forms.FileField(
        label="NACHA CCD+ payment file", help_text="Employer child support payments with DED addenda. At most 25 MB."
    )


class BankStatementUploadForm(_UploadForm):
    file = forms.FileField(label="BAI2 bank statement", help_text="At most 25 MB.")


class NachaReturnUploadForm(_UploadForm):
    file = forms.FileField(
        label="NACHA return file",
        help_text="Returns (R01–R85) and notifications of change for the office's disbursement files. At most 5 MB.",
    )


class ExceptionNoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, label="Working note")


class ExceptionResolveForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), min_length=5, max_length=1000, label="Resolution reason"
    )


class ReconciliationDayForm(forms.Form):
    day = forms.DateField(widget=DateInput, required=False, label="Day")


class PaymentFileFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentFileStatus.choices)
    name = django_filters.CharFilter(lookup_expr="icontains", max_length=100)

    class Meta:
        model = PaymentFile
        fields = ["status", "name"]


class BankStatementFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=StatementStatus.choices)

    class Meta:
        model = BankStatement
        fields = ["status"]


class BankTransactionFilterSet(django_filters.FilterSet):
    match_status = django_filters.ChoiceFilter(choices=MatchStatus.choices)

    class Meta:
        model = BankTransaction
        fields = ["match_status"]


class ReconciliationExceptionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExceptionStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ExceptionKind.choices)
    opened_before = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte", widget=DateInput)

    class Meta:
        model = ReconciliationException
        fields = ["status", "kind", "opened_before"]
