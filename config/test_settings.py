"""Settings for the test suite: the production settings, with the two values production must
provide itself (a secret key, the host names) given for the tests, and the development
conveniences the suite relies on (plain static files, no HTTPS redirect) — exactly what
``make run`` switches on with ``DJANGO_DEBUG=1``. Tests that check the production behaviour
(fail-closed start-up, ``check --deploy``, error pages) run ``config.settings`` in a separate
process with their own environment."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-insecure-key-never-used-in-production")

from .settings import *  # noqa: F403
