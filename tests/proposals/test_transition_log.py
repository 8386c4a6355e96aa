"""The append-only transition log: one row per state change, never rewritten."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from proposals import services
from proposals.models import Proposal, ProposalTransition, ReceiptSequence
from proposals.states import State

from .. import factories
from ..factories import actor_for, reach
from .helpers import BY_CASE, TRANSITION_CASES, db_state, kind_for

pytestmark = pytest.mark.unit

JST = ZoneInfo("Asia/Tokyo")
TABLE = ProposalTransition._meta.db_table


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    "action,source", TRANSITION_CASES, ids=[f"{a}-from-{s}" for a, s in TRANSITION_CASES]
)
def test_each_transition_writes_exactly_one_row(people, action, source):
    t = BY_CASE[(action, source)]
    proposal = reach(source, people, kind=kind_for(t))
    before = set(ProposalTransition.objects.filter(proposal=proposal).values_list("pk", flat=True))
    actor = actor_for(action, people)
    args = dict(factories.ACTION_ARGS.get(action, {}))
    args["note"] = args.get("note", "") + "  メモ  "
    when = dt.datetime(2026, 11, 26, 10, 30, tzinfo=JST)

    with time_machine.travel(when, tick=False):
        entry = services.transition_proposal(proposal, action, actor, **args)

    rows = ProposalTransition.objects.filter(proposal=proposal).exclude(pk__in=before)
    assert rows.count() == 1
    row = rows.get()
    assert row.pk == entry.pk
    assert row.actor_id == actor.pk
    assert row.action == action
    assert row.from_state == source
    assert row.to_state == str(t.target) == db_state(proposal)
    assert row.reason == args.get("reason", "").strip()
    assert row.note == args["note"].strip()
    assert row.created_at == when


def test_log_tells_the_whole_story_in_order(people):
    proposal = reach(State.COMPLETED, people)
    rows = list(proposal.transitions.all())
    assert [(r.from_state, r.to_state) for r in rows] == [
        ("draft", "submitted"),
        ("submitted", "dialogue"),
        ("dialogue", "coordination"),
        ("coordination", "adopted"),
        ("adopted", "agreement"),
        ("agreement", "in_field"),
        ("in_field", "completed"),
    ]
    # Each row starts where the previous one ended.
    assert all(a.to_state == b.from_state for a, b in zip(rows, rows[1:], strict=False))


def test_refused_transitions_write_nothing(people):
    proposal = reach(State.SUBMITTED, people)
    attempts = [
        lambda: factories.act(proposal, "start_dialogue", people["business"]),  # not permitted
        lambda: factories.act(proposal, "complete", people["desk_staff"]),  # not now
        lambda: factories.act(proposal, "not_accept", people["desk_staff"], reason=" "),
        lambda: factories.act(
            proposal, "start_dialogue", people["desk_staff"], expected_state=State.DIALOGUE
        ),
    ]
    for attempt in attempts:
        with pytest.raises(services.LifecycleError):
            attempt()
    assert ProposalTransition.objects.filter(proposal=proposal).count() == 1


# --- append-only in the model ------------------------------------------------------------------


@pytest.fixture
def row(people):
    proposal = reach(State.SUBMITTED, people)
    return ProposalTransition.objects.get(proposal=proposal)


def _unchanged(row):
    fresh = ProposalTransition.objects.get(pk=row.pk)
    assert (fresh.action, fresh.note, fresh.to_state) == ("submit", "", State.SUBMITTED)


def test_saving_an_existing_row_is_refused(row):
    row.note = "書き換え"
    with pytest.raises(PermissionError):
        row.save()
    row.note = ""
    _unchanged(row)


def test_deleting_a_row_is_refused(row):
    with pytest.raises(PermissionError):
        row.delete()
    _unchanged(row)


@pytest.mark.parametrize("how", ["manager", "related", "bulk_update"])
def test_queryset_update_is_refused(row, how):
    with pytest.raises(PermissionError):
        if how == "manager":
            ProposalTransition.objects.filter(pk=row.pk).update(note="書き換え")
        elif how == "related":
            row.proposal.transitions.update(note="書き換え")
        else:
            row.note = "書き換え"
            with transaction.atomic():  # bulk_update marks the enclosing block for rollback
                ProposalTransition.objects.bulk_update([row], ["note"])
    _unchanged(row)


@pytest.mark.parametrize("how", ["manager", "related"])
def test_queryset_delete_is_refused(row, how):
    with pytest.raises(PermissionError):
        if how == "manager":
            ProposalTransition.objects.filter(pk=row.pk).delete()
        else:
            row.proposal.transitions.all().delete()
    _unchanged(row)


def test_a_proposal_with_history_cannot_be_deleted(row):
    with pytest.raises(ProtectedError):
        row.proposal.delete()
    assert Proposal.objects.filter(pk=row.proposal_id).exists()
    _unchanged(row)


# --- append-only in the database ---------------------------------------------------------------


def test_raw_sql_update_is_refused_by_the_database(row):
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET note = %s WHERE id = %s", ["書き換え", row.pk])
    assert "append-only" in str(info.value)
    _unchanged(row)


@pytest.mark.postgres
def test_raw_sql_delete_is_refused_by_postgresql(row):
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [row.pk])
    assert "append-only" in str(info.value)
    _unchanged(row)


def test_raw_sql_insert_is_allowed(row):
    """Append-only means appending still works at the database level."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (proposal_id, actor_id, action, from_state, to_state, reason, "
            "note, created_at) VALUES (%s, NULL, 'import', 'draft', 'submitted', '', '', %s)",
            [row.proposal_id, row.created_at],
        )
    assert ProposalTransition.objects.filter(proposal_id=row.proposal_id).count() == 2


# --- atomicity ----------------------------------------------------------------------------------


def test_concurrent_transition_leaves_no_log_row(people):
    original = reach(State.SUBMITTED, people)
    first = Proposal.objects.get(pk=original.pk)
    stale = Proposal.objects.get(pk=original.pk)
    factories.act(first, "not_accept", people["desk_staff"])
    with pytest.raises(services.ConflictingChange):
        factories.act(stale, "start_dialogue", people["desk_staff"])
    assert list(
        ProposalTransition.objects.filter(proposal=original).values_list("action", flat=True)
    ) == ["submit", "not_accept"]
    assert db_state(original) == State.NOT_ACCEPTED


def test_failed_save_rolls_back_state_receipt_and_log(people):
    """The receipt number collides with an existing one: the save fails, nothing is kept."""
    when = dt.datetime(2026, 11, 26, 9, 0, tzinfo=JST)
    squatter = factories.draft(people["business"])
    Proposal.objects.filter(pk=squatter.pk).update(receipt_number="KD-2026-00001")
    proposal = factories.draft(people["business"])

    with time_machine.travel(when, tick=False):
        with pytest.raises(DatabaseError):
            factories.act(proposal, "submit", people["business"])

    assert db_state(proposal) == State.DRAFT
    assert proposal.state == State.DRAFT  # the in-memory copy does not keep a refused state
    assert not ProposalTransition.objects.filter(proposal=proposal).exists()
    assert not ReceiptSequence.objects.filter(fiscal_year=2026).exists()
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert fresh.receipt_number is None and fresh.submitted_at is None
