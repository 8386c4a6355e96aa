"""Reads that pages, open data, feeds and the static export share.

``public_projects`` is the only way public code gets projects: published, approved text,
with everything a list row shows fetched in a fixed number of queries.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse

from core import rules
from core.models import Department
from proposals.states import ADOPTED_STATES

from .models import Field, Project

#: The columns of a project that a row of the public list shows (``for_list_rows``); the
#: status comes with every row of ``Project.objects`` (read from the proposal).
LIST_ROW_COLUMNS = (
    "fiscal_year",
    "programme",
    "public_title",
    "public_title_en",
    "partner_name",
    "locations",
    "locations_en",
    "period_start",
    "period_end",
    "programme__name",
    "programme__name_en",
)


def _fields():
    return Field.objects.order_by("sort_order", "pk")


def _departments():
    return Department.objects.order_by("pk")


def public_projects():
    """Published projects, newest fiscal year first, ready for a list (constant queries)."""
    return (
        Project.objects.published()
        .select_related("programme")
        .prefetch_related(
            Prefetch("fields", queryset=_fields()), Prefetch("departments", queryset=_departments())
        )
        .order_by("-fiscal_year", "-published_at", "-pk")
    )


def for_list_rows(queryset):
    """``queryset`` (from ``public_projects``) as the rows of the public list need it: only
    the columns a row shows, and the fields and departments as plain lists on
    ``list_fields`` and ``list_departments`` (same order, same number of queries).

    A prefetch into the related managers (what ``project.fields.all`` reads) builds a
    queryset for every project, which costs more than the rest of the row; plain lists do not.
    """
    return (
        queryset.only(*LIST_ROW_COLUMNS)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("fields", queryset=_fields(), to_attr="list_fields"),
            Prefetch("departments", queryset=_departments(), to_attr="list_departments"),
        )
    )


def public_project(pk: int) -> Project | None:
    return public_projects().filter(pk=pk).first()


def proposal_link(user, proposal) -> dict | None:
    """The project part of the shared proposal page (``proposals.panels``): the desk manages
    an adopted proposal's project, the business works on it. One query, only for adopted
    proposals (the project is created on adoption); None for everyone else."""
    if proposal.state not in ADOPTED_STATES:
        return None
    project = getattr(proposal, "project", None)  # None if there is none (yet)
    if project is None:
        return None
    if rules.can_manage_project(user, project):
        return {"url": reverse("project_desk:detail", kwargs={"pk": project.pk}), "desk": True}
    if rules.can_report_on_project(user, project):
        return {"url": reverse("projects:workspace", kwargs={"pk": project.pk}), "desk": False}
    return None
