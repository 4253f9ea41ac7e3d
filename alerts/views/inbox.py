"""The in-app inbox (spec §4, item 7): the user's notifications, newest first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..selectors import get_notification_for_user, notifications_for_user
from ..services import mark_notifications_read
from .common import PAGE_SIZE, safe_next


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """A fixed number of queries whatever the number of notifications."""
    page = Paginator(notifications_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "alerts/inbox.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read; another user's notification does not exist (404)."""
    notification = get_notification_for_user(request.user, notification_id)
    mark_notifications_read(user=request.user, notification=notification)
    return redirect(safe_next(request, request.POST.get("next", ""), reverse("alerts:inbox")))


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = mark_notifications_read(user=request.user)
    if count:
        messages.success(request, _("Отмечено прочитанными: %(count)d.") % {"count": count})
    else:
        messages.info(request, _("Непрочитанных уведомлений нет."))
    return redirect("alerts:inbox")
