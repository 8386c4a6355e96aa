"""The desk's project pages: details, public text, publication, agreement, sites, reports."""

from django.urls import path

from . import desk_views

app_name = "project_desk"

urlpatterns = [
    path("", desk_views.project_list, name="list"),
    path("<int:pk>/", desk_views.project_detail, name="detail"),
    path("sites/", desk_views.site_list, name="sites"),
]
