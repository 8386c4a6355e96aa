"""The desk's back office under /desk/, one namespace ("desk") made of one URL module per area."""

from django.urls import include, path

app_name = "desk"

urlpatterns = [
    path("", include("proposals.inbox_urls")),
    path("dashboard/", include("proposals.dashboard_urls")),
    path("referrals/", include("proposals.referral_urls")),
]
