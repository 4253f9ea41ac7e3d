from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Профилактическая работа")

    def ready(self):
        from schools.referrals import register_referred_students

        from . import receivers  # noqa: F401  (open cases for the threshold engine's alerts)
        from .rules import referred_students

        register_referred_students(referred_students)

        # After the receiver that opens the case: criterion №22 may place on the registry.
        from alerts.signals import case_needed

        from .services.registry import on_case_needed

        case_needed.connect(on_case_needed, dispatch_uid="casework.registry.criterion_22")
