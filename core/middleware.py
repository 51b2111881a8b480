"""Request plumbing: NUL-byte rejection, absolute session lifetime, no-store on personal pages."""

from __future__ import annotations

import time
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect


class RejectNulBytesMiddleware:
    """NUL bytes in the path or query string reach PostgreSQL and fail there: refuse them early."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("QUERY_STRING", "") + request.path
        if "\x00" in raw or "\x00" in unquote(raw):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "NUL bytes are not allowed in the URL."}, status=400)
            return HttpResponseBadRequest("NUL bytes are not allowed in the URL.")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """End a session after CASEWORKS_SESSION_ABSOLUTE_SECONDS, however active it is.

    The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST); a
    disabled user's sessions end on their next request because ModelBackend refuses inactive users.
    """

    KEY = "caseworks_session_started"
    SEEN = "caseworks_session_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(self.KEY)
            now = int(time.time())
            if started is None:
                request.session[self.KEY] = now
            elif now - started > settings.CASEWORKS_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
            # The idle timeout slides with activity without a session write on every GET (issue
            # 17.3): the session is saved — and its expiry moved SESSION_COOKIE_AGE ahead — when
            # the last save is CASEWORKS_SESSION_TOUCH_SECONDS old. A session thus ends at most
            # that much earlier than SESSION_COOKIE_AGE after the last request, never later.
            if now - request.session.get(self.SEEN, 0) >= settings.CASEWORKS_SESSION_TOUCH_SECONDS:
                request.session[self.SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and API answers carry personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL) and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class ApiJsonNotFoundMiddleware:
    """Under ``/api/`` a 404 is DRF's JSON ``{"detail": "Not found."}``, whoever produced it: a path no
    route matches, an ``<int:...>`` parameter given a non-integer (no route matches either), or a
    view's own ``Http404``. ``handler404`` covers this with DEBUG off; this also holds with DEBUG on
    (Django's technical 404 page) and for any HTML 404 a non-API view under /api/ might return."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse({"detail": "Not found."}, status=404)
        return response


class PublicLanguageMiddleware:
    """``?lang=es`` (the public pages' language switch): the language for this request and, through
    Django's language cookie, the ones after it. It runs before ``LocaleMiddleware``, which then picks
    the cookie over ``Accept-Language``. An unknown code is ignored (the browser's language holds).

    Only views that declare ``public_language = True`` (the complaint form, the status lookup, the
    survey, public announcements) follow the reader's language: staff pages stay in the office's
    default language (issue 15.6), so their ``lang`` attribute stays true to their text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.translation import check_for_language

        # The query string is parsed only when it may name ``lang`` (a key may be percent-encoded):
        # a request whose view never reads its query string leaves it unparsed (tests/sweeps.py).
        query = request.META.get("QUERY_STRING", "")
        chosen = (request.GET.get("lang") or "").strip().lower()[:10] if "lang" in query or "%" in query else ""
        known = {code for code, _ in settings.LANGUAGES}
        if chosen not in known or not check_for_language(chosen):
            return self.get_response(request)
        request.COOKIES = {**request.COOKIES, settings.LANGUAGE_COOKIE_NAME: chosen}
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        from django.utils import translation

        view_class = getattr(view_func, "view_class", None)
        if not getattr(view_class, "public_language", False):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
        return None
