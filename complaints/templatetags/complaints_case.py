"""``{% load complaints_case %}{% case_complaints case %}`` on the case page: the case's complaints
and hearing requests, as far as the signed-in user may see them."""

from django import template

from complaints.selectors import for_case

register = template.Library()


@register.inclusion_tag("complaints/partials/case_complaints.html", takes_context=True)
def case_complaints(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"block": {}}
    return {"block": for_case(user=user, case=case)}
