"""Fetch one object for a user: 404 for outsiders, 403 for insiders without the permission.

Every detail, edit and export view of every app fetches its object through one
fetch-or-404 helper per kind of object, in that app's ``selectors.py``
(``schools.selectors.get_student_for_user``, ``journal.selectors.get_lesson_for_user``,
``alerts.selectors.get_task_for_user`` …), each built on :func:`get_object_for_user`, so that:

* an object of a school where the user is not staff answers **404** — whether it
  exists must not leak to other schools or to municipal/regional officials;
  objects that officials may open (a region's settings) name the permission that
  decides who sees them at all (``visible_with``);
* an object the user may see but not use as asked answers **403**;
* superusers get everything.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .rules import school_ids_of
from .selectors import school_ids_for_user


def get_object_for_user(
    user, queryset: QuerySet, *, perm: str, visible_with: str | None = None, **lookup
) -> Model:
    """The object matching ``lookup`` in ``queryset`` if ``user.has_perm(perm, obj)``.

    404 when there is no such object or the user may not know of it: by default when it
    belongs to none of the schools the user is staff of, else when the user lacks the
    permission ``visible_with``. 403 when they know of it but lack ``perm``."""
    # Unordered: the lookup is unique, and an ORDER BY of the model's Meta.ordering costs the
    # ORM more than the rest of the query (journal.Lesson's sorts by date and period).
    found = list(queryset.filter(**lookup).order_by()[:1])
    if not found:
        raise Http404
    obj = found[0]
    if user.is_superuser:
        return obj
    if visible_with is not None:
        if not user.has_perm(visible_with, obj):
            raise Http404
    elif not school_ids_of(obj) & school_ids_for_user(user):
        raise Http404
    if not user.has_perm(perm, obj):
        raise PermissionDenied
    return obj
