"""Irreversible actions ask first (issue 14.5): a confirmation page, no script needed.

A view that does something that cannot be undone (cancel a session, close a case, send a survey)
mixes in ``ConfirmStepMixin`` before its POST-only base. GET shows what will happen and a form that
POSTs back with ``confirmed=yes``; a POST without it (an old page's button, a crafted request)
shows the same page and changes nothing. The action itself stays in the view's ``post`` (which
calls the service), and the services refuse a repeat (a second cancel, a second send), so a
double-click or a replayed form never acts twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.template.response import TemplateResponse

CONFIRM_FIELD = "confirmed"


@dataclass(frozen=True)
class Confirmation:
    title: str
    consequences: list[str]
    button: str
    cancel_url: str
    danger: bool = True


class ConfirmStepMixin:
    """Put before the view's base class: ``class X(ConfirmStepMixin, ActionView)``; the base's
    ``post`` does the action, and runs only with ``confirmed=yes``. Access checks (the base's
    ``dispatch``) run before either answer."""

    http_method_names = ["get", "post"]
    confirm_template = "core/confirm.html"

    def __init_subclass__(cls, **kwargs):
        # A view's own ``post`` (the action) would come before this mixin's in the MRO: wrap it so
        # it runs only when confirmed, whichever class defines it.
        super().__init_subclass__(**kwargs)
        act = cls.__dict__.get("post")
        if act is None or getattr(act, "_confirmed_only", False):
            return

        @functools.wraps(act)
        def post(self, request, *args, **kw):
            if request.POST.get(CONFIRM_FIELD) != "yes":
                return self.ask(request, *args, **kw)
            return act(self, request, *args, **kw)

        post._confirmed_only = True
        cls.post = post

    def get_confirmation(self, request, *args, **kwargs) -> Confirmation:  # pragma: no cover - overridden
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.ask(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get(CONFIRM_FIELD) != "yes":
            return self.ask(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    post._confirmed_only = True

    def ask(self, request, *args, **kwargs):
        confirmation = self.get_confirmation(request, *args, **kwargs)
        return TemplateResponse(
            request, self.confirm_template, {"confirmation": confirmation, "confirm_field": CONFIRM_FIELD}
        )
