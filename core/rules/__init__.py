"""Who may see and do what: every permission of Kyoso Desk, in one place.

Each rule is a predicate ``(user[, object]) -> bool`` in one of the modules of this package:
``roles`` (who someone is, and which portal they work in), ``proposals`` (proposals, dialogue,
files, referrals), ``calls`` (themed calls, issues, reviews), ``people`` (organisations,
departments, accounts) and ``projects``. Nothing else in the code tests a role: views,
templates, forms, the menu, services, admin and the FSM transitions all ask these — directly
(``rules.can_view_proposal(user, proposal)``) or as Django permissions (``user.has_perm(
"kyoso.view_proposal", proposal)``, ``{% if perms.kyoso.use_back_office %}``, the
``core.permissions.permission_required`` decorator), which are the same predicates registered
below with django-rules. ``tests/core/test_role_checks.py`` scans the code for role tests
anywhere else.

The rules follow product.md:

* a business member sees only its own organisation's proposals (drafts included);
* desk staff and the desk manager see every proposal that has been submitted — never a
  draft, which is the business's private workspace;
* a department member sees only proposals referred to its department;
* a reviewer sees only proposals assigned to it where it has not declared a conflict, and not
  the business's identity when the call is blind;
* an administrator manages people and reference data, and may read everything;
* the public sees no proposal at all (adopted projects are published separately).

Objects are read by attribute (``proposal.organization_id`` …), so the rules import no domain
app and every app can depend on them.
"""

from __future__ import annotations

import rules as django_rules

from .calls import (
    SCORABLE_STATES,
    can_ask_about_theme,
    can_edit_theme,
    can_manage_reviews,
    can_manage_themes,
    can_present_issues,
    can_review,
    can_see_other_scores,
)
from .people import (
    can_edit_organization,
    can_invite_members,
    can_manage_people,
    can_view_department_portal,
    can_view_organization,
    can_view_status_details,
)
from .projects import (
    can_approve_project_text,
    can_manage_project,
    can_manage_sites,
    can_publish_project,
    can_report_on_project,
    can_view_project,
    can_view_site_bookings,
    projects_visible_q,
)
from .proposals import (
    ALL_ACTIONS,
    BUSINESS_ACTIONS,
    DESK_ACTIONS,
    MANAGER_ACTIONS,
    can_answer_referral,
    can_change_attachments,
    can_discuss_referral,
    can_download_attachment,
    can_edit_proposal,
    can_post_message,
    can_read_dialogue,
    can_read_message,
    can_refer,
    can_use_back_office,
    can_view_business_identity,
    can_view_decision_notice,
    can_view_full_log,
    can_view_internal_notes,
    can_view_opinions,
    can_view_proposal,
    can_view_receipt,
    can_view_referral,
    identity_hidden_by_blind_review,
    is_own_organization,
    may_transition,
    message_visibilities_for,
    proposals_visible_q,
    referrals_visible_q,
)
from .roles import (
    can_use_business_portal,
    can_use_department_portal,
    can_use_reviewer_portal,
    is_administrator,
    is_business,
    is_department_member,
    is_desk,
    is_desk_manager,
    is_reviewer,
    works_for_the_city,
)

__all__ = [
    "SCORABLE_STATES",
    "ALL_ACTIONS",
    "BUSINESS_ACTIONS",
    "DESK_ACTIONS",
    "MANAGER_ACTIONS",
    "PERMISSIONS",
    "can_answer_referral",
    "can_approve_project_text",
    "can_ask_about_theme",
    "can_change_attachments",
    "can_discuss_referral",
    "can_download_attachment",
    "can_edit_organization",
    "can_edit_proposal",
    "can_edit_theme",
    "can_invite_members",
    "can_manage_people",
    "can_manage_project",
    "can_manage_reviews",
    "can_manage_sites",
    "can_manage_themes",
    "can_post_message",
    "can_present_issues",
    "can_publish_project",
    "can_read_dialogue",
    "can_read_message",
    "can_refer",
    "can_report_on_project",
    "can_review",
    "can_see_other_scores",
    "can_use_back_office",
    "can_use_business_portal",
    "can_use_department_portal",
    "can_use_reviewer_portal",
    "can_view_business_identity",
    "can_view_decision_notice",
    "can_view_department_portal",
    "can_view_full_log",
    "can_view_internal_notes",
    "can_view_opinions",
    "can_view_organization",
    "can_view_project",
    "can_view_proposal",
    "can_view_receipt",
    "can_view_referral",
    "identity_hidden_by_blind_review",
    "can_view_site_bookings",
    "can_view_status_details",
    "is_administrator",
    "is_business",
    "is_department_member",
    "is_desk",
    "is_desk_manager",
    "is_own_organization",
    "is_reviewer",
    "is_rule",
    "may_transition",
    "message_visibilities_for",
    "projects_visible_q",
    "proposals_visible_q",
    "referrals_visible_q",
    "works_for_the_city",
]

#: Every predicate, as the Django permission ``kyoso.<name>``. Object permissions take the
#: object (``user.has_perm("kyoso.view_proposal", proposal)``); the others take none and are
#: what the menu and whole-page gates ask.
PERMISSIONS = {
    # Portals and whole areas (no object)
    "kyoso.use_back_office": can_use_back_office,
    "kyoso.use_business_portal": can_use_business_portal,
    "kyoso.use_department_portal": can_use_department_portal,
    "kyoso.use_reviewer_portal": can_use_reviewer_portal,
    "kyoso.manage_themes": can_manage_themes,
    "kyoso.present_issues": can_present_issues,
    "kyoso.manage_reviews": can_manage_reviews,
    "kyoso.manage_people": can_manage_people,
    "kyoso.manage_sites": can_manage_sites,
    "kyoso.view_status_details": can_view_status_details,
    # Proposals
    "kyoso.own_proposal": is_own_organization,
    "kyoso.view_proposal": can_view_proposal,
    "kyoso.edit_proposal": can_edit_proposal,
    "kyoso.view_internal_notes": can_view_internal_notes,
    "kyoso.view_full_log": can_view_full_log,
    "kyoso.view_business_identity": can_view_business_identity,
    "kyoso.read_dialogue": can_read_dialogue,
    "kyoso.read_message": can_read_message,
    "kyoso.post_message": lambda user, proposal: can_post_message(user, proposal),
    "kyoso.download_attachment": can_download_attachment,
    "kyoso.view_receipt": can_view_receipt,
    "kyoso.change_attachments": can_change_attachments,
    "kyoso.view_decision_notice": can_view_decision_notice,
    "kyoso.refer": can_refer,
    "kyoso.view_referral": can_view_referral,
    "kyoso.answer_referral": can_answer_referral,
    "kyoso.discuss_referral": can_discuss_referral,
    "kyoso.view_opinions": can_view_opinions,
    # Calls and reviews
    "kyoso.edit_theme": can_edit_theme,
    "kyoso.ask_about_theme": lambda user, theme: can_ask_about_theme(user, theme),
    "kyoso.review": can_review,
    "kyoso.see_other_scores": can_see_other_scores,
    # People
    "kyoso.view_organization": can_view_organization,
    "kyoso.edit_organization": can_edit_organization,
    "kyoso.view_department_portal": can_view_department_portal,
    "kyoso.invite_members": can_invite_members,
    # Projects
    "kyoso.manage_project": can_manage_project,
    "kyoso.approve_project_text": can_approve_project_text,
    "kyoso.publish_project": can_publish_project,
    "kyoso.view_project": can_view_project,
    "kyoso.report_on_project": can_report_on_project,
    "kyoso.view_site_bookings": can_view_site_bookings,
}

for _name, _predicate in PERMISSIONS.items():
    django_rules.set_perm(_name, _predicate)


def is_rule(perm: str) -> bool:
    """Whether ``perm`` is one of ours (decided by a predicate above, never by a role flag)."""
    return perm in PERMISSIONS
