from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """Proposals and consultations, their lifecycle, consents and transition log."""

    name = "proposals"
    verbose_name = _("Proposals")
