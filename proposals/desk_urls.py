"""The desk's back office: /desk/…  (inbox, exports, dashboard)."""

from django.urls import path  # noqa: F401

app_name = "desk"

urlpatterns: list = []
