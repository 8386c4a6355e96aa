"""Business accounts, included under ``accounts/`` inside i18n_patterns (namespace accounts).

Sign-in and sign-out keep their own names ("login", "logout") in config/urls.py.
"""

from django.urls import path

from . import account_views as views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/check-email/", views.check_email, name="check_email"),
    path("email/resend/", views.resend_verification, name="resend_verification"),
    path("email/resend/sent/", views.resend_verification_done, name="resend_verification_done"),
    path("email/confirm/<str:uidb64>/<str:token>/", views.verify, name="verify"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("organization/", views.organization, name="organization"),
    path("organizations/<int:pk>/", views.organization, name="organization_detail"),
    path("organizations/<int:pk>/invite/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
