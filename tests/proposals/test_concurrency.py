"""Two members of the desk act on the same proposal at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from proposals import services
from proposals.models import Proposal, ProposalTransition
from proposals.states import State

from .. import factories

pytestmark = [pytest.mark.integration]


def _race(proposal_id: int, attempts: list[tuple[str, object, dict]]):
    """Run each (action, actor, kwargs) in its own thread and database connection, released
    together once every thread holds its own copy of the proposal."""
    barrier = threading.Barrier(len(attempts))
    results: list[tuple[str, object]] = [None] * len(attempts)

    def run(index, action, actor, kwargs):
        try:
            proposal = Proposal.objects.get(pk=proposal_id)
            barrier.wait(timeout=10)
            services.transition_proposal(proposal, action, actor, **kwargs)
            results[index] = ("ok", proposal.state)
        except services.LifecycleError as exc:
            results[index] = ("error", exc)
        except Exception as exc:
            results[index] = ("crash", exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, *attempt)) for i, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_at_once_exactly_one_wins_on_postgresql(people):
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])

    results = _race(
        proposal.pk,
        [
            ("start_dialogue", people["desk_staff"], {}),
            ("not_accept", people["desk_manager"], {"reason": "販売目的のため"}),
        ],
    )

    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["error", "ok"], results
    error = next(r[1] for r in results if r[0] == "error")
    assert isinstance(error, services.ConflictingChange)
    assert "Reload" in error.message or "読み込み" in error.message

    proposal.refresh_from_db()
    winner_state = next(r[1] for r in results if r[0] == "ok")
    assert proposal.state == winner_state
    log = list(ProposalTransition.objects.filter(proposal=proposal).order_by("pk"))
    assert [(e.from_state, e.to_state) for e in log] == [
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, winner_state),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_same_action_twice_at_once_is_taken_once(people):
    """A double click, or two staff pressing the same button: one log row, not two."""
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])

    results = _race(
        proposal.pk,
        [
            ("start_dialogue", people["desk_staff"], {}),
            ("start_dialogue", people["desk_manager"], {}),
        ],
    )
    assert sorted(r[0] for r in results) == ["error", "ok"], results
    assert (
        ProposalTransition.objects.filter(proposal=proposal, to_state=State.DIALOGUE).count() == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_receipt_numbers(people):
    members = [factories.user("business") for _ in range(6)]
    drafts = [factories.draft(m) for m in members]
    barrier = threading.Barrier(len(drafts))
    numbers, errors = [], []

    def submit(proposal_id, member):
        try:
            proposal = Proposal.objects.get(pk=proposal_id)
            barrier.wait(timeout=10)
            services.transition_proposal(proposal, "submit", member)
            numbers.append(proposal.receipt_number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(d.pk, m))
        for d, m in zip(drafts, members, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert len(set(numbers)) == len(drafts)
    suffixes = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert suffixes == list(range(1, len(drafts) + 1))
