"""Who proposed, as the rules say for each review mode: a reviewer of a blind call never sees
the business, a reviewer of an open call or of an always-open proposal does — on the list and
on the proposal page alike (the list used to hide every business from every reviewer)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core import rules

from .. import factories
from ..factories import open_theme, submitted

pytestmark = pytest.mark.integration

BUSINESS_NAME = "ブラインド審査テスト株式会社"


def _case(people, mode, rubric):
    people["business"].organization.name = BUSINESS_NAME
    people["business"].organization.save()
    if mode == "always_open":
        proposal = submitted(people["business"])
    else:
        proposal = submitted(people["business"], open_theme(rubric, blind=(mode == "blind")))
    factories.assign(proposal, people["reviewer"])
    return proposal


@pytest.mark.parametrize(
    "mode, sees_name", [("blind", False), ("open_call", True), ("always_open", True)]
)
def test_the_reviewer_sees_the_business_as_the_rule_says(client, people, rubric, mode, sees_name):
    proposal = _case(people, mode, rubric)
    reviewer = people["reviewer"]
    assert rules.can_view_business_identity(reviewer, proposal) is sees_name
    assert reviewer.has_perm("kyoso.view_business_identity", proposal) is sees_name
    client.force_login(reviewer)

    listing = client.get(reverse("proposals:list")).content.decode()
    assert proposal.title in listing
    assert (BUSINESS_NAME in listing) is sees_name
    assert ("Not shown (blind review)" in listing) is not sees_name

    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert proposal.title in page
    assert (BUSINESS_NAME in page) is sees_name


@pytest.mark.parametrize("mode", ["blind", "open_call", "always_open"])
def test_the_desk_always_sees_the_business(client, people, rubric, mode):
    proposal = _case(people, mode, rubric)
    client.force_login(people["desk_staff"])
    listing = client.get(reverse("proposals:list")).content.decode()
    assert proposal.title in listing
    assert BUSINESS_NAME in listing and "Not shown (blind review)" not in listing
