"""A forged or huge id in a form is the field's message, never a database error (SQLite
raises OverflowError for numbers above 2**63 - 1)."""

import pytest
from django.urls import reverse

from core.forms import ModelChoiceById, ModelMultipleChoiceById
from core.models import Department
from tests import factories

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.mark.parametrize("value", [HUGE, "-1", "1e3", "abc", "１２"])
def test_one_choice(value):
    field = ModelChoiceById(queryset=Department.objects.all())
    with pytest.raises(Exception) as raised:
        field.clean(value)
    assert raised.typename == "ValidationError"


@pytest.mark.parametrize("value", [HUGE, "-1", "abc"])
def test_several_choices(value):
    department = factories.department()
    field = ModelMultipleChoiceById(queryset=Department.objects.all())
    with pytest.raises(Exception) as raised:
        field.clean([str(department.pk), value])
    assert raised.typename == "ValidationError"
    assert list(field.clean([str(department.pk)])) == [department]


def test_the_project_details_form_answers_a_huge_id_with_a_message(client, people):
    project = factories.project(people)
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("project_desk:details", args=[project.pk]),
        {
            "details-partner_name": "株式会社テスト",
            "details-departments": [HUGE],
            "details-fields": [HUGE],
            "details-procurement_route": "no_cost",
        },
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.partner_name != "株式会社テスト"
