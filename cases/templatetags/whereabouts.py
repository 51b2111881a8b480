"""``{% fvi_set_event person as event %}``: the event that set a person's family violence indicator
(``None`` when not set, or set where no event was written: case opening, a merge, admin)."""

from __future__ import annotations

from django import template

from ..services.whereabouts import fvi_set_event as _fvi_set_event

register = template.Library()


@register.simple_tag
def fvi_set_event(person):
    return _fvi_set_event(person)
