"""Sign-in, sign-out and password change, declared like every other view."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from core.models import AccessLog
from core.services import access_log_record
from core.views import LoginOnlyMixin, PublicMixin


class LoginView(PublicMixin, auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(PublicMixin, auth_views.LogoutView):
    pass


class PasswordChangeView(LoginOnlyMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        access_log_record(kind=AccessLog.Kind.PASSWORD_CHANGE, request=self.request)
        messages.success(self.request, "Your password was changed.")
        return response
