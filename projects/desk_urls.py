"""The desk's project pages: details, public text, publication, agreement, sites, reports."""

from django.urls import path

from . import desk_views, site_views

app_name = "project_desk"

urlpatterns = [
    path("", desk_views.project_list, name="list"),
    path("<int:pk>/", desk_views.project_detail, name="detail"),
    # Each section of the project's page posts to its own address.
    path("<int:pk>/public-text/", desk_views.public_text, name="public_text"),
    path("<int:pk>/approve/", desk_views.approve_text, name="approve"),
    path("<int:pk>/publish/", desk_views.publish, name="publish"),
    path("<int:pk>/unpublish/", desk_views.unpublish, name="unpublish"),
    path("<int:pk>/details/", desk_views.details, name="details"),
    path("<int:pk>/agreement/", desk_views.agreement, name="agreement"),
    path("<int:pk>/start-field/", desk_views.start_field, name="start_field"),
    path("<int:pk>/complete/", desk_views.complete, name="complete"),
    path("<int:pk>/bookings/", desk_views.book_site, name="book_site"),
    path("bookings/<int:pk>/cancel/", desk_views.cancel_booking, name="cancel_booking"),
    path("reports/<int:pk>/review/", desk_views.review_report, name="review_report"),
    # Sites the city can provide.
    path("sites/", site_views.site_list, name="sites"),
    path("sites/new/", site_views.site_create, name="site_create"),
    path("sites/<int:pk>/", site_views.site_edit, name="site_edit"),
]
