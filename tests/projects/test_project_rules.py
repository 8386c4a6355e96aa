"""Who may do what with a project (core.rules), as one table written from the product rules."""

import pytest

from core import rules
from projects.models import Project
from tests import factories

pytestmark = pytest.mark.django_db

COLUMNS = ["manage", "approve", "publish", "view", "report", "sites", "bookings_own_dept"]
# Role → expected values in COLUMNS order. The project belongs to "business"'s organisation
# and to the department of "department" (set in the fixture below).
TABLE = {
    "business": [0, 0, 0, 1, 1, 0, 0],
    "colleague": [0, 0, 0, 1, 1, 0, 0],
    "other_business": [0, 0, 0, 0, 0, 0, 0],
    "desk_staff": [1, 0, 0, 1, 0, 1, 1],
    "desk_manager": [1, 1, 1, 1, 0, 1, 1],
    "department": [0, 0, 0, 1, 0, 0, 1],
    "other_department": [0, 0, 0, 0, 0, 0, 0],
    "reviewer": [0, 0, 0, 0, 0, 0, 0],
    "other_reviewer": [0, 0, 0, 0, 0, 0, 0],
    "administrator": [0, 0, 0, 0, 0, 1, 0],
}


@pytest.fixture
def project(people):
    project = factories.project(people)
    project.departments.set([people["department"].department])
    return project


def _row(user, project, department):
    return [
        int(bool(v))
        for v in (
            rules.can_manage_project(user, project),
            rules.can_approve_project_text(user, project),
            rules.can_publish_project(user, project),
            rules.can_view_project(user, project),
            rules.can_report_on_project(user, project),
            rules.can_manage_sites(user),
            rules.can_view_site_bookings(user, department),
        )
    ]


def test_table_covers_every_role(people):
    assert set(TABLE) == set(people)


@pytest.mark.parametrize("role", sorted(TABLE))
def test_project_rules(people, project, role):
    user = people[role]
    assert _row(user, project, people["department"].department) == TABLE[role]


@pytest.mark.parametrize("role", sorted(TABLE))
def test_list_filter_agrees_with_the_object_rule(people, project, role):
    user = people[role]
    visible = Project.objects.filter(rules.projects_visible_q(user)).distinct()
    assert (project in visible) == rules.can_view_project(user, project)


def test_inactive_and_anonymous_users_get_nothing(people, project):
    from django.contrib.auth.models import AnonymousUser

    manager = people["desk_manager"]
    manager.is_active = False
    manager.save()
    for user in (manager, AnonymousUser()):
        assert _row(user, project, people["department"].department) == [0] * len(COLUMNS)
        assert not Project.objects.filter(rules.projects_visible_q(user)).exists()
