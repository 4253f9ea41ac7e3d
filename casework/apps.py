from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Профилактическая работа")

    def ready(self):
        from schools.referrals import register_referred_students

        from . import receivers  # noqa: F401  (cases for the threshold engine's alerts)
        from .rules import referred_students

        register_referred_students(referred_students)
