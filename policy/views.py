"""Settings pages (R-CFG): a school's or a region's values, editing one, the change history.

A scope is a school or a region; every view takes one through
``policy.selectors.get_scope_for_user``, which answers 404 to outsiders and 403 to those
who may only look.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditEntry

from . import catalog, services
from .forms import SettingForm
from .selectors import Scope, get_scope_for_user, scopes_of

HISTORY_PAGE_SIZE = 50


@login_required
def index(request):
    """The user's settings page, or a choice when they manage several schools or regions."""
    if not request.user.has_perm("policy.view_any_settings"):
        raise PermissionDenied
    scopes = scopes_of(request.user)
    if len(scopes) == 1:
        scope = scopes[0]
        return _render_settings(request, scope)
    return render(request, "policy/index.html", {"scopes": scopes})


@login_required
def history_index(request):
    if not request.user.has_perm("policy.view_any_settings"):
        raise PermissionDenied
    scopes = scopes_of(request.user)
    if len(scopes) == 1:
        return redirect(scopes[0].url("history"))
    return render(request, "policy/index.html", {"scopes": scopes, "history": True})


def settings_page(kind: str):
    @login_required
    def view(request, pk: int):
        return _render_settings(request, get_scope_for_user(request.user, kind, pk))

    return view


def _render_settings(request, scope: Scope):
    can_change = request.user.has_perm(f"policy.change_{scope.kind}_settings", scope.obj)
    snapshot = scope.snapshot()
    groups = [
        (
            catalog.GROUP_LABELS[group],
            [(snapshot.resolved(s.key), scope.url("edit", s.key)) for s in settings],
        )
        for group, settings in catalog.grouped()
    ]
    context = {
        "scope": scope,
        "groups": groups,
        "can_change": can_change,
    }
    return render(request, "policy/settings.html", context)


def edit_page(kind: str):
    @login_required
    def view(request, pk: int, key: str):
        scope = get_scope_for_user(request.user, kind, pk, change=True)
        setting = _setting_or_404(key)
        resolved = scope.snapshot().resolved(key)
        form = SettingForm(request.POST or None, setting=setting, current=resolved.value)
        if request.method == "POST" and form.is_valid():
            try:
                services.set_setting(
                    key=key,
                    value=form.cleaned_data["value"],
                    acting_user=request.user,
                    school=scope.school,
                    region=scope.region,
                )
            except ValidationError as error:
                form.add_error("value", error)
            else:
                messages.success(request, _("Настройка «%s» сохранена.") % setting.label)
                return redirect(f"{scope.url('settings')}#{key}")
        context = {
            "scope": scope,
            "setting": setting,
            "resolved": resolved,
            "form": form,
            "reset_url": scope.url("reset", key),
        }
        return render(request, "policy/edit.html", context)

    return view


def reset_page(kind: str):
    @require_POST
    @login_required
    def view(request, pk: int, key: str):
        scope = get_scope_for_user(request.user, kind, pk, change=True)
        setting = _setting_or_404(key)
        try:
            reset = services.reset_setting(
                key=key, acting_user=request.user, school=scope.school, region=scope.region
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(scope.url("edit", key))
        if reset:
            messages.success(request, _("Для «%s» снова действует общее значение.") % setting.label)
        return redirect(f"{scope.url('settings')}#{key}")

    return view


def history_page(kind: str):
    @login_required
    def view(request, pk: int):
        scope = get_scope_for_user(request.user, kind, pk)
        actions = [services.ACTION_CHANGED, services.ACTION_RESET]
        region_changes = Q(
            data__scope=services.Origin.REGION.value, data__region_id=scope.region_id
        )
        condition = region_changes | Q(school=scope.school) if scope.school else region_changes
        entries = (
            AuditEntry.objects.filter(condition, action__in=actions)
            .select_related("actor")
            .order_by("-created_at", "-id")
        )
        page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"scope": scope, "page": page, "rows": [_history_row(e) for e in page]}
        return render(request, "policy/history.html", context)

    return view


def _history_row(entry: AuditEntry) -> dict:
    data = entry.data
    setting = catalog.BY_KEY.get(data.get("key"))

    def shown(value, effective):
        if setting is None:
            return str(value)
        if value is None:
            return _("не задано (действовало: %s)") % setting.display_json(effective)
        return setting.display_json(value)

    new = data.get("new")
    new_shown = (
        _("сброшено (действует: %s)") % setting.display_json(data.get("new_effective"))
        if new is None and setting is not None
        else shown(new, None)
    )
    return {
        "entry": entry,
        "label": setting.label if setting else data.get("key"),
        "key": data.get("key"),
        "scope": services.ORIGIN_LABELS.get(data.get("scope"), data.get("scope")),
        "old": shown(data.get("old"), data.get("old_effective")),
        "new": new_shown,
    }


def _setting_or_404(key: str) -> catalog.Setting:
    setting = catalog.BY_KEY.get(key)
    if setting is None:
        raise Http404
    return setting
