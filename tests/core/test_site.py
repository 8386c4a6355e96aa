"""Site-wide pages and configuration: home, status, languages, settings from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core.models import Role

from .. import factories

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def _python(code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with Django set up under ``env``."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    full_env.pop("DATABASE_URL", None)
    full_env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    full_env.update(env)
    prelude = "import django, json; django.setup(); from django.conf import settings\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_home_page_in_japanese_and_english(client, db):
    ja = client.get("/")
    assert ja.status_code == 200
    assert '<html lang="ja">' in ja.content.decode()
    en = client.get("/en/")
    assert en.status_code == 200
    body = en.content.decode()
    assert '<html lang="en">' in body
    assert "one desk for public-private partnership" in body
    # The switcher links each page to itself in the other language.
    assert 'href="/en/" lang="en" hreflang="en"' in ja.content.decode()
    assert 'href="/" lang="ja" hreflang="ja"' in body


def test_home_page_lists_the_active_programmes(client, db):
    factories.programme(
        name="実証実験フルサポート",
        name_en="Demonstration support",
        description="市がフィールドを提供します",
        description_en="The city provides the field",
    )
    factories.programme(name="休止中の制度", name_en="Paused", is_active=False)
    body = client.get("/").content.decode()
    assert "実証実験フルサポート" in body and "市がフィールドを提供します" in body
    assert "休止中の制度" not in body
    assert "Demonstration support" in client.get("/en/").content.decode()


def test_status_page_reports_database_task_mode_and_fonts(client, db):
    from django.db import connection

    from core.status import cjk_fonts

    response = client.get("/status")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-vendor="{connection.vendor}"' in body
    assert 'data-mode="inline"' in body
    expected_font = "yes" if cjk_fonts() else "no"
    assert f'data-installed="{expected_font}"' in body


def test_status_page_shows_the_broker_without_its_password_to_staff_only(client, db, settings):
    settings.TASKS_INLINE = False
    settings.CELERY_BROKER_URL = "redis://:s3cret@redis.internal:6379/0"
    anonymous = client.get("/status").content.decode()
    assert 'data-mode="queue"' in anonymous
    assert "redis.internal" not in anonymous
    client.force_login(factories.user(Role.DESK_STAFF))
    staff = client.get("/status").content.decode()
    assert "redis://redis.internal:6379/0" in staff
    assert "s3cret" not in staff


@pytest.mark.unit
def test_japanese_font_is_installed_for_pdfs():
    """WeasyPrint silently drops Japanese without a CJK font; CI installs IPAex fonts."""
    from core.status import cjk_fonts

    from ..support import require

    require(bool(cjk_fonts()), "no Japanese font: apt-get install fonts-ipaexfont-gothic")
    assert any("IPAex" in f or "Noto" in f for f in cjk_fonts())


@pytest.mark.unit
def test_defaults_are_sqlite_inline_japanese_tokyo():
    result = _python(
        "print(json.dumps([settings.DATABASES['default']['ENGINE'], "
        "settings.TASKS_INLINE, settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.LANGUAGE_CODE, settings.TIME_ZONE]))",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "django.db.backends.sqlite3",
        True,
        True,
        "ja",
        "Asia/Tokyo",
    ]


@pytest.mark.unit
def test_environment_switches_to_postgresql_and_a_queue():
    result = _python(
        "print(json.dumps([settings.DATABASES['default']['ENGINE'], "
        "settings.DATABASES['default']['NAME'], settings.TASKS_INLINE, "
        "settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL]))",
        DATABASE_URL="postgres://desk:pw@db.example:5432/kyoso",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "django.db.backends.postgresql",
        "kyoso",
        False,
        False,
        "redis://127.0.0.1:6379/0",
    ]
    assert "run inline" not in result.stderr  # no inline warning when a broker is configured


@pytest.mark.unit
def test_inline_mode_is_announced_at_start_up():
    result = _python("pass", DJANGO_DEBUG="1")
    assert "run inline" in result.stderr


@pytest.mark.unit
def test_production_settings_pass_check_deploy(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="desk.example.jp",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.unit
def test_production_refuses_to_start_without_a_secret_key():
    result = _python("pass", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.unit
def test_debug_is_off_unless_asked_for_and_then_a_secret_is_required():
    """Fail closed: with no DJANGO_DEBUG at all the settings are production's."""
    result = _python("pass")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
    with_secret = _python(
        "print(settings.DEBUG)", DJANGO_SECRET_KEY="s" * 50, DJANGO_ALLOWED_HOSTS="desk.example.jp"
    )
    assert with_secret.returncode == 0, with_secret.stderr
    assert with_secret.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.unit
def test_production_refuses_to_start_without_its_host_names():
    result = _python("pass", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_admin_is_for_administrators_only(client, people):
    index = reverse("admin:index")
    for role, user in people.items():
        client.force_login(user)
        response = client.get(index)
        if role == "administrator":
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302, role  # sent to the admin login


@pytest.mark.parametrize(
    "model",
    [
        "core/user",
        "core/organization",
        "core/department",
        "themes/programme",
        "proposals/consentdocument",
        "proposals/proposal",
        "proposals/proposaltransition",
        "themes/rubric",
        "themes/theme",
        "reviews/reviewassignment",
    ],
)
def test_admin_pages_open_for_an_administrator(client, people, model):
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])
    client.force_login(people["administrator"])
    response = client.get(f"/admin/{model}/")
    assert response.status_code == 200
    assert "<table" in response.content.decode() or "0 " in response.content.decode()


def test_admin_cannot_edit_a_proposal_state(client, people):
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])
    client.force_login(people["administrator"])
    response = client.post(f"/admin/proposals/proposal/{proposal.pk}/change/", {"state": "adopted"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "submitted"


def test_login_with_e_mail_and_lockout_after_repeated_failures(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = factories.user(Role.DESK_STAFF, email="staff@example.jp")
    url = reverse("login")
    for _ in range(3):
        bad = client.post(url, {"username": "staff@example.jp", "password": "wrong"})
        assert bad.status_code in (200, 429)
    locked = client.post(url, {"username": "staff@example.jp", "password": factories.PASSWORD})
    assert locked.status_code == 429
    from axes.utils import reset

    reset()
    ok = client.post(url, {"username": "STAFF@example.jp", "password": factories.PASSWORD})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_favicon_answers_instead_of_404(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_login_errors_are_tied_to_their_inputs(client, db):
    response = client.post(reverse("login"), {"username": "not-an-email", "password": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_username-error"' in body
    assert 'id="id_username-error"' in body
