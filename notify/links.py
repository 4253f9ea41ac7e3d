"""The signed link of a message (no account needed): it names the guardian and the day
of the message, and expires after ``NOTIFY_LINK_MAX_AGE_DAYS``.

A link altered by one character fails its signature; an old one fails its age. Either
way the page answers a clear error and changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notify.guardian-link"


class LinkError(Exception):
    """``expired`` tells an old link from an altered one."""

    def __init__(self, *, expired: bool):
        super().__init__("expired" if expired else "bad signature")
        self.expired = expired


@dataclass(frozen=True)
class LinkData:
    guardian_id: int
    day: datetime.date


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.NOTIFY_LINK_MAX_AGE_DAYS)


def make_token(guardian_id: int, day: datetime.date) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"g": guardian_id, "d": day.isoformat()}, compress=False
    )


def read_token(token: str) -> LinkData:
    signer = signing.TimestampSigner(salt=SALT)
    try:
        value = signer.unsign_object(token, max_age=max_age())
    except signing.SignatureExpired as error:
        raise LinkError(expired=True) from error
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as error:
        raise LinkError(expired=False) from error
    try:
        return LinkData(int(value["g"]), datetime.date.fromisoformat(value["d"]))
    except (KeyError, TypeError, ValueError) as error:
        raise LinkError(expired=False) from error


def guardian_url(guardian_id: int, day: datetime.date) -> str:
    """The absolute address the message carries."""
    path = reverse("notify:guardian", args=[make_token(guardian_id, day)])
    return f"{settings.NOTIFY_SITE_URL.rstrip('/')}{path}"
