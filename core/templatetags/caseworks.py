from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select, SelectMultiple

from core.money import fmt

register = template.Library()


@register.filter
def money(value) -> str:
    return "" if value is None else f"${fmt(value)}"


@register.filter
def widget_class(field) -> str:
    widget = field.field.widget
    if isinstance(widget, CheckboxInput):
        return "form-check-input"
    if isinstance(widget, (RadioSelect, CheckboxSelectMultiple)):
        return ""
    if isinstance(widget, (Select, SelectMultiple)):
        return "form-select"
    return "form-control"


@register.simple_tag
def render_widget(field, extra_class: str = ""):
    css = widget_class(field)
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{css} {extra_class}".strip()}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_help"
    return field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def case_panels(context, case):
    """The panels other apps contribute to the case page (``core.hooks.case_panels``), in order."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from core.hooks import case_panels_for

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return mark_safe("".join(  # noqa: S308 - each panel is a rendered, autoescaped template
        render_to_string(panel.template, {**panel.context, "case": case}, request=request)
        for panel in case_panels_for(user=user, case=case)))


@register.filter
def event_label(verb: str) -> str:
    """``{{ event.verb|event_label }}``: a domain event in words (``core.hooks.event_labels``)."""
    from core.hooks import event_label as label

    return label(str(verb or ""))
