from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    """Themed calls (テーマ型募集) and the city's presented issues (課題提示)."""

    name = "themes"
    verbose_name = _("Themed calls and presented issues")
