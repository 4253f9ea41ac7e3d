"""The user's tasks (spec §4, item 4): overdue, today, upcoming; history; «Выполнено».

Overdue means open with a due date before today. Today is the project's local date
(``TIME_ZONE``): schools carry no time zone of their own, a deployment serves one zone.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User

from ..forms import UNASSIGNED, CompleteTaskForm, TaskFilterForm
from ..models import Task
from ..rules import overseen_school_ids, own_tasks_q
from ..selectors import get_task_for_user, visible_tasks, with_class
from ..services import complete_task
from .common import PAGE_SIZE, ROLE_LABELS, safe_next


def _assignees(school_ids) -> list[User]:
    """Staff of the overseen schools, for the assignee filter (one query)."""
    return list(
        User.objects.filter(role_assignments__school_id__in=school_ids, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def _filtered(tasks: QuerySet, form: TaskFilterForm, user, today) -> QuerySet:
    if kind := form.value("kind"):
        tasks = tasks.filter(kind=kind)
    status = form.value("status")
    if form.active_tab == TaskFilterForm.HISTORY:
        closed = [Task.Status.DONE, Task.Status.CANCELLED]
        closed = [status] if status in closed else closed
        tasks = tasks.filter(status__in=closed).order_by(
            F("closed_at").desc(nulls_last=True), "-pk"
        )
    else:
        tasks = tasks.filter(status=Task.Status.OPEN)
        if status == "overdue":
            tasks = tasks.filter(due_date__lt=today)
        elif status == "today":
            tasks = tasks.filter(due_date=today)
        elif status == "upcoming":
            tasks = tasks.filter(due_date__gt=today)
        tasks = tasks.order_by("due_date", "pk")
    assignee = form.value("assignee") if form.overseer else ""
    if assignee == "me":
        tasks = tasks.filter(own_tasks_q(user))
    elif assignee == UNASSIGNED:
        tasks = tasks.filter(assignee__isnull=True)
    elif assignee:
        tasks = tasks.filter(assignee_id=int(assignee))
    return tasks


@dataclass
class TaskGroup:
    key: str
    title: str
    tasks: list[Task]


GROUPS = (
    ("overdue", gettext_lazy("Просрочены")),
    ("today", gettext_lazy("На сегодня")),
    ("upcoming", gettext_lazy("Предстоящие")),
)


def _groups(tasks: list[Task], today: datetime.date) -> list[TaskGroup]:
    def key(task):
        if task.due_date < today:
            return "overdue"
        return "today" if task.due_date == today else "upcoming"

    groups = [TaskGroup(k, title, [t for t in tasks if key(t) == k]) for k, title in GROUPS]
    return [group for group in groups if group.tasks]


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """A fixed number of queries whatever the number of tasks."""
    user, today = request.user, timezone.localdate()
    overseen = overseen_school_ids(user)
    form = TaskFilterForm(request.GET, assignees=_assignees(overseen) if overseen else None)
    tasks = (
        with_class(visible_tasks(user))
        .select_related("student", "alert", "assignee", "done_by")
        .annotate(closed_at=Coalesce("done_at", "alert__resolved_at"))
    )
    page = Paginator(_filtered(tasks, form, user, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page)
    for task in rows:
        task.role_label = ROLE_LABELS.get(task.assignee_role, task.assignee_role)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "tab": form.active_tab,
        "page": page,
        "rows": rows,
        "groups": _groups(rows, today) if form.active_tab == TaskFilterForm.OPEN else [],
        "today": today,
        "overseer": bool(overseen),
        "query": query.urlencode(),
        "history_query": _tab_query(request, TaskFilterForm.HISTORY),
        "open_query": _tab_query(request, TaskFilterForm.OPEN),
    }
    return render(request, "alerts/tasks.html", context)


def _tab_query(request, tab: str) -> str:
    """The current filters (kind, assignee) on another tab; the status belongs to its tab."""
    query = request.GET.copy()
    for name in ("page", "status", "tab"):
        query.pop(name, None)
    query["tab"] = tab
    return query.urlencode()


@login_required
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    """«Выполнено»: 404 for another school's task, 403 for a colleague's without oversight."""
    task = get_task_for_user(request.user, task_id, perm="alerts.complete_task")
    form = CompleteTaskForm(request.POST)
    fallback = reverse("alerts:tasks")
    if not form.is_valid():
        messages.error(request, _("Отметка о выполнении не сохранена: не длиннее 500 знаков."))
        return redirect(safe_next(request, request.POST.get("next", ""), fallback))
    try:
        complete_task(task=task, acting_user=request.user, note=form.cleaned_data["note"])
    except ValueError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Выполнено: %(task)s (%(student)s).")
            % {"task": task.get_kind_display(), "student": task.student.short_name},
        )
    return redirect(safe_next(request, form.cleaned_data["next"], fallback))
