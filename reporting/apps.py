from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Отчёты")

    def ready(self):
        from . import builders, rules  # noqa: F401  (register the forms and the permissions)
