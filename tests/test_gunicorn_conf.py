"""The production server's configuration is shipped and valid: gunicorn loads it, workers come
from the cores, threads keep public pages answering beside desk work, and every value can be
set from the environment."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "config" / "gunicorn.conf.py"


def test_gunicorn_accepts_the_configuration():
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "x" * 50}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "-c",
            str(CONF),
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_defaults_and_the_environment(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    values = runpy.run_path(str(CONF))
    assert values["worker_class"] == "gthread" and values["threads"] == 4
    assert values["workers"] == (os.cpu_count() or 1) * 2 + 1
    assert values["max_requests"] > 0 and values["max_requests_jitter"] > 0
    assert "x-request-id" in values["access_log_format"]
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    values = runpy.run_path(str(CONF))
    assert values["workers"] == 3 and values["bind"] == "0.0.0.0:9000"


def test_workers_are_forked_from_an_application_that_holds_no_connection(monkeypatch):
    """``preload_app`` loads Django in the arbiter: a database or cache connection opened then
    would be shared by every forked worker. Loading the WSGI application must open none."""
    monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    assert runpy.run_path(str(CONF))["preload_app"] is True
    probe = (
        "import config.wsgi\n"
        "from django.db import connections\n"
        "from django.core.cache import caches\n"
        "opened = [c.alias for c in connections.all(initialized_only=True) if c.connection]\n"
        "print(len(opened), len(caches.all(initialized_only=True)))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.jp",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "0"], result.stdout
