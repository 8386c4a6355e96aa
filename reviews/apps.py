from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """Reviewer assignments, conflicts of interest and scores."""

    name = "reviews"
    verbose_name = _("Reviews")
