from django.conf import settings

from .navigation import menu_for


def caseworks(request):
    user = getattr(request, "user", None)
    return {
        "office_name": settings.CASEWORKS_OFFICE_NAME,
        "jurisdiction": settings.CASEWORKS_JURISDICTION,
        "nav_menu": menu_for(user) if user is not None else [],
    }
