from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Профилактическая работа")

    def ready(self):
        from . import receivers  # noqa: F401  (open cases for the threshold engine's alerts)
