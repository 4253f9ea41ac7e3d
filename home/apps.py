from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Start pages: each role's page gathers what every app below has for that person today."""

    name = "home"
    verbose_name = _("Стартовые страницы")
