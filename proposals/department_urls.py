"""The department portal: /department/…  (the referrals to one department)."""

from django.urls import path

from . import referral_views

app_name = "department"

urlpatterns = [
    path("", referral_views.portal, name="portal"),
    path("referrals/<int:pk>/", referral_views.department_referral, name="referral"),
]
