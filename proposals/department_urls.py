"""The department portal: /department/…  (the referrals to one department)."""

from django.urls import path  # noqa: F401

app_name = "department"

urlpatterns: list = []
