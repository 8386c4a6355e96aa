"""The submit request is the one 200 businesses send in the last seconds of a call: it reads
only what submitting needs, in a number of queries that does not grow with the draft."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Role
from proposals.models import Attachment, ProposalTransition
from proposals.states import State

from .. import factories

pytestmark = pytest.mark.integration

#: validate, number, transition, log, notify (the e-mail outbox), the session and the user.
MOST_QUERIES = 16


def submit_queries(client, draft) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("proposals:submit", args=[draft.pk]),
            {"action": "submit", "expected_state": "draft"},
        )
    assert response["Location"] == reverse("proposals:receipt", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    return len(ctx.captured_queries)


def test_a_submission_costs_the_same_few_queries_however_much_the_draft_holds(client, db):
    factories.consent_documents()
    member = factories.user(Role.BUSINESS)
    programme = factories.programme()
    client.force_login(member)
    # The year's first submission also creates its receipt counter; count the ones after it.
    first = factories.draft(member, prog=programme, complete=True, title="年度最初の下書き")
    submit_queries(client, first)
    plain = factories.draft(member, prog=programme, complete=True, title="少ない下書き")
    client.get(reverse("proposals:step", args=[plain.pk, "confirm"]))
    few = submit_queries(client, plain)

    full = factories.draft(member, prog=programme, complete=True, title="多い下書き")
    departments = [factories.department(code=f"d{i}", name=f"局{i}") for i in range(5)]
    full.desired_departments.set(departments)
    for i in range(10):
        Attachment.objects.create(
            proposal=full,
            uploaded_by=member,
            file=f"private/a{i}.pdf",
            original_name=f"{i}.pdf",
            size=10,
        )
    for _ in range(10):  # an earlier life: notes in its log
        ProposalTransition.objects.create(
            proposal=full, actor=member, action="note", from_state="draft", to_state="draft"
        )
    client.get(reverse("proposals:step", args=[full.pk, "confirm"]))
    assert submit_queries(client, full) == few
    assert few <= MOST_QUERIES, f"a submission ran {few} queries"
