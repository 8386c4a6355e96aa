from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Adopted projects: agreements, field provision, reports, the public list, open data."""

    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        # Imported here, once the app registry is ready (Django's rule for apps.py): the
        # receivers and selectors read models.
        from proposals import panels  # noqa: PLC0415

        from . import receivers, selectors  # noqa: PLC0415, F401 — connects the adoption receiver

        panels.register(
            panels.Panel(
                name="project",
                slot="after_facts",
                template="projects/_proposal_link.html",
                context=selectors.proposal_link,
            )
        )
