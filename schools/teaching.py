"""Which classes a user teaches: the journal knows (timetable lines and lessons name the
teacher), and tells this app at start-up.

The journal sits above schools in the layers, so schools cannot import it; the journal's
AppConfig.ready registers a function returning the Q, over ``SchoolClass``, of the classes
a user teaches. Used by ``schools.rules.teaches_class`` and ``schools.selectors``.
"""

from collections.abc import Callable

from django.db.models import Q

_sources: list[Callable[[object], Q]] = []


def register_taught_classes(source: Callable[[object], Q]) -> None:
    if source not in _sources:
        _sources.append(source)


def taught_classes(user) -> Q:
    """Q over SchoolClass: the classes ``user`` teaches (none until an app registers)."""
    condition = Q(pk__in=[])
    for source in _sources:
        condition |= source(user)
    return condition
