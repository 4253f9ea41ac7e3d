"""The API's one permission class, and the integration token's school boundary.

Every endpoint names the scope it needs (``required_scope``, or ``required_scopes`` per
HTTP method). A session or a personal token holds every scope; an integration token only
its own. What the user may do with each object is then asked of the same ``rules``
permissions, through the same fetch-or-404 selectors, as on the pages.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .models import ApiToken


def token_of(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def required_scope(request, view) -> str:
    per_method = getattr(view, "required_scopes", None)
    if per_method is not None:
        return per_method[request.method]
    return view.required_scope


class ScopedAccess(BasePermission):
    """Signed in (a token or a session), and an integration token holds the view's scope."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = token_of(request)
        scope = required_scope(request, view)
        if token is not None and not token.allows(scope):
            self.message = _("У токена нет права «%(scope)s».") % {"scope": scope}
            return False
        return True


def integration_school_id(request) -> int | None:
    """The one school an integration token works in; None for a session or personal token."""
    token = token_of(request)
    return token.school_id if token is not None and token.is_integration else None


def check_school_in_reach(request, school_id: int) -> None:
    """Another school than an integration token's does not exist for it (404)."""
    own = integration_school_id(request)
    if own is not None and own != school_id:
        raise Http404


def check_object_in_reach(request, queryset, pk: int) -> None:
    """404 when an integration token asks for an object of another school (one query, only
    for integration tokens) — before the permission check, so 403 leaks nothing either."""
    own = integration_school_id(request)
    if own is not None and not queryset.filter(pk=pk, school_id=own).exists():
        raise Http404
