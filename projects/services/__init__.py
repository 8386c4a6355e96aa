"""Every write with business meaning on projects, sites and reports.

Views, the admin, commands, tasks and the demo data call these functions, never the models'
fields directly. Each one checks who acts (``core.rules``), validates, writes in one
transaction, records what matters in the audit log, and tells the public site to refresh
when something the public sees has changed (``public_cache.public_data_changed``).

The project's status is never set here: it is read from the proposal's lifecycle, the one
owner of what happens after adoption. These services move the proposal with
``proposals.services.transition_proposal`` (audited in its log), and ``projects.receivers``
refreshes the public pages in the same transaction.

The package is split by area so each stays readable; everything public is importable from
``projects.services``.
"""

from .base import EARLIEST, LATEST, NotPermitted, ProjectError, SiteOverlap
from .lifecycle import (
    attach_agreement_document,
    complete,
    follow_proposal,
    record_agreement,
    start_field,
)
from .public import (
    approve_public_text,
    create_project_for,
    publish,
    unpublish,
    update_details,
    update_public_text,
)
from .reports import review_report, submit_report
from .sites import book_site, cancel_booking, save_site

__all__ = [
    "EARLIEST",
    "LATEST",
    "NotPermitted",
    "ProjectError",
    "SiteOverlap",
    "approve_public_text",
    "attach_agreement_document",
    "book_site",
    "cancel_booking",
    "complete",
    "create_project_for",
    "follow_proposal",
    "publish",
    "record_agreement",
    "review_report",
    "save_site",
    "start_field",
    "submit_report",
    "unpublish",
    "update_details",
    "update_public_text",
]
