"""Reads that pages, open data, feeds and the static export share.

``public_projects`` is the only way public code gets projects: published, approved text,
with everything a list row shows fetched in a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Prefetch

from core.models import Department

from .models import Field, Project


def public_projects():
    """Published projects, newest fiscal year first, ready for a list (constant queries)."""
    return (Project.objects.published()
            .select_related("programme")
            .prefetch_related(
                Prefetch("fields", queryset=Field.objects.order_by("sort_order", "pk")),
                Prefetch("departments", queryset=Department.objects.order_by("pk")))
            .order_by("-fiscal_year", "-published_at", "-pk"))


def public_project(pk: int) -> Project | None:
    return public_projects().filter(pk=pk).first()
