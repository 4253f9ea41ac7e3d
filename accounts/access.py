"""Fetch one object for a user: 404 for outsiders, 403 for insiders without the permission.

Every detail, edit and export view of every app fetches its object through
:func:`get_object_for_user` (or a per-kind wrapper such as
``schools.selectors.get_student_for_user``), so that:

* an object of a school where the user is not staff answers **404** — whether it
  exists must not leak to other schools or to municipal/regional officials;
* an object of the user's own school that the user may not see (or change)
  answers **403**;
* superusers get everything.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .rules import school_ids_of
from .selectors import school_ids_for_user


def get_object_for_user(user, queryset: QuerySet, *, perm: str, **lookup) -> Model:
    """The object matching ``lookup`` in ``queryset`` if ``user.has_perm(perm, obj)``."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    if user.is_superuser:
        return obj
    if not school_ids_of(obj) & school_ids_for_user(user):
        raise Http404
    if not user.has_perm(perm, obj):
        raise PermissionDenied
    return obj
