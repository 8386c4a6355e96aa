"""Placeholder: being written."""
from django.http import Http404


def opendata_index(request, *args, **kwargs):
    raise Http404


def projects_csv(request, *args, **kwargs):
    raise Http404


def projects_json(request, *args, **kwargs):
    raise Http404


def projects_pdf(request, *args, **kwargs):
    raise Http404
