"""Proposing for a call: the theme chosen, its eligibility applied, and the closing second
judged by the server's clock at the moment the submission arrived."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from core.models import Role
from proposals import services as proposal_services
from proposals.models import Proposal
from proposals.states import State

from .. import factories
from ..factories import make_theme
from ..support import CLOSES, DURING, OPENS, SECOND

pytestmark = pytest.mark.integration


def start_url(theme):
    return reverse("proposals:start") + f"?theme={theme.pk}"


def test_a_business_proposes_for_an_open_theme(client, people, theme):
    other_programme = factories.programme()
    with time_machine.travel(DURING, tick=False):
        client.force_login(people["business"])
        page = client.get(start_url(theme))
        assert page.status_code == 200
        text = page.content.decode()
        assert theme.title in text and "Propose for this theme" in text
        # A programme posted by hand is ignored: the call decides it.
        response = client.post(
            start_url(theme),
            {"kind": "proposal", "programme": other_programme.pk, "title": "保育所の空き状況AI"},
        )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.theme == theme
    assert proposal.programme == theme.programme
    assert proposal.title == "保育所の空き状況AI" and proposal.state == State.DRAFT


def test_the_themes_eligibility_refuses_a_sole_proprietor(client, db):
    sole = factories.user(
        Role.BUSINESS, organization=factories.organization(is_sole_proprietor=True)
    )
    theme = make_theme(allows_sole_proprietors=False)
    with time_machine.travel(DURING, tick=False):
        client.force_login(sole)
        response = client.post(start_url(theme), {"kind": "proposal", "title": "個人の提案"})
    assert response.status_code == 200
    assert "Sole proprietors cannot propose for this call." in response.content.decode()
    assert not Proposal.objects.exists()


def test_startups_only_call_refuses_others(client, people):
    theme = make_theme(startups_only=True)
    with time_machine.travel(DURING, tick=False):
        client.force_login(people["business"])
        response = client.post(start_url(theme), {"kind": "proposal", "title": "提案"})
    assert "This call is for startups only." in response.content.decode()
    assert not Proposal.objects.exists()


def test_propose_for_a_closed_or_upcoming_call_goes_back_to_the_call(client, people, theme):
    with time_machine.travel(CLOSES, tick=False):
        client.force_login(people["business"])
        response = client.get(start_url(theme), follow=True)
        assert response.redirect_chain[-1][0] == reverse("themes:detail", args=[theme.pk])
        assert "closed at Mon 21 Dec 2026, 17:00 JST" in response.content.decode()
        response = client.post(start_url(theme), {"kind": "proposal", "title": "遅い提案"})
        assert response.status_code == 302
    with time_machine.travel(OPENS - SECOND, tick=False):
        client.force_login(people["business"])
        response = client.get(start_url(theme), follow=True)
        assert "can be made from Tue 1 Dec 2026, 09:00 JST" in response.content.decode()
    assert not Proposal.objects.exists()


def test_propose_for_an_unknown_or_unpublished_call_is_404(client, people):
    hidden = make_theme(is_published=False)
    with time_machine.travel(DURING, tick=False):
        client.force_login(people["business"])
        assert client.get(start_url(hidden)).status_code == 404
        assert client.get(reverse("proposals:start") + "?theme=abc").status_code == 404
        assert client.get(reverse("proposals:start") + "?theme=99999").status_code == 404


def themed_draft(member, theme):
    with time_machine.travel(DURING, tick=False):
        return factories.draft(member, prog=theme.programme, theme=theme)


def test_submitted_before_the_closing_second_is_accepted_even_if_processed_after(people, theme):
    draft = themed_draft(people["business"], theme)
    # The request arrived one second before closing; processing ends after the closing.
    with time_machine.travel(CLOSES + 5 * SECOND, tick=False):
        proposal_services.transition_proposal(
            draft, "submit", people["business"], when=CLOSES - SECOND
        )
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert draft.submitted_at == CLOSES - SECOND
    assert draft.receipt_number


@pytest.mark.parametrize("moment", [CLOSES, CLOSES + SECOND])
def test_submission_at_or_after_closing_is_refused(people, theme, moment):
    draft = themed_draft(people["business"], theme)
    with pytest.raises(proposal_services.NotAllowedNow) as error:
        proposal_services.transition_proposal(draft, "submit", people["business"], when=moment)
    assert "closed at Mon 21 Dec 2026, 17:00 JST" in error.value.message
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and not draft.receipt_number


def test_submission_problems_use_the_clock_by_default(people, theme):
    draft = themed_draft(people["business"], theme)
    with time_machine.travel(CLOSES - SECOND, tick=False):
        assert draft.submission_problems() == []
    with time_machine.travel(CLOSES, tick=False):
        assert any("closed at" in p for p in draft.submission_problems())
    assert draft.submission_problems(when=CLOSES - SECOND) == []


def test_the_submit_view_accepts_the_last_second(client, people, theme):
    draft = themed_draft(people["business"], theme)
    with time_machine.travel(CLOSES - SECOND, tick=False):
        client.force_login(people["business"])
        response = client.post(
            reverse("proposals:submit", args=[draft.pk]),
            {"action": "submit", "expected_state": "draft"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:receipt", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and draft.submitted_at == CLOSES - SECOND
    # A later step (the business reads its receipt after closing) changes nothing.
    with time_machine.travel(CLOSES + 60 * SECOND, tick=False):
        client.force_login(people["business"])
        assert client.get(reverse("proposals:receipt", args=[draft.pk])).status_code == 200
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_the_submit_view_refuses_at_the_closing_second(client, people, theme):
    draft = themed_draft(people["business"], theme)
    with time_machine.travel(CLOSES, tick=False):
        client.force_login(people["business"])
        response = client.post(
            reverse("proposals:submit", args=[draft.pk]),
            {"action": "submit", "expected_state": "draft"},
            follow=True,
        )
    assert response.redirect_chain[0][0] == reverse("proposals:step", args=[draft.pk, "confirm"])
    assert "closed at Mon 21 Dec 2026, 17:00 JST" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and not draft.receipt_number


def test_the_themes_eligibility_is_checked_again_at_submission(db):
    sole = factories.user(
        Role.BUSINESS, organization=factories.organization(is_sole_proprietor=True)
    )
    theme = make_theme()
    draft = themed_draft(sole, theme)
    theme.allows_sole_proprietors = False  # the desk tightened the call after the draft began
    theme.save()
    draft.refresh_from_db()
    with pytest.raises(proposal_services.NotAllowedNow) as error:
        proposal_services.transition_proposal(draft, "submit", sole, when=DURING)
    assert "Sole proprietors cannot propose for this call." in error.value.message


def test_the_programme_of_a_draft_for_a_call_cannot_be_changed_in_the_form(client, db):
    import datetime as dt

    from django.utils import timezone

    from core.models import Role
    from tests import factories
    from themes.models import Theme

    now = timezone.now()
    prog, other = factories.programme(), factories.programme()
    theme = Theme.objects.create(
        title="固定の募集",
        department=factories.department(),
        programme=prog,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=9),
    )
    member = factories.user(Role.BUSINESS)
    draft = factories.draft(member, prog=prog, theme=theme, complete=False, title="募集への提案")
    client.force_login(member)
    client.post(
        f"/proposals/{draft.pk}/edit/content/",
        {"kind": "proposal", "programme": other.pk, "title": "募集への提案", "summary": "要約"},
    )
    draft.refresh_from_db()
    assert draft.programme == prog and draft.summary == "要約"
