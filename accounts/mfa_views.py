"""The second sign-in step (enrolment, code entry) and password reset by e-mail."""

from __future__ import annotations

from typing import cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View

from core import throttle
from core.models import AccessLog
from core.services import access_log_record
from core.views import LoginOnlyMixin, PublicMixin

from .forms import EnrolmentForm, SecondFactorForm, StaffPasswordResetForm
from .mfa import enrolment_confirm, enrolment_start, is_enrolled, mfa_required_for, second_factor_verify
from .models import User
from .password_reset import within_hourly_limit

RECOVERY_CODES_LOW = 3


class MfaStepMixin(LoginOnlyMixin):
    """A page of the second sign-in step: open to a signed-in user who has not given it yet."""

    mfa_step = True
    request: HttpRequest

    def staff(self) -> User:
        return cast(User, self.request.user)  # LoginRequiredMixin has let only signed-in users in

    def next_url(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return candidate
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def with_next(self, name: str) -> str:
        return f"{reverse(name)}?{urlencode({'next': self.next_url()})}"

    def not_needed(self) -> bool:
        user = self.request.user
        return not mfa_required_for(user) or user.is_verified()  # type: ignore[union-attr]  # OTPMiddleware


class MfaVerifyView(MfaStepMixin, View):
    """Enter a code from the authenticator app (or a recovery code) after the password."""

    template_name = "registration/mfa_verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if self.not_needed():
            return redirect(self.next_url())
        if not is_enrolled(request.user):
            return redirect(self.with_next("mfa_setup"))
        return self.page(SecondFactorForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if self.not_needed():
            return redirect(self.next_url())
        if not is_enrolled(request.user):
            return redirect(self.with_next("mfa_setup"))
        form = SecondFactorForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        result = second_factor_verify(request=request, user=self.staff(), code=form.cleaned_data["code"])
        if result.ok:
            if result.recovery_left is not None:
                level = messages.WARNING if result.recovery_left <= RECOVERY_CODES_LOW else messages.INFO
                messages.add_message(
                    request,
                    level,
                    f"Recovery code accepted; {result.recovery_left} left. "
                    "Lost your authenticator? Ask an administrator to reset it.",
                )
            return redirect(self.next_url())
        if result.locked_out:
            # Too many wrong codes: the same lockout as wrong passwords. AxesMiddleware answers.
            logout(request)
            return render(request, "registration/locked_out.html", status=429)
        if result.wait_until is not None:
            form.add_error(None, "Too many wrong codes. Wait a few seconds, then try again.")
        else:
            form.add_error("code", "That code is not valid. Enter the current 6-digit code or an unused recovery code.")
        return self.page(form)

    def page(self, form) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "next": self.next_url()})


class MfaSetupView(MfaStepMixin, View):
    """Enrolment at the first sign-in: scan a QR code, confirm with a code, keep the recovery codes."""

    template_name = "registration/mfa_setup.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if self.not_needed():
            return redirect(self.next_url())
        if is_enrolled(request.user):
            return redirect(self.with_next("mfa_verify"))
        return self.page(EnrolmentForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if self.not_needed():
            return redirect(self.next_url())
        if is_enrolled(request.user):
            return redirect(self.with_next("mfa_verify"))
        form = EnrolmentForm(request.POST)
        if form.is_valid():
            codes = enrolment_confirm(request=request, user=self.staff(), code=form.cleaned_data["code"])
            if codes is not None:
                return render(
                    request, "registration/mfa_recovery_codes.html", {"codes": codes, "next": self.next_url()}
                )
            form.add_error(
                "code",
                "That code is not valid, or this enrolment lapsed. Scan the code below "
                "(it may be new) and enter the 6 digits the app shows now.",
            )
        return self.page(form)

    def page(self, form) -> HttpResponse:
        device = enrolment_start(user=self.staff())
        qr = segno.make(device.config_url(settings.CASEWORKS_OFFICE_NAME or "Caseworks"), error="m")
        secret = device.base32_key
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "next": self.next_url(),
                "qr_svg": qr.svg_inline(
                    scale=4,
                    border=4,
                    title="QR code for your authenticator app",
                    svgclass="mfa-qr",
                    dark="#000",
                    light="#fff",
                ),
                "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
                "lapses_minutes": settings.CASEWORKS_MFA_ENROLMENT_SECONDS // 60,
            },
        )


class PasswordResetView(PublicMixin, auth_views.PasswordResetView):
    """Ask for a reset link. The answer is the same whether or not the address belongs to anyone."""

    template_name = "registration/password_reset_form.html"
    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if not within_hourly_limit(
            bucket="ip", key=throttle.client_key(request), limit=settings.CASEWORKS_PASSWORD_RESET_PER_IP_HOURLY
        ):
            return render(request, "registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        allowed = within_hourly_limit(
            bucket="address", key=address, limit=settings.CASEWORKS_PASSWORD_RESET_PER_ADDRESS_HOURLY
        )
        access_log_record(
            kind=AccessLog.Kind.PASSWORD_RESET,
            request=self.request,
            user=None,
            detail={"stage": "requested", "address": address[:254], "rate_limited": not allowed},
        )
        if not allowed:
            return redirect(self.get_success_url())  # the same answer as a sent link
        return super().form_valid(form)


class PasswordResetDoneView(PublicMixin, auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class PasswordResetConfirmView(PublicMixin, auth_views.PasswordResetConfirmView):
    """Set a new password from the link. It does not sign in: the password and the second factor
    are asked for at the next sign-in."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        access_log_record(
            kind=AccessLog.Kind.PASSWORD_RESET, request=self.request, user=form.user, detail={"stage": "completed"}
        )
        return response


class PasswordResetCompleteView(PublicMixin, auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
