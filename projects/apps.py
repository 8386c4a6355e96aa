from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Adopted projects: agreements, field provision, reports, the public list, open data."""

    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from . import receivers  # noqa: F401 — connects the adoption receiver
