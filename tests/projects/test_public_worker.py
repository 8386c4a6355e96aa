"""A publication reaches the static export through a real Celery worker on Redis.

The web process only bumps the generation and queues ``refresh_public_outputs`` after the
commit; a worker thread takes the task off Redis and rewrites ``PUBLIC_SITE_EXPORT_DIR``.
"""

import time

import pytest

from projects import services
from tests import factories


@pytest.mark.redis
@pytest.mark.integration
def test_a_publication_is_exported_by_the_worker(redis_worker, people, settings, tmp_path):
    out = tmp_path / "public"
    settings.PUBLIC_SITE_EXPORT_DIR = str(out)
    project = factories.project(people)
    services.update_public_text(
        project, people["desk_staff"], title="ワーカーが書き出す事業", summary="市民向けの概要"
    )
    services.approve_public_text(project, people["desk_manager"])
    services.publish(project, people["desk_manager"])  # autocommit: on_commit runs at once

    page = out / f"projects/{project.pk}/index.html"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not page.is_file():
        time.sleep(0.2)
    assert page.is_file(), "the worker did not write the export"
    assert "ワーカーが書き出す事業" in page.read_text()
    assert "ワーカーが書き出す事業" in (out / "projects/index.html").read_text()
