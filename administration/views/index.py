"""The «Администрирование» start page: the schools the user manages, the municipalities
whose schools' leadership they appoint."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from ..selectors import managed_municipalities, managed_schools


@login_required
def index(request):
    if not request.user.has_perm("administration.open_pages"):
        raise PermissionDenied
    context = {
        "schools": list(managed_schools(request.user).order_by("short_name")),
        "municipalities": list(managed_municipalities(request.user).order_by("name")),
    }
    return render(request, "administration/index.html", context)
