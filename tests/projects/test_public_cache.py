"""The public page cache: kept per process, answered before the stack, stale only by design.

Several web processes share one generation number in the shared cache. These tests play the
part of another process by changing that number directly, without this process's knowledge.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import public_cache
from projects.models import Project
from tests.factories import make_project

from .helpers import LIST, html_of

pytestmark = pytest.mark.django_db


def _another_process_changes_something():
    cache.incr(public_cache.GENERATION_KEY)


def test_a_kept_page_is_answered_without_touching_the_database(people, client, settings):
    make_project(people)
    settings.PUBLIC_CACHE_RECHECK_SECONDS = 60
    first = client.get(LIST)
    assert first["X-Public-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(LIST)
    assert second["X-Public-Cache"] == "hit" and second.content == first.content
    assert ctx.captured_queries == []
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == "ja"


def test_another_process_change_is_seen_after_the_recheck_interval(people, client, settings):
    project = make_project(people, title="変更前の題")
    settings.PUBLIC_CACHE_RECHECK_SECONDS = 60
    client.get(LIST)
    Project.objects.filter(pk=project.pk).update(public_title="変更後の題")
    _another_process_changes_something()
    # Within the interval this process still answers from memory …
    stale = client.get(LIST)
    assert stale["X-Public-Cache"] == "hit" and "変更前の題" in html_of(stale)
    # … and once it looks again, it renders the change.
    settings.PUBLIC_CACHE_RECHECK_SECONDS = 0
    fresh = client.get(LIST)
    assert fresh["X-Public-Cache"] == "miss" and "変更後の題" in html_of(fresh)


def test_a_visitor_with_a_session_is_never_answered_from_memory(people, client):
    make_project(people)
    client.get(LIST)
    client.get(LIST)
    client.force_login(people["business"])
    response = client.get(LIST)
    assert "X-Public-Cache" not in response
    # Their own menu (sign out, their projects): rendered for them, never the kept page.
    assert "/accounts/logout/" in html_of(response) and "/projects/mine/" in html_of(response)


def test_head_gets_the_headers_of_the_kept_page(people, client):
    make_project(people)
    first = client.get(LIST)
    head = client.head(LIST)
    assert head.status_code == 200 and head["X-Public-Cache"] == "hit"
    assert head.content == b"" and int(head["Content-Length"]) == len(first.content)


def test_only_marked_successful_pages_are_kept(people, client):
    make_project(people)
    assert client.get("/projects/999999/").status_code == 404
    assert "/projects/999999/" not in public_cache._pages
    client.get("/accounts/login/")  # an unmarked page
    assert "/accounts/login/" not in public_cache._pages


def test_made_up_query_strings_cannot_fill_memory(people, client, monkeypatch):
    make_project(people)
    monkeypatch.setattr(public_cache, "MAX_PAGES", 3)
    for n in range(6):
        client.get(f"{LIST}?x={n}")
    assert len(public_cache._pages) == 3
    assert list(public_cache._pages) == [f"{LIST}?x={n}" for n in (3, 4, 5)]


def test_renaming_a_field_in_the_admin_refreshes_the_kept_pages(
    people, client, django_capture_on_commit_callbacks
):
    from projects.models import Field

    field = Field.objects.get(code="mobility")
    make_project(people, fields=[field])
    assert field.name in html_of(client.get(LIST))
    with django_capture_on_commit_callbacks(execute=True):
        field.name = "移動・交通（改称）"
        field.save()
    response = client.get(LIST)
    assert response["X-Public-Cache"] == "miss" and "移動・交通（改称）" in html_of(response)


def test_kept_pages_stay_under_the_byte_limit(people, client, monkeypatch):
    make_project(people)
    size = len(client.get(f"{LIST}?x=0").content)
    public_cache.reset_local()
    monkeypatch.setattr(public_cache, "MAX_BYTES", size * 2 + size // 2)
    for n in range(5):
        client.get(f"{LIST}?x={n}")
    assert list(public_cache._pages) == [f"{LIST}?x={n}" for n in (3, 4)]
    assert public_cache._known["bytes"] == sum(len(p[3]) for p in public_cache._pages.values())
