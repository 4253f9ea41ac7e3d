"""Signals the threshold engine sends; apps above it (casework) act on them.

``case_needed``: an alert whose rule opens a case (spec §4, R-T-H and the streaks) was
raised. Sent in the transaction that raises it, once per alert, with ``student_id``,
``school_id``, ``reason`` (the rule's name), ``alert`` and ``responsible`` (user ids of
the staff the rule names). Receivers must be idempotent: a rerun sends it again.
"""

from django.dispatch import Signal

case_needed = Signal()
