"""Pages where a user keeps their personal API tokens, and a school's director or deputy
its integration tokens. A new token is shown once, on the answer to the form that made it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from schools.selectors import get_school_for_user

from ..forms import IntegrationTokenForm, PersonalTokenForm
from ..selectors import (
    get_token_for_user,
    integration_tokens_of,
    personal_tokens_of,
    schools_with_integration_tokens,
)
from ..services import (
    TokenError,
    create_integration_token,
    create_personal_token,
    revoke_token,
)


@login_required
@permission_required("api.keep_personal_tokens", raise_exception=True)
@require_http_methods(["GET", "POST"])
def personal_tokens(request: HttpRequest) -> HttpResponse:
    form = PersonalTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = create_personal_token(
                acting_user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except TokenError as refusal:
            form.add_error(None, str(refusal))
        else:
            form = PersonalTokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": list(personal_tokens_of(request.user)),
        "now": timezone.now(),
        "schools": list(schools_with_integration_tokens(request.user).order_by("short_name")[:50]),
    }
    status = 400 if request.method == "POST" and created is None else 200
    return render(request, "api/personal_tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def school_tokens(request: HttpRequest, school_id: int) -> HttpResponse:
    school = get_school_for_user(request.user, school_id, perm="api.manage_integration_tokens")
    form = IntegrationTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = create_integration_token(
                acting_user=request.user,
                school=school,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except TokenError as refusal:
            form.add_error(None, str(refusal))
        else:
            form = IntegrationTokenForm()
    context = {
        "school": school,
        "form": form,
        "created": created,
        "tokens": list(integration_tokens_of(school)),
        "now": timezone.now(),
    }
    status = 400 if request.method == "POST" and created is None else 200
    return render(request, "api/school_tokens.html", context, status=status)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_token_for_user(request.user, token_id)
    revoke_token(token=token, acting_user=request.user)
    messages.success(request, _("Токен «%(name)s» отозван.") % {"name": token.name})
    if token.is_integration:
        return redirect("api:school_tokens", school_id=token.school_id)
    return redirect("api:tokens")
