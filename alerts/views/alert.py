"""One alert: the rule, the student, the evidence, the status and the tasks it opened."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..forms import CompleteTaskForm
from ..selectors import get_alert_for_user
from ..services import mark_notifications_read
from .common import ROLE_LABELS
from .evidence import describe


@login_required
@require_GET
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    """404 for another school's alert, 403 for staff who are not the student's carers."""
    user = request.user
    alert = get_alert_for_user(user, alert_id)
    tasks = list(
        alert.tasks.select_related("assignee", "done_by").order_by("due_date", "kind", "sequence")
    )
    for task in tasks:
        task.role_label = ROLE_LABELS.get(task.assignee_role, task.assignee_role)
        task.can_complete = task.status == task.Status.OPEN and user.has_perm(
            "alerts.complete_task", task
        )
    # Opening the alert is reading what the inbox said about it.
    mark_notifications_read(user=user, alert=alert)
    context = {
        "alert": alert,
        "evidence": describe(alert.evidence),
        "tasks": tasks,
        "today": timezone.localdate(),
        "complete_form": CompleteTaskForm(),
    }
    return render(request, "alerts/alert.html", context)
