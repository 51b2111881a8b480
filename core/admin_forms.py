"""The admin's sign-in form (``core.admin_site``): apart, since auth's forms need the apps loaded."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from .admin_site import ADMINISTRATORS_ONLY


class AdministratorAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in: a staff account that is not an administrator's (an active superuser)
    is refused, and told why."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(ADMINISTRATORS_ONLY, code="administrators_only")
