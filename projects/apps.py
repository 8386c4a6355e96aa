from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Adopted projects: agreements, fields, reports and the public list (a later issue)."""

    name = "projects"
    verbose_name = _("Projects")
