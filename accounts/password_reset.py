"""Password reset by e-mail for staff (issue 12.4), on Django's token views.

The page answers the same whether or not an address belongs to anyone: the e-mail goes out from
the worker (``password_reset_email_task``), so neither the answer nor its timing says whether a
message was sent. Requests are limited per client address and per e-mail address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.mail import mail_link

from .models import User

WINDOW_SECONDS = 3600


def within_hourly_limit(*, bucket: str, key: str, limit: int) -> bool:
    """Count one request for ``key`` in this hour's window; False once over ``limit``.

    The counter lives in the cache (Redis in production), which is shared by the web processes.
    """
    name = f"caseworks:pwreset:{bucket}:{hashlib.sha256(key.encode()).hexdigest()}"
    cache.add(name, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit


def password_reset_email_send(*, user_id: int) -> bool:
    """E-mail a one-time reset link to an active user with a password. False if there is none."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": mail_link(path),
        "office_name": settings.CASEWORKS_OFFICE_NAME,
        "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    subject = render_to_string("registration/password_reset_subject.txt", context).strip().replace("\n", " ")
    body = render_to_string("registration/password_reset_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
