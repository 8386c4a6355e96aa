"""Rubrics: the default rubric (Fukuoka's six criteria), which rubric a proposal uses, and a
rubric whose weights are all zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews import services
from themes.models import Criterion, Rubric

from ..factories import make_rubric, open_theme, submitted

pytestmark = pytest.mark.integration


def test_the_default_rubric_has_fukuokas_six_criteria(db):
    rubric = Rubric.objects.get(is_default=True)
    assert rubric.name == "福岡市実証実験フルサポート評価基準"
    assert (rubric.scale_min, rubric.scale_max) == (1, 5)
    criteria = list(rubric.criteria.all())
    assert [c.name for c in criteria] == [
        "社会性",
        "先進性",
        "安全性",
        "実証可能性",
        "市場性",
        "事業化可能性",
    ]
    assert [c.name_en for c in criteria] == [
        "Social value",
        "Advancement",
        "Safety",
        "Feasibility of the demonstration",
        "Market potential",
        "Commercialisation potential",
    ]
    assert {c.weight for c in criteria} == {Decimal(1)}
    assert Rubric.objects.filter(is_default=True).count() == 1


def test_a_proposal_uses_its_calls_rubric_else_the_default(people, rubric):
    always_open = submitted(people["business"])
    themed = submitted(people["business"], open_theme(rubric))
    no_rubric = submitted(people["business"], open_theme(None, title="基準なしの募集"))
    default = Rubric.objects.get(is_default=True)
    assert services.rubric_for(always_open) == default
    assert services.rubric_for(themed) == rubric
    assert services.rubric_for(no_rubric) == default


def test_a_rubric_whose_weights_are_all_zero_is_invalid(db):
    rubric = make_rubric(weights=(0, 0))
    with pytest.raises(ValidationError, match="weight above zero"):
        rubric.full_clean()
    assert "all its weights are zero" in services.rubric_problem(rubric)
    Criterion.objects.filter(rubric=rubric, sort_order=1).update(weight=Decimal("0.5"))
    rubric.full_clean()
    assert services.rubric_problem(rubric) == ""


def test_the_admin_refuses_a_rubric_whose_weights_are_all_zero(client, people):
    client.force_login(people["administrator"])
    data = {
        "name": "重みなし",
        "name_en": "",
        "description": "",
        "scale_min": 1,
        "scale_max": 5,
        "criteria-TOTAL_FORMS": 2,
        "criteria-INITIAL_FORMS": 0,
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
        "criteria-0-name": "項目1",
        "criteria-0-weight": "0",
        "criteria-0-sort_order": 1,
        "criteria-1-name": "項目2",
        "criteria-1-weight": "0",
        "criteria-1-sort_order": 2,
    }
    response = client.post(reverse("admin:themes_rubric_add"), data)
    assert response.status_code == 200
    assert "重みが0より大きい評価項目" in response.content.decode()  # the admin speaks Japanese
    assert not Rubric.objects.filter(name="重みなし").exists()

    data["criteria-1-weight"] = "2"
    response = client.post(reverse("admin:themes_rubric_add"), data)
    assert response.status_code == 302
    assert Rubric.objects.get(name="重みなし").criteria.count() == 2


def test_review_assignments_are_read_only_in_the_admin(client, people):
    client.force_login(people["administrator"])
    assert client.get(reverse("admin:reviews_reviewassignment_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_reviewassignment_add")).status_code == 403
