import pytest

from proposals.states import State

from .. import factories

pytestmark = pytest.mark.unit


def test_submit_assigns_receipt(people):
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert proposal.receipt_number.startswith("KD-20")
