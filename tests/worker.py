"""A real Celery worker on Redis for tests, with the project's own app and tasks.

Each use gets Redis keys of its own (a prefix), so another test run sharing this Redis, or a
message an earlier test left behind, can neither take this test's tasks nor hand it theirs.
"""

from __future__ import annotations

import os
import uuid

import pytest

from config.celery import app as celery_app

from .support import port_open, require

REDIS_URL = "redis://127.0.0.1:6379/15"
QUEUES = ["default", "mail", "exports"]


def _reset_connections():
    """Forget pooled broker connections so the next message uses the current broker_url.

    kombu keeps its pools in a process-wide registry too: a pool closed by one worker test
    would be handed to the next one ("Acquire on closed pool") unless the registry is cleared.
    """
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_worker(transactional_db):
    """A real Celery worker thread consuming from Redis, with the project's own app and tasks."""
    require(port_open("127.0.0.1", 6379), "needs Redis on 127.0.0.1:6379 (redis-server)")
    from celery.contrib.testing.worker import start_worker

    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {key: celery_app.conf[key] for key in keys}
    # Keys of our own: another test run sharing this Redis (or a message an earlier test left)
    # can neither take this test's tasks nor hand it theirs.
    prefix = f"kyoso-test-{os.getpid()}-{uuid.uuid4().hex[:8]}:"
    celery_app.conf.update(
        broker_url=REDIS_URL,
        task_always_eager=False,
        broker_transport_options={"global_keyprefix": prefix},
    )
    _reset_connections()
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=20,
            loglevel="WARNING",
            # Every queue the production workers consume between them (settings.CELERY_TASK_ROUTES).
            queues=QUEUES,
        ):
            yield celery_app
    finally:
        celery_app.conf.update(saved)
        _reset_connections()
        _delete_keys(prefix)


def _delete_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
