"""Running the demo seeding as ``make demo`` does, and counting what it wrote."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from core.models import Department, Organization, User
from projects.models import Project, Report, ReportFigure, Site, SiteBooking
from proposals.models import ConsentDocument, Proposal, ProposalTransition, Referral
from reviews.models import ReviewAssignment
from themes.models import Programme, Theme

# Every kind of row the demo writes.
MODELS = [
    Programme,
    ConsentDocument,
    Department,
    Organization,
    User,
    Theme,
    Proposal,
    ProposalTransition,
    Referral,
    ReviewAssignment,
    Project,
    Site,
    SiteBooking,
    Report,
    ReportFigure,
]


def seed(*args) -> str:
    """Run seed_demo (with ``args``, such as ``--if-empty``); what it printed."""
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}
