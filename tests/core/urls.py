"""The project's URLs with the accounts pages in front, as config/urls.py includes them: the
accounts tests fall back to these when the site's own URLs do not name accounts:register, and
the anti-spam tests put their small views in front of them for the page layout.
"""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from config import urls as project_urls
from core import account_views

urlpatterns = [
    *i18n_patterns(
        path("accounts/login/", account_views.LoginView.as_view(), name="login"),
        path("accounts/", include("core.urls")),
        prefix_default_language=False,
    ),
    *project_urls.urlpatterns,
]
