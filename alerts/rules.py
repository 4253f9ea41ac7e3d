"""Who may see alerts and act on tasks (spec §1, §4), and the task scopes that agree with them.

Declared here like every app's permissions (the thresholds are ``alerts/thresholds.py``);
``rules.apps.AutodiscoverRulesConfig`` imports this module at start. Views only ask
``user.has_perm``.

* An **alert** is seen by the student's class teacher and by the social pedagogue, deputy and
  director of the alert's school.
* A **task** is done by its assignee; an unassigned one by whoever holds its role in the
  school (for the class teacher's role: the student's class teacher); deputies and directors
  oversee every task of their school.
"""

import datetime

import rules
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.roles import OVERSEER_ROLES, SCHOOL_ROLES, WHOLE_SCHOOL_ROLES, Role
from accounts.rules import has_school_role, holds_school_role, is_whole_school_staff
from accounts.selectors import has_role, school_ids_for_user, school_ids_with_role
from schools.models import Enrollment


def _led_enrollments(user, since: datetime.date):
    """Enrollments, not ended before ``since``, in classes the user leads as class teacher."""
    return Enrollment.objects.filter(
        school_id__in=school_ids_with_role(user, Role.CLASS_TEACHER),
        school_class__class_teacher=user,
    ).exclude(end_date__lt=since)


@rules.predicate
def is_class_teacher_of_alert_student(user, alert) -> bool:
    """The student's class teacher in the alert's school during or after the episode."""
    return (
        alert is not None
        and has_role(user, Role.CLASS_TEACHER, alert.school_id)
        and _led_enrollments(user, alert.period_start)
        .filter(student_id=alert.student_id, school_id=alert.school_id)
        .exists()
    )


@rules.predicate
def is_task_assignee(user, task) -> bool:
    return task is not None and task.assignee_id == user.pk


@rules.predicate
def holds_role_of_unassigned_task(user, task) -> bool:
    if task is None or task.assignee_id is not None:
        return False
    if not has_role(user, task.assignee_role, task.school_id):
        return False
    if task.assignee_role != Role.CLASS_TEACHER:
        return True
    return (
        _led_enrollments(user, timezone.localdate())
        .filter(student_id=task.student_id, school_id=task.school_id)
        .exists()
    )


is_school_overseer = has_school_role(*OVERSEER_ROLES)

rules.add_perm("alerts.view_alert", is_class_teacher_of_alert_student | is_whole_school_staff)
rules.add_perm(
    "alerts.complete_task", is_task_assignee | holds_role_of_unassigned_task | is_school_overseer
)
# On a School: the overview of its open alerts, and the on-demand full evaluation.
rules.add_perm("alerts.view_school_alerts", is_whole_school_staff)
# The navigation's link to the overview: whole-school staff of some school.
rules.add_perm("alerts.view_any_school_alerts", holds_school_role(*WHOLE_SCHOOL_ROLES))
rules.add_perm("alerts.run_evaluation", is_school_overseer)
# On an EvaluationRun (it has a school_id); a nightly run of all schools has none: superusers.
rules.add_perm("alerts.view_evaluation_run", is_whole_school_staff)


def own_tasks_q(user) -> Q:
    """Tasks assigned to the user, or unassigned and waiting for a role they hold.

    The same people as ``is_task_assignee | holds_role_of_unassigned_task``, as one filter.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    staff_schools = school_ids_for_user(user)
    scope = Q(assignee=user)
    for role in sorted(SCHOOL_ROLES - {Role.CLASS_TEACHER}):
        schools = school_ids_with_role(user, role)
        if schools:
            scope |= Q(assignee__isnull=True, assignee_role=role, school_id__in=schools)
    if school_ids_with_role(user, Role.CLASS_TEACHER):
        led = _led_enrollments(user, timezone.localdate()).filter(
            student_id=OuterRef("student_id"), school_id=OuterRef("school_id")
        )
        scope |= Q(Exists(led), assignee__isnull=True, assignee_role=Role.CLASS_TEACHER)
    # A former assignee who left the school no longer sees its pupils' tasks.
    return scope & Q(school_id__in=staff_schools)


def overseen_school_ids(user) -> frozenset[int]:
    """Schools whose every task the user sees (``is_school_overseer``)."""
    return school_ids_with_role(user, *OVERSEER_ROLES)


def school_alerts_school_ids(user) -> frozenset[int]:
    """Schools whose alert overview the user may open (``alerts.view_school_alerts``)."""
    return school_ids_with_role(user, *WHOLE_SCHOOL_ROLES)
