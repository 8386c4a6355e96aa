"""The README and .env.example document every environment variable the settings read."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.unit


def _variables() -> set[str]:
    settings = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'env(?:_bool|_list)?\("([A-Z0-9_]+)"', settings))


def test_settings_read_the_environment():
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY"} <= _variables()


def test_every_variable_is_in_the_readme_and_env_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    missing_readme = sorted(v for v in _variables() if f"`{v}`" not in readme)
    missing_example = sorted(
        v for v in _variables() if not re.search(rf"^#?\s*{v}=", example, re.M)
    )
    assert not missing_readme, f"README.md does not document {missing_readme}"
    assert not missing_example, f".env.example does not list {missing_example}"
