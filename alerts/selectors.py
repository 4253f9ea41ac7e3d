"""Reads of alerts, tasks and evaluation runs, scoped to the user; one fetch-or-404 helper
per kind of object (``accounts.access``)."""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.access import get_object_for_user
from accounts.inputs import id_or_none
from schools.models import Enrollment, School
from schools.selectors import get_school_for_user

from .models import Alert, EvaluationRun, Notification, Task
from .rules import overseen_school_ids, own_tasks_q, school_alerts_school_ids


def with_class(queryset: QuerySet) -> QuerySet:
    """Annotate alert or task rows with the student's latest class in the row's school.

    Two correlated subqueries instead of a query per row.
    """
    enrollment = Enrollment.objects.filter(
        student_id=OuterRef("student_id"), school_id=OuterRef("school_id")
    ).order_by("-start_date", "-pk")
    return queryset.annotate(
        class_grade=Subquery(enrollment.values("school_class__grade")[:1]),
        class_letter=Subquery(enrollment.values("school_class__letter")[:1]),
    )


def visible_tasks(user) -> QuerySet[Task]:
    """The user's own tasks and, for deputies and directors, every task of their schools."""
    scope = own_tasks_q(user)
    overseen = overseen_school_ids(user)
    if overseen:
        scope |= Q(school_id__in=overseen)
    return Task.objects.filter(scope)


def open_alerts_of_school(school: School, *, school_class_id: int | None = None):
    """The school's open alerts, optionally of the students ever enrolled in one class."""
    alerts = Alert.objects.filter(school=school, status=Alert.Status.OPEN)
    if school_class_id:
        in_class = Enrollment.objects.filter(school_class_id=school_class_id)
        alerts = alerts.filter(student_id__in=in_class.values("student_id"))
    return alerts


def get_alert_for_user(user, alert_id: int) -> Alert:
    """404 for another school's alert, 403 for staff who are not the student's carers."""
    alerts = with_class(Alert.objects.select_related("student", "school"))
    return get_object_for_user(user, alerts, perm="alerts.view_alert", pk=alert_id)


def get_task_for_user(user, task_id: int, *, perm: str) -> Task:
    """404 for another school's task, 403 for a colleague's without oversight."""
    tasks = Task.objects.select_related("student")
    return get_object_for_user(user, tasks, perm=perm, pk=task_id)


def get_evaluation_run_for_user(user, run_id: int) -> EvaluationRun:
    runs = EvaluationRun.objects.select_related("school", "requested_by")
    return get_object_for_user(user, runs, perm="alerts.view_evaluation_run", pk=run_id)


def notifications_for_user(user) -> QuerySet[Notification]:
    """The user's notifications, newest first, with what their rows show."""
    return Notification.objects.filter(user=user).select_related("alert__student", "task__student")


def get_notification_for_user(user, notification_id: int) -> Notification:
    """The user's own notification; anyone else's does not exist (404)."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise Http404
    return notification


def get_school_for_alerts(user, requested: str) -> School:
    """The school asked for (``?school=``) or the user's first school with the overview:
    404 for another school, 403 for staff without the overview."""
    if requested:
        school_id = id_or_none(requested)
        if school_id is None:
            raise Http404
        return get_school_for_user(user, school_id, perm="alerts.view_school_alerts")
    schools = School.objects.all() if user.is_superuser else None
    if schools is None:
        allowed = school_alerts_school_ids(user)
        if not allowed:
            raise PermissionDenied
        schools = School.objects.filter(pk__in=allowed)
    school = schools.order_by("short_name", "pk").first()
    if school is None:
        raise Http404
    return school
