from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def case_link(case_number: str):
    """A link to the case page (plain text until the cases app has one)."""
    try:
        url = reverse("cases:case_detail", kwargs={"case_number": case_number})
    except NoReverseMatch:
        return case_number
    return format_html('<a href="{}">{}</a>', url, case_number)
