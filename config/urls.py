from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from core import account_views
from core import views as core_views
from projects import public_views

admin.site.site_header = "共創デスク / Kyoso Desk"
admin.site.site_title = "共創デスク"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon.
    path("favicon.ico", core_views.favicon),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Japanese at /, English at /en/: each language has its own addresses to link and bookmark.
urlpatterns += i18n_patterns(
    path("", public_views.home, name="home"),
    path("status", core_views.status_page, name="status"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("core.urls")),
    path("proposals/", include("proposals.urls")),
    path("themes/", include("themes.urls")),
    path("reviews/", include("reviews.urls")),
    path("projects/", include("projects.urls")),
    path("desk/projects/", include("projects.desk_urls")),
    path("desk/", include("proposals.desk_urls")),
    path("department/sites/", include("projects.department_urls")),
    path("department/", include("proposals.department_urls")),
    prefix_default_language=False,
)

# Our own error pages, in the visitor's language (core.error_views).
handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
