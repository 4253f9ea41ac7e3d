from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = _("Журнал посещаемости, календарь, расписание")

    def ready(self):
        from schools.teaching import register_taught_classes

        from . import receivers  # noqa: F401  (connect signals)
        from .selectors import taught_classes

        register_taught_classes(taught_classes)
