"""Every API call a valid key made is logged with the agency, the endpoint and the outcome, the
others counted per client and minute; staff pages need MFA."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.services import client_ip
from core.throttle import address_key

from .request_log import request_log_add, request_tally_add


class ApiRequestLogMiddleware:
    PREFIX = "/api/v1/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.PREFIX):
            key = getattr(request, "caseworks_api_key", None)
            if key is not None:
                # Successful reads are written in batches (accounts.request_log); writes and
                # denials at once.
                request_log_add(
                    agency_id=key.agency_id,
                    key_prefix=key.prefix,
                    method=(request.method or "")[:10],
                    path=request.path[:500],
                    status_code=response.status_code,
                    ip_address=client_ip(request),
                    at=timezone.now(),
                )
            else:
                # No valid key: anyone can send these, unthrottled, so no row each: counted per
                # client (IPv6 by /64) and minute, a refused real key named (accounts.request_log).
                refused = getattr(request, "caseworks_api_key_refused", None)
                address = client_ip(request)
                request_tally_add(
                    client=address_key(address),
                    key_prefix=refused.prefix if refused else "",
                    agency_id=refused.agency_id if refused else None,
                    method=(request.method or "")[:10],
                    path=request.path[:500],
                    status_code=response.status_code,
                    ip_address=address,
                    at=timezone.now(),
                )
        return response


class MfaRequiredMiddleware:
    """Staff pages open only after the second factor (accounts.mfa).

    A signed-in user who must give a second factor and has not is sent to enrol (no authenticator
    yet) or to enter a code. Let through: public views (sign-in, sign-out, password reset, public
    forms), the MFA pages themselves (``mfa_step = True``) and the partner API, which
    authenticates by key and ignores the session. Must come after OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not settings.CASEWORKS_MFA_REQUIRED:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        view = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None) or view_func
        if getattr(view, "access", None) == "public" or getattr(view, "mfa_step", False):
            return None
        if request.path.startswith("/api/"):
            return None
        from .mfa import is_enrolled, mfa_required_for

        if not mfa_required_for(user):
            return None
        target = reverse("mfa_verify" if is_enrolled(user) else "mfa_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
