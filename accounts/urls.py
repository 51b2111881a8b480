from django.urls import include, path

from . import mfa_views, views

# Password reset by e-mail (Django's token views).
password_reset = [
    path("", mfa_views.PasswordResetView.as_view(), name="password_reset"),
    path("sent/", mfa_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("<uidb64>/<token>/", mfa_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("done/", mfa_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    # Multi-factor sign-in: the second step after the password.
    path("mfa/", mfa_views.MfaVerifyView.as_view(), name="mfa_verify"),
    path("mfa/setup/", mfa_views.MfaSetupView.as_view(), name="mfa_setup"),
    path("password/reset/", include(password_reset)),
]
