from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """Reviewer assignments, conflicts of interest and scores."""

    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # Imported here, once the app registry is ready (Django's rule for apps.py): the
        # selectors read models.
        from proposals import panels  # noqa: PLC0415

        from . import selectors  # noqa: PLC0415

        panels.register(
            panels.Panel(
                name="reviews",
                slot="after_files",
                template="reviews/_panel.html",
                context=selectors.review_panel,
            )
        )
