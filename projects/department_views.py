"""Placeholder: being written."""
from django.http import Http404


def site_bookings(request, *args, **kwargs):
    raise Http404
