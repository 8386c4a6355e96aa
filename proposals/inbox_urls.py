"""URLs of the inbox pages, included in the desk's namespace (see desk_urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
