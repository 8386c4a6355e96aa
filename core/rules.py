"""Who may see and do what: every object-level permission of Kyoso Desk, in one place.

Views, services, admin and the FSM transitions all ask these functions; nothing else
decides access. The rules follow product.md:

* a business member sees only its own organisation's proposals (drafts included);
* desk staff and the desk manager see every proposal that has been submitted — never a
  draft, which is the business's private workspace;
* a department member sees only proposals referred to its department;
* a reviewer sees only proposals assigned to it where it has not declared a conflict;
* an administrator manages people and reference data, and may read everything;
* the public sees no proposal at all (adopted projects are published separately).

Objects are read by attribute (``proposal.organization_id`` …) so this module imports no
models at load time and every app can depend on it.
"""

from __future__ import annotations

from django.db.models import Q

# Which role may take which lifecycle action. Every transition method on Proposal must be
# named here (a test checks), so a new transition cannot silently be open to everybody.
BUSINESS_ACTIONS = frozenset({"submit", "resubmit", "withdraw"})
DESK_ACTIONS = frozenset({
    "start_dialogue", "request_revision", "start_coordination", "return_to_dialogue",
    "start_review", "not_accept", "close_consultation", "conclude_agreement", "start_field",
    "complete",
})
MANAGER_ACTIONS = frozenset({"adopt", "decline"})
ALL_ACTIONS = BUSINESS_ACTIONS | DESK_ACTIONS | MANAGER_ACTIONS


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


# --- Proposals ------------------------------------------------------------------------------

def is_own_organization(user, proposal) -> bool:
    return (_active(user) and user.is_business and user.organization_id is not None
            and user.organization_id == proposal.organization_id)


def can_view_proposal(user, proposal) -> bool:
    if not _active(user):
        return False
    if is_own_organization(user, proposal):
        return True
    if proposal.state == "draft":
        return False
    if user.is_desk or user.is_administrator:
        return True
    if user.is_department_member:
        return proposal.referrals.filter(department_id=user.department_id).exists()
    if user.is_reviewer:
        return proposal.review_assignments.filter(
            reviewer_id=user.pk, conflict_declared=False).exists()
    return False


def proposals_visible_q(user) -> Q:
    """The same rule as ``can_view_proposal``, as a filter for lists.

    Referrals and assignments are tested with EXISTS, not joins, so a list never needs
    DISTINCT and its row count is never multiplied.
    """
    from django.apps import apps
    from django.db.models import Exists, OuterRef

    nothing = Q(pk__in=[])
    if not _active(user):
        return nothing
    if user.is_business:
        return Q(organization_id=user.organization_id) if user.organization_id else nothing
    submitted = ~Q(state="draft")
    if user.is_desk or user.is_administrator:
        return submitted
    if user.is_department_member:
        referral = apps.get_model("proposals", "Referral")
        return submitted & Q(Exists(referral.objects.filter(
            proposal_id=OuterRef("pk"), department_id=user.department_id)))
    if user.is_reviewer:
        assignment = apps.get_model("reviews", "ReviewAssignment")
        return submitted & Q(Exists(assignment.objects.filter(
            proposal_id=OuterRef("pk"), reviewer_id=user.pk, conflict_declared=False)))
    return nothing


def can_edit_proposal(user, proposal) -> bool:
    """Change the content: the business, while it is a draft or more is asked of it."""
    return is_own_organization(user, proposal) and proposal.state in ("draft", "revision_requested")


def can_view_internal_notes(user, proposal) -> bool:
    """Internal notes and department opinions: the desk only."""
    return _active(user) and user.is_desk and proposal.state != "draft"


def can_view_full_log(user, proposal) -> bool:
    """The internal transition log (who at the city did what). The business sees its own
    timeline with business-facing labels instead."""
    return _active(user) and (user.is_desk or user.is_administrator) and proposal.state != "draft"


def can_view_business_identity(user, proposal) -> bool:
    """Contact data of the proposer. A call configured as blind hides it from reviewers."""
    if not can_view_proposal(user, proposal):
        return False
    if user.is_reviewer:
        theme = proposal.theme if proposal.theme_id else None
        return not (theme is not None and theme.is_blind)
    return True


def may_transition(user, proposal, action: str) -> bool:
    """May ``user`` take lifecycle ``action`` on ``proposal``? (Not whether the state allows it.)"""
    if not _active(user):
        return False
    if action in BUSINESS_ACTIONS:
        return is_own_organization(user, proposal)
    if action in MANAGER_ACTIONS:
        allowed = user.is_desk_manager
    elif action in DESK_ACTIONS:
        allowed = user.is_desk
    else:
        return False
    # The desk never acts on (or learns of) a draft it cannot see.
    return allowed and can_view_proposal(user, proposal)


# --- Dialogue and files ---------------------------------------------------------------------

def can_read_dialogue(user, proposal) -> bool:
    """The thread between the business and the desk: those two only, never departments or
    reviewers."""
    if not can_view_proposal(user, proposal) or proposal.state == "draft":
        return False
    return is_own_organization(user, proposal) or user.is_desk


def can_read_message(user, message) -> bool:
    proposal = message.proposal
    if message.visibility == "internal":
        return can_view_internal_notes(user, proposal)
    return can_read_dialogue(user, proposal)


def message_visibilities_for(user, proposal) -> tuple[str, ...]:
    """Which messages of ``proposal`` ``user`` reads (for list filters)."""
    if not can_read_dialogue(user, proposal):
        return ()
    if can_view_internal_notes(user, proposal):
        return ("business", "internal")
    return ("business",)


def can_post_message(user, proposal, visibility: str = "business") -> bool:
    if visibility == "internal":
        return can_view_internal_notes(user, proposal)
    return can_read_dialogue(user, proposal)


def can_download_attachment(user, attachment) -> bool:
    if attachment.message_id:
        return can_read_message(user, attachment.message)
    # A proposal's own files often name the business: a blind call's reviewers get none.
    return (can_view_proposal(user, attachment.proposal)
            and can_view_business_identity(user, attachment.proposal))


def can_view_receipt(user, proposal) -> bool:
    """The receipt (受付票) is the business's document, addressed to it: the business and the
    city's desk (and administrators) only — it names the business, so never reviewers."""
    if not proposal.receipt_number or not can_view_proposal(user, proposal):
        return False
    return is_own_organization(user, proposal) or user.is_desk or user.is_administrator


def can_change_attachments(user, proposal) -> bool:
    """Add or remove the proposal's own files: whoever may edit its content."""
    return can_edit_proposal(user, proposal)


# --- Back office and department portal ------------------------------------------------------

def can_use_back_office(user) -> bool:
    """The inbox, dashboard, exports, assignment: desk staff and the desk manager."""
    return _active(user) and user.is_desk


def can_refer(user, proposal) -> bool:
    """Refer a proposal to departments: the desk, once it is submitted and still open."""
    return can_use_back_office(user) and proposal.state in (
        "submitted", "dialogue", "revision_requested", "coordination", "review")


def can_view_referral(user, referral) -> bool:
    if not _active(user):
        return False
    if user.is_desk:
        return True
    return user.is_department_member and user.department_id == referral.department_id


def referrals_visible_q(user) -> Q:
    if not _active(user):
        return Q(pk__in=[])
    if user.is_desk:
        return Q()
    if user.is_department_member:
        return Q(department_id=user.department_id)
    return Q(pk__in=[])


def can_answer_referral(user, referral) -> bool:
    """The referred department answers (and may revise its answer) while the case is open."""
    return (_active(user) and user.is_department_member
            and user.department_id == referral.department_id
            and referral.proposal.state in ("submitted", "dialogue", "revision_requested",
                                            "coordination", "review"))


def can_discuss_referral(user, referral) -> bool:
    """Questions between the referred department and the desk."""
    return can_view_referral(user, referral)


def can_view_opinions(user, proposal) -> bool:
    """All departments' opinions side by side: the desk only (a department sees its own)."""
    return _active(user) and user.is_desk and proposal.state != "draft"


# --- Themed calls and reviews ---------------------------------------------------------------

def can_manage_themes(user) -> bool:
    """Open calls, publish documents, answer questions: the desk."""
    return _active(user) and user.is_desk


def can_present_issues(user) -> bool:
    """Departments present their own issues (課題提示); the desk opens calls and issues."""
    return _active(user) and (user.is_desk or user.is_department_member)


def can_edit_theme(user, theme) -> bool:
    """The desk edits any call; a department only the issues it presents itself."""
    if not _active(user):
        return False
    if user.is_desk:
        return True
    return (user.is_department_member and theme.kind == "issue"
            and theme.department_id == user.department_id)


def can_ask_about_theme(user, theme, when=None) -> bool:
    """A registered business asks during the call's question period."""
    return (_active(user) and user.is_business and theme.is_published
            and theme.accepts_questions_at(when))


def can_manage_reviews(user) -> bool:
    """Assign reviewers, see every score and the ranking, close a round: the desk."""
    return _active(user) and user.is_desk


def can_review(user, assignment) -> bool:
    """The assigned reviewer, without a declared conflict, until the round is closed."""
    return (_active(user) and user.is_reviewer and assignment.reviewer_id == user.pk
            and not assignment.conflict_declared and assignment.closed_at is None)


def can_see_other_scores(user, assignment) -> bool:
    """A reviewer sees the others' scores and the aggregate only after submitting its own."""
    if can_manage_reviews(user):
        return True
    return (_active(user) and user.is_reviewer and assignment.reviewer_id == user.pk
            and not assignment.conflict_declared and assignment.submitted_at is not None)


# --- Organisations, departments, people -----------------------------------------------------

def can_view_organization(user, organization) -> bool:
    if not _active(user):
        return False
    if user.is_business:
        return user.organization_id == organization.pk
    return user.is_desk or user.is_administrator


def can_edit_organization(user, organization) -> bool:
    if not _active(user):
        return False
    if user.is_business:
        return user.organization_id == organization.pk
    return user.is_administrator


def can_view_department_portal(user, department) -> bool:
    return _active(user) and user.is_department_member and user.department_id == department.pk


def can_invite_members(user, organization) -> bool:
    return _active(user) and user.is_business and user.organization_id == organization.pk


def can_manage_people(user) -> bool:
    """Create users, assign roles, edit departments and programmes."""
    return _active(user) and user.is_administrator


def can_view_status_details(user) -> bool:
    """The status page shows configuration details only to the city's staff."""
    return _active(user) and (user.is_desk or user.is_administrator)


# --- Projects (after adoption) --------------------------------------------------------------
# The public sees only published projects' approved text (projects.models.ProjectQuerySet
# .published); everything below is about the back office and the partner business.

def can_manage_project(user, project) -> bool:
    """Edit a project's details and public draft, record the agreement, book sites, review
    reports, move it to the field and complete it: the desk."""
    return _active(user) and user.is_desk


def can_approve_project_text(user, project) -> bool:
    """Approve the public title and summary: the desk manager only."""
    return _active(user) and user.is_desk_manager


def can_publish_project(user, project) -> bool:
    """Put a project on the public list or take it off: the desk manager only."""
    return _active(user) and user.is_desk_manager


def can_view_project(user, project) -> bool:
    """The project's working page (agreement, sites, reports): the desk, the partner business
    and the departments the project belongs to."""
    if not _active(user):
        return False
    if user.is_desk:
        return True
    if user.is_business:
        return user.organization_id == project.proposal.organization_id
    if user.is_department_member:
        return project.departments.filter(pk=user.department_id).exists()
    return False


def projects_visible_q(user) -> Q:
    """The projects ``user`` may open (same decision as ``can_view_project``), as a filter."""
    if not _active(user):
        return Q(pk__in=[])
    if user.is_desk:
        return Q()
    if user.is_business:
        return Q(proposal__organization_id=user.organization_id)
    if user.is_department_member:
        return Q(departments=user.department_id)
    return Q(pk__in=[])


def can_report_on_project(user, project) -> bool:
    """Submit progress and final reports: members of the partner business."""
    return (_active(user) and user.is_business
            and user.organization_id == project.proposal.organization_id)


def can_manage_sites(user) -> bool:
    """Register facilities and places the city can provide: the desk and administrators."""
    return _active(user) and (user.is_desk or user.is_administrator)


def can_view_site_bookings(user, department) -> bool:
    """The bookings on a department's sites: that department and the desk."""
    if not _active(user):
        return False
    return user.is_desk or (user.is_department_member and user.department_id == department.pk)


def can_view_decision_notice(user, proposal) -> bool:
    """The decision notice (採択通知書 / 不採択通知書) is addressed to the business, like the
    receipt: the business, the desk and administrators — never departments or reviewers. Only
    a proposal that was adopted (and whatever followed) or declined has one."""
    decided = ("adopted", "agreement", "in_field", "completed", "declined")
    if not _active(user) or proposal.state not in decided or not proposal.receipt_number:
        return False
    return is_own_organization(user, proposal) or user.is_desk or user.is_administrator
