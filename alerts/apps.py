import hashlib

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _hash64(text, seed):
    """A signed 64-bit hash of ``text``: PostgreSQL's hashtextextended() for SQLite. The
    values differ from PostgreSQL's, which does not matter: the fingerprints built with it
    are only compared with digests stored in the same database (alerts.detect)."""
    if text is None:
        return None
    digest = hashlib.blake2b(f"{seed}|{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("hashtextextended", 2, _hash64, deterministic=True)


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Сигналы и задачи")

    def ready(self):
        from . import permissions, receivers  # noqa: F401  (register alerts.* perms; connect signals)

        connection_created.connect(_sqlite_functions)
