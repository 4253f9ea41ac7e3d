"""Signals accounts sends; apps above it act on them (accounts imports none of them).

``role_changed``: a person granted or revoked a role (``accounts.services``). Sent in the
transaction of the change, once per change, with ``user`` (whose role changed), ``role``,
``school`` (None for a territory role), ``granted`` (True: given, False: taken away) and
``acting_user``. Alerts tells the school's director through the inbox (issue #14).
"""

from django.dispatch import Signal

role_changed = Signal()
