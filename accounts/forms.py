"""Forms for the second sign-in step and password reset."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "text",
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=6,
        min_length=6,
        strip=True,
        help_text="The 6 digits the app shows for Caseworks.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}),
    )


class StaffPasswordResetForm(PasswordResetForm):
    """Django's form (active users with a usable password, matched case-insensitively), except that
    the e-mail is sent by the worker after the answer, so the answer's timing reveals nothing."""

    email = forms.EmailField(
        label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args, **kwargs) -> None:
        from .tasks import password_reset_email_task

        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(partial(password_reset_email_task.delay, user.pk))
