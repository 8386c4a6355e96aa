"""Placeholder: being written."""
from django.http import Http404


class ProjectFeed:
    def __call__(self, request, *args, **kwargs):
        raise Http404
