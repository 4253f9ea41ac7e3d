"""Reads of API tokens, scoped to the user; one fetch-or-404 helper (``accounts.access``)."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import get_object_for_user
from accounts.roles import OVERSEER_ROLES
from accounts.selectors import school_ids_with_role
from schools.models import School

from .models import ApiToken


def personal_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, kind=ApiToken.Kind.PERSONAL)


def integration_tokens_of(school: School) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(school=school, kind=ApiToken.Kind.INTEGRATION).select_related(
        "user", "revoked_by"
    )


def schools_with_integration_tokens(user) -> QuerySet[School]:
    """The schools whose integration tokens the user manages (``api.manage_integration_tokens``)."""
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(pk__in=school_ids_with_role(user, *OVERSEER_ROLES))


def get_token_for_user(user, token_id: int) -> ApiToken:
    """A personal token of the user's own (anyone else's does not exist for them, superusers
    included), or an integration token of a school they manage: 404 for another school's,
    403 for a colleague without the permission."""
    personal = personal_tokens_of(user).filter(pk=token_id).first()
    if personal is not None:
        return personal
    integration = ApiToken.objects.filter(kind=ApiToken.Kind.INTEGRATION).select_related("school")
    if not integration.filter(pk=token_id).exists():
        raise Http404
    return get_object_for_user(user, integration, perm="api.manage_integration_tokens", pk=token_id)
