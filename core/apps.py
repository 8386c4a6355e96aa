import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("kyoso")


class CoreConfig(AppConfig):
    """People, organisations, departments and roles, plus the site-wide pages."""

    name = "core"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        # Imported here, once the app registry is ready (Django's rule for apps.py).
        from . import receivers  # noqa: PLC0415, F401 — connects the sign-in receiver

        if settings.TASKS_INLINE:
            logger.warning(
                "No CELERY_BROKER_URL: background tasks run inline in the web process "
                "(embedded mode). Set CELERY_BROKER_URL=redis://… and run `make worker` "
                "for a real queue."
            )
