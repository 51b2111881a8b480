"""The admin site: Django's, with each user's list of apps and models made once per set of
permissions instead of on every admin page.

Every admin page shows the navigation sidebar, and Django builds its list (``get_app_list``) for
each request: every registered model's admin asked for its permissions and two URLs reversed for
each, about 20 ms a page with this project's ~100 admins (a fifth of a change page's time, issue
18.1). What it depends on is the user's permissions and flags, the language (model names) and the
URL prefix; the project's admins decide their permissions from those alone (for no object: the
app list asks for none). The list is kept per such key, and each page gets its own copy of the
lists in it (Django sorts them in place; the model entries are only read)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import get_script_prefix
from django.utils.translation import get_language

# Lists kept at most (distinct permissions × languages an admin process sees: a handful); past it
# the lists are made again.
KEPT_LISTS = 64


# Said on admin's sign-in page to a staff account that is not an administrator's.
ADMINISTRATORS_ONLY = (
    "Django admin is for administrators only: it reads every county's records. Use the office's pages."
)


class CaseworksAdminSite(admin.AdminSite):
    """Active superusers (administrators) only: admin reads no county scope (``restrict()``,
    ``cases.models.scope``), so a staff account of another role would read every county's cases
    there; ``is_staff`` alone lets no one in. Such an account is refused at admin's sign-in, and a
    signed-in one sent to it is told why (``templates/admin/caseworks_login.html``)."""

    site_header = "Caseworks administration"
    site_title = "Caseworks admin"
    login_template = "admin/caseworks_login.html"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: dict[tuple, list] = {}
        from .admin_forms import AdministratorAuthenticationForm  # auth's forms need the apps loaded

        self.login_form = AdministratorAuthenticationForm

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and request.user.is_superuser

    def login(self, request, extra_context=None):
        return super().login(request, {**(extra_context or {}), "administrators_only": ADMINISTRATORS_ONLY})

    def register(self, *args, **kwargs) -> None:
        super().register(*args, **kwargs)
        self._app_lists.clear()

    def unregister(self, *args, **kwargs) -> None:
        super().unregister(*args, **kwargs)
        self._app_lists.clear()

    def get_app_list(self, request, app_label=None):
        user = request.user
        key = (
            app_label,
            user.is_active,
            user.is_staff,
            user.is_superuser,
            # an active superuser has every permission (and asking for them all is a query)
            "all" if user.is_active and user.is_superuser else frozenset(user.get_all_permissions()),
            get_language(),
            get_script_prefix(),
            self.name,
        )
        made = self._app_lists.get(key)
        if made is None:
            made = super().get_app_list(request, app_label)
            if len(self._app_lists) >= KEPT_LISTS:
                self._app_lists.clear()
            self._app_lists[key] = made
        return [{**app, "models": list(app["models"])} for app in made]


class CaseworksAdminConfig(AdminConfig):
    """Django's admin app (``INSTALLED_APPS``), on this site: ``admin.site`` is a ``CaseworksAdminSite``."""

    default_site = "core.admin_site.CaseworksAdminSite"
