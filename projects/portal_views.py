"""Placeholder: being written."""
from django.http import Http404


def my_projects(request, *args, **kwargs):
    raise Http404


def workspace(request, *args, **kwargs):
    raise Http404


def new_report(request, *args, **kwargs):
    raise Http404


def report_detail(request, *args, **kwargs):
    raise Http404


def report_file(request, *args, **kwargs):
    raise Http404


def agreement_document(request, *args, **kwargs):
    raise Http404
