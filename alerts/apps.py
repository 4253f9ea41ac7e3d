import hashlib

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _md5(text):
    return None if text is None else hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _sqlite_md5(sender, connection, **kwargs):
    """PostgreSQL's md5() for SQLite, used by the detection's fingerprints (alerts.detect)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("md5", 1, _md5, deterministic=True)


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Сигналы и задачи")

    def ready(self):
        from . import permissions, receivers  # noqa: F401  (register alerts.* perms; connect signals)

        connection_created.connect(_sqlite_md5)
