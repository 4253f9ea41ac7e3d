"""Sessions that end after a spell without requests (SESSION_IDLE_MINUTES), read from the
cache on most requests.

Django moves a session's expiry on only when the session is saved, and saving on every
request (SESSION_SAVE_EVERY_REQUEST) writes the session's row on every page and htmx tap:
three more queries a request. This store asks for the save only when the stored expiry was
set more than ``REFRESH`` ago, so a session ends between SESSION_IDLE_MINUTES minus one
minute and SESSION_IDLE_MINUTES after its last request.

The database stays the record. What a request read of it (the data and the expiry) is kept
in the cache for ``SESSION_CACHE_SECONDS``, so the next requests of that minute read no row;
saving or deleting the session (a refresh, sign-in, sign-out) forgets it at once. A kept
session is never used past its expiry. With the cache down, sessions are read from the
database; a sign-out while the cache is unreachable leaves what was kept usable with the old
cookie for at most ``SESSION_CACHE_SECONDS`` (the browser itself drops the cookie).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone

from accounts.caching import forget, kept

REFRESH = timedelta(minutes=1)
KEY_PREFIX = "attendance_portal.sessions:"


class SessionStore(db.SessionStore):
    def _cache_key(self) -> str:
        return KEY_PREFIX + self.session_key

    def _read(self) -> tuple[dict, object]:
        """The stored data and expiry, or ({}, None) when there is no such session."""
        stored = super()._get_session_from_db()
        if stored is None:
            return {}, None
        return self.decode(stored.session_data), stored.expire_date

    def load(self):
        if not self.session_key:
            return {}
        data, expire_date = kept(self._cache_key(), settings.SESSION_CACHE_SECONDS, self._read)
        if expire_date is None or expire_date <= timezone.now():
            self._session_key = None  # as Django's: a new session gets a new key
            return {}
        # SESSION_COOKIE_AGE: no session of the project sets an expiry of its own.
        age = timedelta(seconds=self.get_session_cookie_age())
        if expire_date - timezone.now() < age - REFRESH:
            self.modified = True  # SessionMiddleware saves it, with a new expiry
        return data

    def _forget(self, session_key: str | None) -> None:
        if session_key and settings.SESSION_CACHE_SECONDS:
            forget([KEY_PREFIX + session_key])

    def save(self, must_create=False):
        super().save(must_create)
        self._forget(self.session_key)

    def delete(self, session_key=None):
        super().delete(session_key)
        self._forget(session_key or self.session_key)
