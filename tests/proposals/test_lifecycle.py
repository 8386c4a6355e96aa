"""The proposal lifecycle through ``services.transition_proposal``: who, from where, on what terms.

The cases are generated from the transitions declared on ``Proposal`` (django-fsm), so a new
transition or a new source state is covered without editing this file. Each source state is
reached by walking the real lifecycle with the real service (``factories.reach``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from core import rules
from core.dates import fiscal_year
from core.models import Role
from proposals import services
from proposals.models import ConsentDocument, Proposal, ProposalTransition
from proposals.states import Kind, Outcome, State
from themes.models import Theme

from .. import factories
from ..factories import ALL_TRANSITIONS, PATHS, actor_for, reach
from .helpers import BY_CASE, TRANSITION_CASES, db_state, kind_for

pytestmark = pytest.mark.unit

JST = ZoneInfo("Asia/Tokyo")

# --- the lifecycle as declared on the model ----------------------------------------------------
# The transitions and the shortest paths to their sources are in tests.factories, which walks
# them; the cases generated from them are in helpers.py.

TRANSITION_NAMES = sorted({t.name for t in ALL_TRANSITIONS})
ILLEGAL_CASES = [
    (action, state)
    for action in TRANSITION_NAMES
    for state in State.values
    if (action, state) not in BY_CASE
]

ROLE_NAMES = [
    "business",
    "colleague",
    "other_business",
    "desk_staff",
    "desk_manager",
    "department",
    "other_department",
    "reviewer",
    "other_reviewer",
    "administrator",
    "inactive",
    "anonymous",
]


def allowed_roles(action: str) -> set[str]:
    if action in rules.BUSINESS_ACTIONS:
        return {"business", "colleague"}
    if action in rules.MANAGER_ACTIONS:
        return {"desk_manager"}
    if action in rules.DESK_ACTIONS:
        return {"desk_staff", "desk_manager"}
    return set()


def user_for(role: str, people, action: str, proposal: Proposal):
    if role == "anonymous":
        return AnonymousUser()
    if role == "inactive":
        # The most dangerous inactive user: one who would be allowed if active.
        if action in rules.BUSINESS_ACTIONS:
            return factories.user(
                Role.BUSINESS, organization=proposal.organization, is_active=False
            )
        return factories.user(Role.DESK_MANAGER, is_active=False)
    return people[role]


def log_count(proposal: Proposal) -> int:
    return ProposalTransition.objects.filter(proposal=proposal).count()


def assert_untouched(proposal: Proposal, state: str, logs: int) -> None:
    assert db_state(proposal) == state
    assert proposal.state == state
    assert log_count(proposal) == logs


JA_CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ja" / "LC_MESSAGES" / "django.mo"


def message_in(language: str, call, error=services.LifecycleError) -> str:
    with translation.override(language):
        with pytest.raises(error) as info:
            call()
    return info.value.message


def assert_bilingual(call, english_fragment: str, error=services.LifecycleError) -> None:
    """English under override('en'); Japanese by default once a catalogue exists."""
    english = message_in("en", call, error)
    japanese = message_in("ja", call, error)
    assert english_fragment in english
    assert japanese.strip()
    if JA_CATALOGUE.exists():
        assert japanese != english, "the Japanese catalogue does not translate this message"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hundreds of tests create ten users each; the production hasher would take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the declaration itself --------------------------------------------------------------------


def test_every_transition_method_is_named_by_rules_and_service():
    method_names = set(TRANSITION_NAMES)
    assert method_names == set(rules.ALL_ACTIONS)
    assert method_names == set(services.ACTIONS)
    assert len(method_names) == 15


def test_action_groups_do_not_overlap_and_decisions_belong_to_the_manager():
    assert not rules.BUSINESS_ACTIONS & rules.DESK_ACTIONS
    assert not rules.BUSINESS_ACTIONS & rules.MANAGER_ACTIONS
    assert not rules.DESK_ACTIONS & rules.MANAGER_ACTIONS
    assert {"adopt", "decline"} <= rules.MANAGER_ACTIONS
    assert {"submit", "resubmit", "withdraw"} <= rules.BUSINESS_ACTIONS


def test_every_source_state_is_reachable_for_the_generated_cases():
    for action, source in TRANSITION_CASES:
        kind = kind_for(BY_CASE[(action, source)])
        assert source in PATHS[kind], (action, source, kind)
    # Every state of the lifecycle can be reached by some kind of request.
    assert set(State.values) == set(PATHS[Kind.PROPOSAL]) | set(PATHS[Kind.CONSULTATION])


# --- every transition, every source, every role ------------------------------------------------


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize(
    "action,source", TRANSITION_CASES, ids=[f"{a}-from-{s}" for a, s in TRANSITION_CASES]
)
def test_transition_by_role(people, action, source, role):
    t = BY_CASE[(action, source)]
    proposal = reach(source, people, kind=kind_for(t))
    user = user_for(role, people, action, proposal)
    logs = log_count(proposal)
    args = dict(factories.ACTION_ARGS.get(action, {}))

    if role in allowed_roles(action):
        entry = services.transition_proposal(proposal, action, user, **args)
        assert proposal.state == str(t.target)
        assert db_state(proposal) == str(t.target)
        assert log_count(proposal) == logs + 1
        assert entry.actor == user and entry.action == action
    else:
        with pytest.raises(services.NotPermitted) as info:
            services.transition_proposal(proposal, action, user, **args)
        assert info.value.message.strip()
        assert_untouched(proposal, source, logs)


@pytest.mark.parametrize(
    "action,state", ILLEGAL_CASES, ids=[f"{a}-in-{s}" for a, s in ILLEGAL_CASES]
)
def test_action_without_a_source_for_the_state_is_not_allowed_now(people, action, state):
    proposal = reach(state, people)
    logs = log_count(proposal)
    actor = actor_for(action, people)
    # A draft is invisible to the desk: it is told it may not act, not that the draft exists.
    expected = (
        services.NotPermitted
        if state == State.DRAFT and not actor.is_business
        else services.NotAllowedNow
    )
    with pytest.raises(expected) as info:
        factories.act(proposal, action, actor)
    assert info.value.message.strip()
    assert_untouched(proposal, state, logs)


def test_unknown_action_is_not_allowed(people):
    proposal = reach(State.SUBMITTED, people)
    with pytest.raises(services.NotAllowedNow):
        services.transition_proposal(proposal, "delete", people["desk_manager"])
    assert_untouched(proposal, State.SUBMITTED, 1)


# --- conditions --------------------------------------------------------------------------------


def _theme(prog) -> Theme:
    now = timezone.now()
    return Theme.objects.create(
        title="移動の課題",
        department=factories.department(),
        programme=prog,
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=18),
    )


def test_adopt_from_coordination_without_review_when_none_is_required(people):
    proposal = reach(State.COORDINATION, people)
    factories.act(proposal, "adopt", people["desk_manager"])
    assert db_state(proposal) == State.ADOPTED


@pytest.mark.parametrize("setup", ["programme", "theme"])
def test_adopt_from_coordination_refused_when_review_is_required(people, setup):
    prog = factories.programme(review_required=(setup == "programme"))
    extra = {"theme": _theme(prog)} if setup == "theme" else {}
    proposal = reach(State.COORDINATION, people, prog=prog, **extra)
    assert proposal.requires_review
    logs = log_count(proposal)

    with translation.override("en"):
        with pytest.raises(services.NotAllowedNow) as info:
            factories.act(proposal, "adopt", people["desk_manager"])
    assert "review" in info.value.message
    assert_untouched(proposal, State.COORDINATION, logs)

    factories.act(proposal, "start_review", people["desk_staff"])
    factories.act(proposal, "adopt", people["desk_manager"])
    assert db_state(proposal) == State.ADOPTED


@pytest.mark.parametrize(
    "action,state",
    [
        ("start_review", State.COORDINATION),
        ("adopt", State.COORDINATION),
        ("decline", State.DIALOGUE),
        ("decline", State.COORDINATION),
    ],
)
def test_decisions_do_not_apply_to_a_consultation(people, action, state):
    proposal = reach(state, people, kind=Kind.CONSULTATION)
    logs = log_count(proposal)
    with pytest.raises(services.NotAllowedNow):
        factories.act(proposal, action, actor_for(action, people))
    assert_untouched(proposal, state, logs)


def test_adopting_a_consultation_is_not_explained_as_a_missing_review(people):
    """A consultation can never be reviewed, so 'review it first' is the wrong answer."""
    proposal = reach(State.COORDINATION, people, kind=Kind.CONSULTATION)
    with translation.override("en"):
        with pytest.raises(services.NotAllowedNow) as info:
            factories.act(proposal, "adopt", people["desk_manager"])
    assert "reviewed" not in info.value.message
    assert "does not apply" in info.value.message


@pytest.mark.parametrize("state", [s for a, s in TRANSITION_CASES if a == "close_consultation"])
def test_close_consultation_refused_for_a_proposal(people, state):
    proposal = reach(state, people, kind=Kind.PROPOSAL)
    logs = log_count(proposal)
    with pytest.raises(services.NotAllowedNow):
        factories.act(proposal, "close_consultation", people["desk_staff"])
    assert_untouched(proposal, state, logs)


def _bare_draft(member, prog=None, **kw):
    """A draft with every field filled in but no consent accepted."""
    prog = prog or factories.programme()
    return services.create_draft(
        member,
        kind=Kind.PROPOSAL,
        programme=prog,
        title="AI配車",
        summary="移動支援",
        problem="交通空白地",
        solution="AI配車",
        **kw,
    )


def test_submit_refused_while_consents_are_missing(people):
    docs = factories.consent_documents()
    proposal = _bare_draft(people["business"])
    with translation.override("en"):
        with pytest.raises(services.NotAllowedNow) as info:
            factories.act(proposal, "submit", people["business"])
    for doc in docs:
        assert doc.title_en in info.value.message  # each text named in the user's language
    assert_untouched(proposal, State.DRAFT, 0)
    assert proposal.receipt_number is None

    services.record_consents(proposal, people["business"], [d.kind for d in docs[:-1]])
    with pytest.raises(services.NotAllowedNow) as info:
        factories.act(proposal, "submit", people["business"])
    assert docs[-1].title in info.value.message
    assert docs[0].title not in info.value.message

    # The consent step posts the whole set each time; a kind left out is withdrawn.
    services.record_consents(proposal, people["business"], [d.kind for d in docs])
    factories.act(proposal, "submit", people["business"])
    assert db_state(proposal) == State.SUBMITTED


@pytest.mark.parametrize("allows", [False, True])
def test_sole_proprietor_and_programme_eligibility(people, allows):
    member = factories.user(
        Role.BUSINESS, organization=factories.organization(is_sole_proprietor=True)
    )
    prog = factories.programme(allows_sole_proprietors=allows)
    proposal = factories.draft(member, prog=prog)
    if allows:
        factories.act(proposal, "submit", member)
        assert db_state(proposal) == State.SUBMITTED
        return
    with translation.override("en"):
        with pytest.raises(services.NotAllowedNow) as info:
            factories.act(proposal, "submit", member)
    assert "Sole proprietors cannot propose in this programme." in info.value.message
    assert_untouched(proposal, State.DRAFT, 0)


@pytest.mark.parametrize("is_startup", [False, True])
def test_startups_only_programme(people, is_startup):
    member = factories.user(
        Role.BUSINESS, organization=factories.organization(is_startup=is_startup)
    )
    proposal = factories.draft(member, prog=factories.programme(startups_only=True))
    if is_startup:
        factories.act(proposal, "submit", member)
        assert db_state(proposal) == State.SUBMITTED
        return
    with translation.override("en"):
        with pytest.raises(services.NotAllowedNow) as info:
            factories.act(proposal, "submit", member)
    assert "This programme is for startups only." in info.value.message
    assert_untouched(proposal, State.DRAFT, 0)


def test_submit_lists_every_problem_at_once(people):
    factories.consent_documents()
    member = factories.user(
        Role.BUSINESS, organization=factories.organization(is_sole_proprietor=True)
    )
    prog = factories.programme(allows_sole_proprietors=False, startups_only=True)
    proposal = services.create_draft(member, kind=Kind.PROPOSAL, programme=prog, title="題名")
    with translation.override("en"):
        with pytest.raises(services.NotAllowedNow) as info:
            factories.act(proposal, "submit", member)
    message = info.value.message
    for fragment in [
        "Enter a summary.",
        "Describe the problem",
        "Describe the proposed solution",
        "Sole proprietors cannot propose",
        "startups only",
        "Accept the current text",
    ]:
        assert fragment in message
    assert_untouched(proposal, State.DRAFT, 0)


# --- reasons, notes and outcomes -----------------------------------------------------------------

REASON_CASES = [
    (a, s) for a, s in TRANSITION_CASES if a in {"adopt", "decline", "not_accept", "withdraw"}
]


@pytest.mark.parametrize("reason", ["", "   \n\t　"], ids=["empty", "whitespace"])
@pytest.mark.parametrize(
    "action,source", REASON_CASES, ids=[f"{a}-from-{s}" for a, s in REASON_CASES]
)
def test_decision_without_reason_is_refused(people, action, source, reason):
    proposal = reach(source, people, kind=kind_for(BY_CASE[(action, source)]))
    logs = log_count(proposal)
    with pytest.raises(services.ReasonRequired):
        factories.act(proposal, action, actor_for(action, people), reason=reason)
    assert_untouched(proposal, source, logs)
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert fresh.decision_reason == "" and fresh.decided_at is None


def test_reason_is_stored_stripped_with_the_decision(people):
    proposal = reach(State.COORDINATION, people)
    entry = factories.act(proposal, "decline", people["desk_manager"], reason="  費用が過大  ")
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert fresh.decision_reason == "費用が過大" == entry.reason
    assert fresh.decided_at is not None


@pytest.mark.parametrize("note", ["", "  \n "], ids=["empty", "whitespace"])
def test_request_revision_without_note_is_refused(people, note):
    proposal = reach(State.DIALOGUE, people)
    logs = log_count(proposal)
    with pytest.raises(services.ReasonRequired):
        factories.act(proposal, "request_revision", people["desk_staff"], note=note)
    assert_untouched(proposal, State.DIALOGUE, logs)


@pytest.mark.parametrize("outcome", ["", "failed", "ROLLED_OUT"])
def test_complete_without_a_valid_outcome_is_refused(people, outcome):
    proposal = reach(State.IN_FIELD, people)
    logs = log_count(proposal)
    with pytest.raises(services.ReasonRequired):
        factories.act(proposal, "complete", people["desk_staff"], outcome=outcome)
    assert_untouched(proposal, State.IN_FIELD, logs)
    assert Proposal.objects.get(pk=proposal.pk).outcome == ""


@pytest.mark.parametrize("outcome", Outcome.values)
def test_complete_records_the_outcome(people, outcome):
    proposal = reach(State.IN_FIELD, people)
    factories.act(proposal, "complete", people["desk_staff"], outcome=outcome)
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert (fresh.state, fresh.outcome) == (State.COMPLETED, outcome)


# --- stale information ---------------------------------------------------------------------------


def test_expected_state_that_differs_is_a_conflicting_change(people):
    proposal = reach(State.SUBMITTED, people)
    logs = log_count(proposal)
    with pytest.raises(services.ConflictingChange):
        factories.act(proposal, "start_dialogue", people["desk_staff"], expected_state=State.DRAFT)
    assert_untouched(proposal, State.SUBMITTED, logs)

    factories.act(proposal, "start_dialogue", people["desk_staff"], expected_state=State.SUBMITTED)
    assert db_state(proposal) == State.DIALOGUE


@pytest.mark.parametrize("second_action", ["start_dialogue", "not_accept", "withdraw"])
def test_two_stale_copies_first_wins(people, second_action):
    original = reach(State.SUBMITTED, people)
    first = Proposal.objects.get(pk=original.pk)
    second = Proposal.objects.get(pk=original.pk)
    logs = log_count(original)

    factories.act(first, "start_dialogue", people["desk_staff"])
    with pytest.raises(services.ConflictingChange):
        factories.act(second, second_action, actor_for(second_action, people))

    assert db_state(original) == State.DIALOGUE
    assert log_count(original) == logs + 1
    last = ProposalTransition.objects.filter(proposal=original).order_by("-pk").first()
    assert (last.action, last.actor, last.from_state) == (
        "start_dialogue",
        people["desk_staff"],
        State.SUBMITTED,
    )
    # The losing copy is brought up to date, so a retry acts on the truth.
    assert second.state == State.DIALOGUE


def test_two_stale_drafts_submitted_twice_consume_one_receipt_number(people):
    original = factories.draft(people["business"])
    first = Proposal.objects.get(pk=original.pk)
    second = Proposal.objects.get(pk=original.pk)
    factories.act(first, "submit", people["business"])
    with pytest.raises(services.ConflictingChange):
        factories.act(second, "submit", people["business"])
    assert log_count(original) == 1
    number = int(first.receipt_number.rsplit("-", 1)[1])
    other = factories.draft(people["business"])
    factories.act(other, "submit", people["business"])
    # The losing submission's number was rolled back with it.
    assert int(other.receipt_number.rsplit("-", 1)[1]) == number + 1


# --- messages in the user's language -------------------------------------------------------------


def test_messages_in_japanese_by_default_and_english_on_request(people):
    submitted = reach(State.SUBMITTED, people)
    cases = [
        (
            lambda: factories.act(submitted, "start_dialogue", people["business"]),
            "not permitted",
            services.NotPermitted,
        ),
        (
            lambda: factories.act(submitted, "resubmit", people["business"]),
            "is not possible while",
            services.NotAllowedNow,
        ),
        (
            lambda: factories.act(submitted, "not_accept", people["desk_staff"], reason=""),
            "Give a reason",
            services.ReasonRequired,
        ),
        (
            lambda: factories.act(
                submitted, "start_dialogue", people["desk_staff"], expected_state=State.DRAFT
            ),
            "Someone else changed",
            services.ConflictingChange,
        ),
        (
            lambda: factories.act(submitted, "close_consultation", people["desk_staff"]),
            "does not apply",
            services.NotAllowedNow,
        ),
    ]
    for call, fragment, error in cases:
        assert_bilingual(call, fragment, error)
    assert_untouched(submitted, State.SUBMITTED, 1)


def test_submission_problems_in_english_on_request(people):
    member = factories.user(
        Role.BUSINESS, organization=factories.organization(is_sole_proprietor=True)
    )
    proposal = factories.draft(member, prog=factories.programme(allows_sole_proprietors=False))
    assert_bilingual(
        lambda: factories.act(proposal, "submit", member),
        "Sole proprietors cannot propose in this programme.",
        services.NotAllowedNow,
    )


# --- receipt numbers -----------------------------------------------------------------------------

RECEIPT = re.compile(r"^KD-(\d{4})-(\d{5})$")


def test_receipt_numbers_are_sequential_and_unique(people):
    numbers = []
    for _ in range(3):
        proposal = factories.draft(people["business"])
        factories.act(proposal, "submit", people["business"])
        proposal.refresh_from_db()
        numbers.append(proposal.receipt_number)
        assert proposal.submitted_at is not None
    year = fiscal_year(timezone.now())
    assert numbers == [f"KD-{year}-{n:05d}" for n in (1, 2, 3)]
    for number in numbers:
        assert RECEIPT.match(number)
    assert len(set(numbers)) == 3


def test_a_draft_has_no_receipt_number(people):
    proposal = factories.draft(people["business"])
    assert proposal.receipt_number is None and proposal.fiscal_year is None


def test_receipt_number_fiscal_year_changes_on_1_april_japan_time(people):
    proposals = [factories.draft(people["business"]) for _ in range(3)]
    with time_machine.travel(dt.datetime(2027, 3, 31, 23, 59, tzinfo=JST), tick=False):
        factories.act(proposals[0], "submit", people["business"])
    with time_machine.travel(dt.datetime(2027, 4, 1, 0, 0, tzinfo=JST), tick=False):
        factories.act(proposals[1], "submit", people["business"])
        factories.act(proposals[2], "submit", people["business"])
    found = [
        Proposal.objects.values_list("receipt_number", "fiscal_year").get(pk=p.pk)
        for p in proposals
    ]
    assert found[0][1] == 2026 and RECEIPT.match(found[0][0]).group(1) == "2026"
    assert found[1] == ("KD-2027-00001", 2027)
    assert found[2] == ("KD-2027-00002", 2027)


def test_consent_documents_in_the_future_are_not_required_yet(people):
    """Only the texts in force are asked for (current() reads the clock)."""
    factories.consent_documents()
    ConsentDocument.objects.create(
        kind="notes",
        version="2099-04",
        title="未来の留意事項",
        title_en="Future notes",
        body="本文",
        body_en="Text",
        effective_from=timezone.now() + dt.timedelta(days=30),
    )
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])
    assert db_state(proposal) == State.SUBMITTED
