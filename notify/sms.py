"""SMS gateways, chosen by the setting ``NOTIFY_SMS_BACKEND`` (a dotted path to a class),
as Django chooses its e-mail backend.

A gateway of an operator (SMS.ru, SMSC, МТС Exolve …) subclasses :class:`BaseSmsBackend`
and raises :class:`SmsError` with the gateway's answer when a message is refused; the
caller records it in the delivery log.
"""

import abc
import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not take the message; the text is what the log shows."""


class BaseSmsBackend(abc.ABC):
    """What every gateway does: deliver one text to one phone, or raise SmsError."""

    @abc.abstractmethod
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend(BaseSmsBackend):
    """The demo's gateway: prints each message (nothing leaves the machine)."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, phone: str, text: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"SMS → {phone}\n{text}\n{'-' * 40}\n")
        stream.flush()


# The locmem gateway's messages, as django.core.mail.outbox keeps letters in tests.
outbox: list[tuple[str, str]] = []


class LocmemSmsBackend(BaseSmsBackend):
    """For tests: keeps the messages in :data:`outbox`; a phone listed in
    ``NOTIFY_SMS_LOCMEM_REFUSE`` is refused, as a gateway refuses a bad number."""

    def send(self, phone: str, text: str) -> None:
        if phone in getattr(settings, "NOTIFY_SMS_LOCMEM_REFUSE", ()):
            raise SmsError(f"gateway refused {phone}")
        outbox.append((phone, text))


def get_backend() -> BaseSmsBackend:
    return import_string(settings.NOTIFY_SMS_BACKEND)()
