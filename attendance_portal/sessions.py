"""Sessions that end after a spell without requests (SESSION_IDLE_MINUTES).

Django moves a session's expiry on only when the session is saved, and saving on every
request (SESSION_SAVE_EVERY_REQUEST) writes the session's row on every page and htmx tap:
three more queries a request. This store asks for the save only when the stored expiry was
set more than ``REFRESH`` ago, so a session ends between SESSION_IDLE_MINUTES minus one
minute and SESSION_IDLE_MINUTES after its last request.
"""

from datetime import timedelta

from django.contrib.sessions.backends import db
from django.utils import timezone

REFRESH = timedelta(minutes=1)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        # SESSION_COOKIE_AGE: no session of the project sets an expiry of its own.
        age = timedelta(seconds=self.get_session_cookie_age())
        if stored is not None and stored.expire_date - timezone.now() < age - REFRESH:
            self.modified = True  # SessionMiddleware saves it, with a new expiry
        return stored
