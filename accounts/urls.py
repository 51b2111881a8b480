from django.urls import path

from . import mfa_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    # Multi-factor sign-in: the second step after the password.
    path("mfa/", mfa_views.MfaVerifyView.as_view(), name="mfa_verify"),
    path("mfa/setup/", mfa_views.MfaSetupView.as_view(), name="mfa_setup"),
    # Password reset by e-mail (Django's token views).
    path("password/reset/", mfa_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", mfa_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/", mfa_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("password/reset/done/", mfa_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
