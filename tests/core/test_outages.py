"""Outages of Redis, as cache and as broker: the real component is stopped (a redis-server of
the test's own, ``spare_redis``), and the user must still get a clear answer, with nothing
lost and nothing done twice.

* the cache (``core.cache.ResilientRedisCache``): public pages, sign-in and /status answer
  while Redis is away, rate limits hold in the database, and the cache is used again when
  Redis is back;
* the broker (``core.jobs``): a change made while the broker is away is committed and its
  task kept, then swept to the broker exactly once;
* rate limits (``core.ratelimit``) count atomically in fixed windows, in the database and on
  Redis.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from config.celery import app as celery_app
from core import cache as resilient
from core import jobs, ratelimit
from core.models import QueuedTask, RateCounter
from projects import public_cache
from proposals.models import ExportJob
from proposals.services import exports

from .. import factories
from ..worker import _reset_connections

pytestmark = pytest.mark.integration

#: Anything slower than this is not "an outage costs a request nothing" (the connection to a
#: stopped Redis is refused at once; a timeout or retries with back-off would show here).
QUICK = 2.0


def _reset_resilient_state() -> None:
    resilient._state.update(down_since=None, retry_at=0.0)
    for client in ratelimit._clients.values():
        client.close()
    ratelimit._clients.clear()


@pytest.fixture
def redis_cache(spare_redis, settings):
    """The shared cache and the rate limits on the spare Redis, as REDIS_CACHE_URL sets them."""
    settings.REDIS_CACHE_URL = spare_redis.url
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": spare_redis.url}
    }
    _reset_resilient_state()
    yield spare_redis
    _reset_resilient_state()


@pytest.fixture
def redis_broker(spare_redis, settings):
    """The Celery app sending to the spare Redis, as CELERY_BROKER_URL sets it (no inline
    tasks)."""
    settings.TASKS_INLINE = False
    keys = ("broker_url", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(broker_url=spare_redis.url, task_always_eager=False)
    _reset_connections()
    jobs._state["down_since"] = None
    try:
        yield spare_redis
    finally:
        celery_app.conf.update(saved)
        _reset_connections()
        jobs._state["down_since"] = None


def get(client, url, within: float = QUICK):
    started = time.monotonic()
    response = client.get(url)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, (url, response.status_code)
    assert elapsed < within, f"{url} took {elapsed:.1f} s"
    return response


def page_source(client, url) -> str:
    """Where the public page came from: ``miss``, ``hit``, ``shared`` or ``rendered`` (not
    kept at all, as while the cache is down)."""
    return get(client, url).headers.get("X-Public-Cache", "rendered")


def back_again(server) -> None:
    """Redis answers again; the circuit breaker is past its wait (``RETRY_AFTER``)."""
    server.start()
    resilient._state["retry_at"] = 0.0


def login(client, email, password):
    # The Japanese address, whatever language an earlier request left active in this thread.
    with translation.override("ja"):
        url = reverse("login")
    return client.post(url, {"username": email, "password": password})


# --- the cache ----------------------------------------------------------------------------------


@pytest.mark.redis
def test_the_site_answers_while_the_cache_is_down_and_uses_it_again_when_back(
    client, people, redis_cache, settings, django_capture_on_commit_callbacks
):
    projects, home, statistics = (
        reverse("projects:list"),
        reverse("home"),
        reverse("projects:statistics"),
    )
    login_page, mine = reverse("login"), reverse("proposals:list")
    assert page_source(client, projects) == "miss"
    assert page_source(client, projects) == "hit"
    public_cache.reset_local()  # another process: the page comes from Redis
    assert page_source(client, projects) == "shared"

    redis_cache.stop()
    # Every page answers. The public pages are kept in this process's memory only (for
    # PUBLIC_CACHE_OUTAGE_SECONDS), so the public site keeps its speed; nothing else is kept.
    for url in (statistics, home, login_page):
        assert get(client, url).status_code == 200
    assert page_source(client, projects) == "miss"
    assert page_source(client, projects) == "hit"
    assert page_source(client, "/en/projects/") == "miss"
    assert resilient.status()["down_since"] is not None
    assert all(kept[0] < 0 for kept in public_cache._pages.values()), "an outage generation"

    # A change made now is on the public list at once.
    with django_capture_on_commit_callbacks(execute=True):
        factories.project(people, published=True, public_title="停電中に公開した事業")
    assert "停電中に公開した事業" in get(client, projects).content.decode()
    assert "停電中に公開した事業" in get(client, "/en/projects/").content.decode()

    # Sign-in works, and the rate limit holds, counted in the database.
    settings.RATE_LIMITS = {"login": (2, 3600)}
    member = people["business"]
    signed_in = Client()
    response = login(signed_in, member.email, factories.PASSWORD)
    assert response.status_code == 302
    assert signed_in.get(mine).status_code == 200
    response = login(Client(), member.email, "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].errors  # told why, on the sign-in page
    refused = login(Client(), member.email, factories.PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    counters = RateCounter.objects.filter(key__startswith="login:127.0.0.1:")
    assert [row.count for row in counters] == [3]

    # Redis is back (empty, as after a restart): the cache is used again, with the new project.
    back_again(redis_cache)
    assert page_source(client, projects) == "miss"
    assert resilient.status()["down_since"] is None
    assert page_source(client, projects) == "hit"
    public_cache.reset_local()
    response = get(client, projects)
    assert response["X-Public-Cache"] == "shared"
    assert "停電中に公開した事業" in response.content.decode()


@pytest.mark.redis
def test_a_change_made_while_redis_was_away_is_public_when_redis_returns_with_its_data(
    client, people, redis_cache, django_capture_on_commit_callbacks
):
    """Redis often comes back with what it held (a network cut, a restart that reloads its
    snapshot): the pages it kept from before the outage must not hide what changed meanwhile."""
    projects = reverse("projects:list")
    assert page_source(client, projects) == "miss"
    assert page_source(client, projects) == "hit"

    with redis_cache.client() as server:
        server.save()  # the snapshot a production Redis reloads when it restarts
    redis_cache.stop()
    with django_capture_on_commit_callbacks(execute=True):
        factories.project(people, published=True, public_title="停電中に公開した事業")
    assert "停電中に公開した事業" in get(client, projects).content.decode()

    back_again(redis_cache)
    with redis_cache.client() as server:
        assert server.dbsize() > 0, "Redis came back with the data it held before"
    response = get(client, projects)
    shown = "停電中に公開した事業" in response.content.decode()
    assert shown, (
        "the public list came back without the project published while Redis was away "
        f"(X-Public-Cache: {response.get('X-Public-Cache')})"
    )


@pytest.mark.redis
def test_while_redis_is_away_a_process_keeps_public_pages_for_the_outage_window_only(
    client, people, redis_cache, settings
):
    """Another process's change (no after-commit refresh here) reaches this process's kept
    pages when the outage window ends; with a window of 0 nothing is kept at all."""
    projects = reverse("projects:list")
    settings.PUBLIC_CACHE_OUTAGE_SECONDS = 30
    redis_cache.stop()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert page_source(client, projects) == "miss"
        # Published by another web process: this one is not told (Redis is away).
        factories.project(people, published=True, public_title="別の職員が公開した事業")
        stale = get(client, projects)
        assert stale["X-Public-Cache"] == "hit"
        assert "別の職員が公開した事業" not in stale.content.decode()
        clock.shift(timedelta(seconds=30))
        fresh = get(client, projects)
        assert fresh["X-Public-Cache"] == "miss"
        assert "別の職員が公開した事業" in fresh.content.decode()

    settings.PUBLIC_CACHE_OUTAGE_SECONDS = 0
    for _ in range(2):
        assert page_source(client, projects) == "rendered"
    assert not public_cache._pages


@pytest.mark.redis
def test_status_shows_the_cache_not_answering_and_still_answers(db, client, redis_cache):
    page = get(client, reverse("status")).content.decode()
    assert 'id="status-cache" data-kind="redis" data-up="yes"' in page
    redis_cache.stop()
    page = get(client, reverse("status")).content.decode()
    assert 'id="status-cache" data-kind="redis" data-up="no"' in page
    back_again(redis_cache)
    page = get(client, reverse("status")).content.decode()
    assert 'id="status-cache" data-kind="redis" data-up="yes"' in page


# --- the broker ---------------------------------------------------------------------------------


def queued_messages(server, queue: str = "exports") -> list[dict]:
    """The messages waiting in the kombu Redis transport's list for ``queue``: task and args."""
    with server.client() as client:
        raw = client.lrange(queue, 0, -1)
    found = []
    for item in raw:
        message = json.loads(item)
        body = json.loads(base64.b64decode(message["body"]))
        found.append({"task": message["headers"]["task"], "args": body[0]})
    return found


@pytest.mark.redis
def test_an_export_asked_for_while_the_broker_is_down_is_kept_and_sent_once_when_it_is_back(
    transactional_db, client, people, redis_broker, settings
):
    factories.submitted(people["business"])
    desk = people["desk_staff"]
    redis_broker.stop()

    with transaction.atomic():
        job = exports.start_export(desk, "")
        # Nothing leaves before the commit; the task is written down with the change.
        assert QueuedTask.objects.get().attempts == 0
    # Committed: the export exists, and its task is kept with the broker's refusal.
    job = ExportJob.objects.get(pk=job.pk)
    assert job.status == ExportJob.Status.PENDING
    row = QueuedTask.objects.get()
    assert (row.name, row.args, row.attempts) == ("proposals.tasks.build_export", [job.pk], 1)
    assert "OperationalError" in row.last_error or "refused" in row.last_error.lower()
    assert jobs.broker_status()["down_since"] is not None

    # /status says so, and answers (it asks the broker now: one retry of a second or two).
    page = get(client, reverse("status"), within=5).content.decode()
    assert 'id="status-broker" data-up="no" data-waiting="1"' in page

    later = timezone.now() + timedelta(minutes=1)
    # Still down: the sweeper leaves the row for the next run.
    assert jobs.sweep(now=later)["sent"] == 0
    assert QueuedTask.objects.get().attempts == 2

    redis_broker.start()
    counts = jobs.sweep(now=later)
    assert counts["sent"] == 1 and counts["left"] == 0
    assert not QueuedTask.objects.exists()
    assert jobs.broker_status()["down_since"] is None
    assert queued_messages(redis_broker) == [
        {"task": "proposals.tasks.build_export", "args": [job.pk]}
    ]
    # A second sweep sends nothing again.
    assert jobs.sweep(now=later + timedelta(minutes=1))["sent"] == 0
    assert len(queued_messages(redis_broker)) == 1

    # A real worker takes it off Redis and builds the one export.
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=20,
        loglevel="WARNING",
        queues=["exports"],
    ):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == ExportJob.Status.DONE:
                break
            time.sleep(0.1)
    assert job.status == ExportJob.Status.DONE, job.error
    assert ExportJob.objects.count() == 1
    assert queued_messages(redis_broker) == []


@pytest.mark.redis
def test_the_desk_asking_for_an_export_while_the_broker_is_down_gets_the_status_page(
    client, people, redis_broker, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 0  # every export is a job
    factories.submitted(people["business"])
    redis_broker.stop()
    client.force_login(people["desk_staff"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = time.monotonic()
        response = client.post(reverse("desk:export"), {"all_matching": "1", "query": ""})
        elapsed = time.monotonic() - started
    assert len(callbacks) == 1
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:export_status", args=[job.pk])
    assert elapsed < QUICK
    row = QueuedTask.objects.get()
    assert (row.args, row.attempts) == ([job.pk], 1) and row.last_error
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert job.status == ExportJob.Status.PENDING


# --- rate limits: atomic, in fixed windows ------------------------------------------------------

PERIOD = 3600
LIMIT = 120
#: Ten minutes into a window of an hour.
FIXED = 1_796_000_400.0 - (1_796_000_400.0 % PERIOD) + 600


def hit_at_once(times: int, now: float) -> list[tuple[bool, int]]:
    """``times`` threads, released together, each counting one hit of the same address; at
    most 40 hold a database connection at a time (PostgreSQL allows 100 clients)."""
    barrier = threading.Barrier(times)
    connections = threading.BoundedSemaphore(40)
    results: list[tuple[bool, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one():
        try:
            barrier.wait(timeout=30)
            with connections:
                try:
                    result = ratelimit.hit("register", "203.0.113.7", LIMIT, PERIOD, now=now)
                finally:
                    connection.close()
            with lock:
                results.append(result)
        except BaseException as exc:  # reported below, with the test's failure
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors[:3]
    assert len(results) == times
    return results


def window_key() -> str:
    return f"register:203.0.113.7:{int(FIXED // PERIOD)}"


@pytest.mark.postgres
def test_rate_limits_in_the_database_are_atomic_and_the_window_does_not_move(
    transactional_db, settings
):
    settings.REDIS_CACHE_URL = ""
    _reset_resilient_state()
    results = hit_at_once(130, FIXED)
    assert sum(allowed for allowed, _ in results) == LIMIT
    assert {retry for _, retry in results} == {PERIOD - 600}
    row = RateCounter.objects.get(key=window_key())
    assert row.count == 130

    allowed, retry_after = ratelimit.hit("register", "203.0.113.7", LIMIT, PERIOD, now=FIXED + 1800)
    assert not allowed
    assert retry_after == PERIOD - 600 - 1800  # to the end of the same fixed window
    after = RateCounter.objects.get(key=window_key())
    assert after.count == 131
    assert after.expires_at == row.expires_at  # a later hit does not push the window's end


@pytest.mark.redis
def test_rate_limits_on_redis_are_atomic_and_the_window_does_not_move(db, redis_cache):
    results = hit_at_once(130, FIXED)
    assert sum(allowed for allowed, _ in results) == LIMIT
    assert {retry for _, retry in results} == {PERIOD - 600}
    assert not RateCounter.objects.exists(), "counted on Redis, not in the database"
    key = f"kyoso:ratelimit:{window_key()}"
    with redis_cache.client() as server:
        assert int(server.get(key)) == 130
        assert 0 < server.ttl(key) <= PERIOD + 60
        server.expire(key, 100)  # as if the window were nearly over

    allowed, retry_after = ratelimit.hit("register", "203.0.113.7", LIMIT, PERIOD, now=FIXED + 1800)
    assert not allowed
    assert retry_after == PERIOD - 600 - 1800
    with redis_cache.client() as server:
        assert int(server.get(key)) == 131
        assert 0 < server.ttl(key) <= 100, "a later hit must not extend the window's expiry"
