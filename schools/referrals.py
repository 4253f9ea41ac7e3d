"""Which students are referred to a psychologist: casework knows (a case names the
psychologist among its responsible staff, or a referral to the school psychologist names
them) and tells this app at start-up.

Spec §1 gives a psychologist only the students referred to them. Casework sits above
schools in the layers, so schools cannot import it; casework's AppConfig.ready registers a
function returning the Q, over ``Student``, of the students referred to a user. Used by
``schools.rules.is_referred_psychologist`` and ``schools.selectors.visible_students``.
"""

from collections.abc import Callable

from django.db.models import Q

_sources: list[Callable[[object], Q]] = []


def register_referred_students(source: Callable[[object], Q]) -> None:
    if source not in _sources:
        _sources.append(source)


def referred_students(user) -> Q:
    """Q over Student: the students referred to ``user`` (none until an app registers)."""
    condition = Q(pk__in=[])
    for source in _sources:
        condition |= source(user)
    return condition
