"""Programmes, rubrics and criteria moved to themes without copying a row: a database with
data written before the move keeps every row and every link after migrating forward (tables
renamed, foreign keys following, content types moved)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.integration]

BEFORE = [
    ("themes", "0002_calls_documents_questions"),
    ("proposals", "0008_inbox_search_trigram"),
    ("reviews", "0003_default_rubric"),
    ("projects", "0002_fields"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes()]


def test_rows_written_before_the_move_are_all_there_after_it(transactional_db):
    old = _migrate(BEFORE)
    Programme = old.get_model("proposals", "Programme")
    Rubric = old.get_model("reviews", "Rubric")
    Criterion = old.get_model("reviews", "Criterion")
    Department = old.get_model("core", "Department")
    Theme = old.get_model("themes", "Theme")
    programme = Programme.objects.create(code="move-test", name="移動前", name_en="Before")
    rubric = Rubric.objects.create(name="移動前の基準", scale_min=1, scale_max=5)
    criterion = Criterion.objects.create(rubric=rubric, name="社会性", weight=2, sort_order=1)
    department = Department.objects.create(code="move-dept", name="局", name_en="Bureau")
    from django.utils import timezone

    theme = Theme.objects.create(
        title="移動前の募集",
        department=department,
        programme=programme,
        rubric=rubric,
        opens_at=timezone.now(),
        closes_at=timezone.now() + timezone.timedelta(days=1),
    )

    new = _migrate(_latest())
    assert new.get_model("themes", "Programme").objects.get(pk=programme.pk).name == "移動前"
    moved_theme = new.get_model("themes", "Theme").objects.get(pk=theme.pk)
    assert moved_theme.programme_id == programme.pk and moved_theme.rubric_id == rubric.pk
    moved = new.get_model("themes", "Criterion").objects.get(pk=criterion.pk)
    assert moved.rubric_id == rubric.pk and moved.name == "社会性"
    tables = set(connection.introspection.table_names())
    assert {"themes_programme", "themes_rubric", "themes_criterion"} <= tables
    assert not {"proposals_programme", "reviews_rubric", "reviews_criterion"} & tables
    ContentType.objects.clear_cache()
    for model in ("programme", "rubric", "criterion"):
        assert not ContentType.objects.filter(
            app_label__in=["proposals", "reviews"], model=model
        ).exists()
