from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Настройки порогов и сроков")

    def ready(self):
        from . import receivers  # noqa: F401  (connect signals)
