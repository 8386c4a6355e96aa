"""A department's view of the sites it is in charge of and their bookings."""

from django.urls import path

from . import department_views

app_name = "project_department"

urlpatterns = [
    path("", department_views.site_bookings, name="bookings"),
]
