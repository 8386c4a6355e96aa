"""URLs of the inbox pages, included in the desk's namespace (see desk_urls.py)."""

from django.urls import path

from . import desk_views

urlpatterns = [
    path("", desk_views.inbox, name="inbox"),
    path("assign/", desk_views.assign, name="assign"),
    path("export/", desk_views.export, name="export"),
    path("exports/<int:pk>/", desk_views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", desk_views.export_download, name="export_download"),
    path("exports/<int:pk>/retry/", desk_views.export_retry, name="export_retry"),
]
