from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select, SelectMultiple

from core.dates import display_date
from core.money import display
from core.navigation import menu_html

register = template.Library()


@register.filter
def money(value) -> str:
    """The one amount format: ``$1,250.00``, ``-$650.00`` (``core.money.display``)."""
    try:
        return display(value)
    except ValueError:
        return ""


@register.filter
def fdate(value, arg: str = "") -> str:
    """The one date format for pages and letters: ``Mar 3, 2026``; ``|fdate:"time"`` adds ``14:05``
    (``core.dates.display_date``)."""
    try:
        return display_date(value, with_time=arg == "time")
    except (AttributeError, TypeError, ValueError):
        return ""


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
def main_menu(context):
    """The sidebar's groups of links for the signed-in user (``nav_menu``, from the context
    processor), the current page's marked."""
    request = context.get("request")
    return menu_html(context.get("nav_menu") or [], request.path if request is not None else "")


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
    return mark_safe(  # noqa: S308 - each panel is a rendered, autoescaped template
        "".join(
            render_to_string(panel.template, {**panel.context, "case": case}, request=request)
            for panel in case_panels_for(user=user, case=case)
        )
    )


@register.filter
def words(name) -> str:
    """A stored key in words for a heading: "employers_created" → "Employers created"."""
    text = str(name or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def language_name(code) -> str:
    """``{{ person.preferred_language|language_name }}``: "es" → "Spanish" (Django's name of the
    language, in English on staff pages); a code Django does not know is shown as it is stored."""
    from django.utils.translation import get_language_info

    code = str(code or "")
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


@register.filter
def event_label(verb: str) -> str:
    """``{{ event.verb|event_label }}``: a domain event in words (``core.events.label_for``: the
    labels of each app's ``EVENT_VERBS``)."""
    from core.events import label_for

    return label_for(str(verb or ""))


@register.simple_tag(takes_context=True)
def sortable_th(context, key: str, label: str, css_class: str = "") -> str:
    """A sortable column header (``core.lists.ListViewMixin``): a link that sorts by ``key`` (and
    reverses when already sorted by it), ``aria-sort`` on the sorted column; keeps the filters."""
    from django.template.loader import render_to_string

    active = context.get("sort_key") == key
    descending = bool(context.get("sort_desc")) if active else False
    if key not in context.get("sortable", ()):
        from django.utils.html import format_html

        return format_html(
            '<th scope="col"{}>{}</th>', format_html(' class="{}"', css_class) if css_class else "", label
        )
    query = context["request"].GET.copy()
    query["sort"] = key if (not active or descending) else f"-{key}"
    query.pop("page", None)
    query.pop("export", None)
    return render_to_string(
        "partials/sortable_th.html",
        {"label": label, "active": active, "descending": descending, "query": query.urlencode(), "class": css_class},
    )
