"""URLs of the desk's referral pages, included in the desk's namespace (see desk_urls.py):
/desk/referrals/…"""

from django.urls import path

from . import referral_views

urlpatterns = [
    path("new/<int:pk>/", referral_views.refer, name="refer"),
    path("<int:pk>/", referral_views.desk_referral, name="referral"),
]
