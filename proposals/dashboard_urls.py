"""URLs of the dashboard pages, included in the desk's namespace (see desk_urls.py)."""

from django.urls import path

from . import dashboard_views

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
]
