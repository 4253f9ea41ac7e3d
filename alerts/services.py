"""Evaluation of the thresholds and the alerts, tasks and notifications it keeps in sync.

``evaluate`` is idempotent: it computes the alerts that should exist for the scope and
brings the table to that state — new episodes fire, continuing ones update their
evidence, episodes that no longer hold (an excuse registered later, a corrected mark)
are resolved with their open tasks cancelled, and an episode that holds again reopens.
A month whose hours pass from one band of seed 002 §2.12 to the other resolves the alert
of the band left, saying so, and hands its open tasks to the alert of the band reached.
Uniqueness constraints make a concurrent or repeated run harmless.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from audit.services import log_action
from journal.calendar import SchoolCalendar, add_working_days
from policy.catalog import HOURS_BANDS
from schools.models import AcademicYear, Enrollment, School, SchoolClass, Student

from . import detect as detection
from .bulk import copy_insert, copy_update
from .config import ThresholdConfig
from .models import Alert, EvaluationRun, Notification, Rule, Task
from .navigation import forget_navigation_counts
from .signals import CaseRequest, RaisedAlert, cases_needed
from .thresholds import (
    ALSO_NOTIFY,
    BAND_SIBLING,
    EMAIL_AT_ONCE,
    OPENS_CASE,
    TASKS,
    Finding,
    findings,
)

logger = logging.getLogger(__name__)

AUTO_CANCEL = _(
    "Сигнал снят: условие больше не выполняется (пропуски оправданы или отметки исправлены)."
)
# Why the alert of a month's band was resolved, by the band its hours passed into
# (thresholds.BAND_SIBLING); its open tasks not handed over are cancelled with the same text.
BAND_LEFT = {
    Rule.LONG_ABSENCE: _(
        "Сигнал снят: пропуски за месяц достигли порога длительных пропусков; работа "
        "продолжается по сигналу «Длительные пропуски за месяц»."
    ),
    Rule.SYSTEMATIC_ABSENCE: _(
        "Сигнал снят: пропуски за месяц ниже порога длительных пропусков (пропуски "
        "оправданы или отметки исправлены); работа продолжается по сигналу "
        "«Систематические пропуски за месяц»."
    ),
}
# Tasks the evaluation itself cancelled: they reopen with their alert.
AUTOMATIC_CANCEL_REASONS = (AUTO_CANCEL, *BAND_LEFT.values())
LOOKBACK_DAYS = 150


@dataclass
class Summary:
    students: int = 0  # whose alerts were re-examined: something about them changed
    fired: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    tasks: int = 0

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def evaluation_window(school_ids, as_of: datetime.date) -> datetime.date:
    """From the start of the current academic year, so a streak is never cut in two."""
    starts = AcademicYear.objects.filter(
        school_id__in=school_ids, start_date__lte=as_of, end_date__gte=as_of
    ).values_list("start_date", flat=True)
    return min(starts, default=as_of - datetime.timedelta(days=LOOKBACK_DAYS))


def evaluate(
    *,
    school_ids=None,
    student_ids=None,
    now: datetime.datetime | None = None,
) -> Summary:
    """Evaluate every rule for some students or whole schools, as of ``now``."""
    now = timezone.localtime(now or timezone.now())
    as_of = now.date()
    if student_ids is not None:
        student_ids = sorted(set(student_ids))
        school_ids = _schools_of_students(student_ids, as_of)
    school_ids = sorted(set(school_ids or []))
    if not school_ids:
        return Summary()
    schools = School.objects.select_related("municipality").in_bulk(school_ids)
    configs = ThresholdConfig.for_schools(schools.values())
    start = evaluation_window(school_ids, as_of)
    found = detection.detect(
        start=start,
        end=as_of,
        school_ids=None if student_ids is not None else school_ids,
        student_ids=student_ids,
        min_streak=min(c.streak_invite_days for c in configs.values()),
        min_unknown_streak=min(c.streak_all_lessons_after_days for c in configs.values()) + 1,
        min_hours=min(c.lowest_hours for c in configs.values()),
        min_percent=min(c.lowest_percent for c in configs.values()),
        schools={
            sid: detection.SchoolInputs(
                fractions=c.fractions,
                hours_from=tuple(c.hour_bands(low)[0] for low, _high, _band in HOURS_BANDS),
                fingerprint=c.fingerprint,
                day_closed=now.time() >= c.unknown_reason_deadline,
            )
            for sid, c in configs.items()
        },
    )
    classes = _classes(found)
    desired = findings(found, as_of=as_of, classes=classes, configs=configs)
    considered = found.considered()
    with transaction.atomic():
        summary = _sync(
            desired,
            considered=considered,
            vanished=found.vanished,
            configs=configs,
            now=now,
        )
    summary.students = len({key[0] for key in considered})
    return summary


def _schools_of_students(student_ids, as_of) -> list[int]:
    return list(
        Enrollment.objects.filter(student_id__in=student_ids, start_date__lte=as_of)
        .values_list("school_id", flat=True)
        .distinct()
    )


def _classes(found) -> dict[int, tuple[int, int]]:
    ids = {
        row.school_class_id
        for category in detection.CATEGORY_RULES
        for row in getattr(found, category)
    }
    return {
        pk: (school_id, grade)
        for pk, school_id, grade in SchoolClass.objects.filter(pk__in=ids).values_list(
            "pk", "school_id", "grade"
        )
    }


def _existing(considered) -> dict[tuple, tuple[int, str, str]]:
    """{(student, rule, episode): (id, status, digest)} of the considered keys, without
    building model instances. One statement with array parameters: a region's first night
    considers some 60,000 students, whose ``IN`` list Django would build value by value."""
    if not considered:
        return {}
    students = sorted({key[0] for key in considered})
    episodes = sorted({key[2] for key in considered})
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, student_id, rule, episode, status, digest FROM {Alert._meta.db_table}"
            " WHERE student_id = ANY(%s) AND episode = ANY(%s)",
            [students, episodes],
        )
        rows = cursor.fetchall()
    return {
        (student_id, rule, episode): (pk, status, digest)
        for pk, student_id, rule, episode, status, digest in rows
        if (student_id, rule, episode) in considered
    }


def _sync(desired, *, considered, vanished, configs, now) -> Summary:
    """Bring the alerts of the ``considered`` keys (those of the rows found changed) in
    line with ``desired``, and resolve the ``vanished`` ones; every other alert of the
    scope was built from an unchanged row and is left alone."""
    summary = Summary()
    existing = _existing(considered)

    new, reopen, update = [], [], []
    for key, finding in desired.items():
        current = existing.get(key)
        if current is None:
            new.append(finding)
            continue
        pk, status, digest = current
        if status != Alert.Status.OPEN:
            reopen.append(pk)
        if digest != finding.digest:
            update.append((pk, finding))
    resolve = [
        pk
        for key, (pk, status, _digest) in existing.items()
        if status == Alert.Status.OPEN and key not in desired
    ] + list(vanished)
    # Of those, the alerts of a month whose hours passed into the other band: {id: the
    # key of that band's alert}.
    band_left = {
        pk: (key[0], BAND_SIBLING[key[1]], key[2])
        for key, (pk, status, _digest) in existing.items()
        if status == Alert.Status.OPEN
        and key[1] in BAND_SIBLING
        and (key[0], BAND_SIBLING[key[1]], key[2]) in desired
    }

    if new:
        # The rows go as text (alerts.bulk): the timestamp is formatted once, not per row.
        summary.fired, summary.tasks = _raise(new, configs, now.isoformat())
    if reopen:
        Alert.objects.filter(pk__in=reopen).update(
            status=Alert.Status.OPEN, resolved_at=None, resolution=""
        )
        Task.objects.filter(
            alert_id__in=reopen,
            status=Task.Status.CANCELLED,
            cancel_reason__in=AUTOMATIC_CANCEL_REASONS,
        ).update(status=Task.Status.OPEN, cancel_reason="")
        summary.reopened = len(reopen)
    if update:
        _update_alerts(update)
        summary.updated = len(update)
    if resolve:
        _hand_over(band_left)
        reasons = {pk: BAND_LEFT[key[1]] for pk, key in band_left.items()}
        for reason in {AUTO_CANCEL, *reasons.values()}:
            pks = [pk for pk in resolve if reasons.get(pk, AUTO_CANCEL) == reason]
            Alert.objects.filter(pk__in=pks, status=Alert.Status.OPEN).update(
                status=Alert.Status.RESOLVED, resolved_at=now, resolution=reason
            )
            Task.objects.filter(alert_id__in=pks, status=Task.Status.OPEN).update(
                status=Task.Status.CANCELLED, cancel_reason=reason
            )
        summary.resolved = len(resolve)
    if summary.fired or summary.resolved or summary.reopened:
        log_action(actor=None, action="alerts.evaluated", data=summary.as_dict())
    return summary


def _hand_over(band_left: dict[int, tuple[int, str, str]]) -> None:
    """Pass the open tasks of alerts resolved because their month left its band to the
    alert of the band reached (``band_left``: resolved id → that alert's key), for the
    kinds that alert opens too: the social pedagogue's casework goes on with its due date
    rather than being cancelled and opened again. A kind that alert already holds, open
    or done, is not passed (the resolution cancels the task)."""
    if not band_left:
        return
    keys = set(band_left.values())
    targets = {
        (student_id, rule, episode): pk
        for pk, student_id, rule, episode in Alert.objects.filter(
            student_id__in={k[0] for k in keys},
            rule__in={k[1] for k in keys},
            episode__in={k[2] for k in keys},
        ).values_list("pk", "student_id", "rule", "episode")
        if (student_id, rule, episode) in keys
    }
    last_sequence: dict[tuple[int, str], int] = defaultdict(int)
    held: set[tuple[int, str]] = set()
    for alert_id, kind, sequence, status in Task.objects.filter(
        alert_id__in=targets.values()
    ).values_list("alert_id", "kind", "sequence", "status"):
        last_sequence[(alert_id, kind)] = max(last_sequence[(alert_id, kind)], sequence)
        if status != Task.Status.CANCELLED:
            held.add((alert_id, kind))
    passed = []
    for task in Task.objects.filter(alert_id__in=band_left, status=Task.Status.OPEN):
        key = band_left[task.alert_id]
        target = (targets[key], task.kind)
        if task.kind not in {spec.kind for spec in TASKS[key[1]]} or target in held:
            continue
        held.add(target)
        last_sequence[target] += 1
        task.alert_id, task.sequence = target[0], last_sequence[target]
        passed.append(task)
    Task.objects.bulk_update(passed, ["alert", "sequence"])


def _held_by_band_siblings(alerts: list[RaisedAlert]) -> set[tuple[int, str]]:
    """(alert id, task kind) of new alerts whose band sibling (thresholds.BAND_SIBLING)
    holds a task of that kind open or done: it is not opened twice (see _hand_over)."""
    siblings = {
        (a.student_id, BAND_SIBLING[a.rule], a.episode): a.pk
        for a in alerts
        if a.rule in BAND_SIBLING
    }
    if not siblings:
        return set()
    rows = Task.objects.filter(
        alert__student_id__in={k[0] for k in siblings},
        alert__rule__in={k[1] for k in siblings},
        alert__episode__in={k[2] for k in siblings},
        status__in=[Task.Status.OPEN, Task.Status.DONE],
    ).values_list("alert__student_id", "alert__rule", "alert__episode", "kind")
    return {
        (siblings[(student_id, rule, episode)], kind)
        for student_id, rule, episode, kind in rows
        if (student_id, rule, episode) in siblings
    }


def _update_alerts(alerts: list[tuple[int, Finding]]) -> None:
    """Write the period end, evidence and digest of the alerts (id, the finding now) in
    one statement (alerts.bulk): a changed threshold rewrites every alert of a region."""
    evidence_json = DjangoJSONEncoder(ensure_ascii=False).encode
    copy_update(
        Alert._meta.db_table,
        ("id", "period_end", "evidence", "digest"),
        (
            (pk, finding.period_end, evidence_json(finding.evidence), finding.digest)
            for pk, finding in alerts
        ),
    )


class _Staff:
    """Who holds each role in the schools concerned, and each class's class teacher."""

    def __init__(self, school_ids, class_ids):
        self.by_role: dict[tuple[int, str], list[int]] = defaultdict(list)
        for school_id, role, user_id in (
            RoleAssignment.objects.filter(school_id__in=school_ids, user__is_active=True)
            .order_by("pk")
            .values_list("school_id", "role", "user_id")
        ):
            self.by_role[(school_id, role)].append(user_id)
        self.class_teacher = dict(
            SchoolClass.objects.filter(pk__in=class_ids).values_list("pk", "class_teacher_id")
        )

    def users(self, role: str, school_id: int, class_id: int) -> list[int]:
        if role == Role.CLASS_TEACHER:
            teacher = self.class_teacher.get(class_id)
            return [teacher] if teacher else []
        return self.by_role.get((school_id, role), [])


def _raise(new: list[Finding], configs, now: str) -> tuple[int, int]:
    """Insert the alerts of the ``new`` findings with their tasks, notifications and cases,
    set-based (alerts.bulk): the first run of a region raises them by the hundred thousand.
    The alerts a concurrent run inserted first are left to it. (alerts raised, tasks)."""
    by_key = {f.key: f for f in new}
    evidence_json = DjangoJSONEncoder(ensure_ascii=False).encode  # one encoder for all
    raised = [
        RaisedAlert(pk, school_id, student_id, rule, episode, start, end)
        for pk, school_id, student_id, rule, episode, start, end in copy_insert(
            Alert._meta.db_table,
            _ALERT_COLUMNS,
            (
                (
                    f.school_id,
                    f.student_id,
                    f.rule,
                    f.episode,
                    f.period_start,
                    f.period_end,
                    evidence_json(f.evidence),
                    f.digest,
                    Alert.Status.OPEN,
                    now,
                    "",
                )
                for f in new
            ),
            returning=("id", *_ALERT_COLUMNS[:6]),
        )
    ]
    if not raised:
        return 0, 0
    found = {alert.pk: by_key[alert.key] for alert in raised}
    staff = _Staff(
        {f.school_id for f in found.values()}, {f.school_class_id for f in found.values()}
    )
    tasks = _open_tasks(raised, found, staff, configs, now)
    with connection.cursor() as cursor:  # an array parameter: see _existing
        cursor.execute(
            f"SELECT id, last_name || ' ' || first_name FROM {Student._meta.db_table}"
            " WHERE id = ANY(%s)",
            [sorted({a.student_id for a in raised})],
        )
        names = dict(cursor.fetchall())
    _notify(tasks, raised, found, staff, names, now)
    _open_cases(raised, found, staff)
    return len(raised), len(tasks)


# Alert columns written by _raise: every NOT NULL one (the models' defaults are Python's).
_ALERT_COLUMNS = (
    "school_id",
    "student_id",
    "rule",
    "episode",
    "period_start",
    "period_end",
    "evidence",
    "digest",
    "status",
    "fired_at",
    "resolution",
)
_TASK_COLUMNS = (
    "school_id",
    "student_id",
    "alert_id",
    "kind",
    "assignee_role",
    "assignee_id",
    "due_date",
    "recurrence_days",
    "sequence",
    "status",
    "created_at",
    "details",
    "note",
    "cancel_reason",
    "result_id",
)


@dataclass(frozen=True, slots=True)
class _NewTask:
    pk: int
    alert_id: int
    student_id: int
    kind: str
    assignee_id: int | None
    due_date: datetime.date


def _open_tasks(
    raised: list[RaisedAlert], found, staff: "_Staff", configs, now: str
) -> list[_NewTask]:
    calendars = _deadline_calendars(found.values())
    held = _held_by_band_siblings(raised)
    rows = []
    due_dates = {}  # (school, trigger day, working days): the due date; few distinct ones

    def due_date(school_id, day, working_days):
        key = (school_id, day, working_days)
        if key not in due_dates:
            calendar = calendars[school_id]
            # Beyond the loaded span (a long deadline) the calendar is read again.
            due_dates[key] = calendar.add_working_days(day, working_days) or add_working_days(
                calendar.school, day, working_days
            )
        return due_dates[key]

    for alert in raised:
        finding, config = found[alert.pk], configs[alert.school_id]
        for spec in TASKS[alert.rule]:
            if (alert.pk, spec.kind) in held:
                continue
            assignees = staff.users(spec.role, alert.school_id, finding.school_class_id)
            due_in = spec.due_working_days(config)
            rows.append(
                (
                    alert.school_id,
                    alert.student_id,
                    alert.pk,
                    spec.kind,
                    spec.role,
                    assignees[0] if assignees else None,
                    due_date(alert.school_id, finding.trigger_day, due_in),
                    spec.recurrence_days(config),
                    1,
                    Task.Status.OPEN,
                    now,
                    "",
                    "",
                    "",
                    "",
                )
            )
    return [
        _NewTask(*row)
        for row in copy_insert(
            Task._meta.db_table,
            _TASK_COLUMNS,
            rows,
            returning=("id", "alert_id", "student_id", "kind", "assignee_id", "due_date"),
        )
    ]


def _open_cases(raised: list[RaisedAlert], found, staff: "_Staff") -> None:
    """Ask for a case for each alert whose rule opens one (casework opens them)."""
    requests = []
    for alert in raised:
        roles = OPENS_CASE.get(alert.rule)
        if not roles:
            continue
        class_id = found[alert.pk].school_class_id
        requests.append(
            CaseRequest(
                alert=alert,
                reason=str(Rule(alert.rule).label),
                responsible=tuple(
                    uid for role in roles for uid in staff.users(role, alert.school_id, class_id)
                ),
            )
        )
    if requests:
        cases_needed.send(sender=Alert, requests=requests)


def _deadline_calendars(found) -> dict[int, SchoolCalendar]:
    """Each school's calendar over the span its new tasks' due dates need (one load for
    all the schools)."""
    days = [f.trigger_day for f in found]
    schools = School.objects.in_bulk({f.school_id for f in found})
    return SchoolCalendar.for_schools(
        schools.values(), min(days), max(days) + datetime.timedelta(days=40)
    )


def _notify(
    tasks: list[_NewTask], raised: list[RaisedAlert], found, staff: _Staff, names, now: str
) -> None:
    # Translated and formatted once, not once a row: a first night writes 300,000.
    template = _("%(task)s: %(student)s, срок %(due)s")
    kinds = {kind.value: str(kind.label) for kind in Task.Kind}
    rules = {rule.value: str(rule.label) for rule in Rule}
    dates: dict[datetime.date, str] = {}
    rows = []
    for task in tasks:
        if task.assignee_id:
            due = dates.get(task.due_date) or dates.setdefault(
                task.due_date, task.due_date.strftime("%d.%m.%Y")
            )
            text = template % {
                "task": kinds[task.kind],
                "student": names[task.student_id],
                "due": due,
            }
            rows.append((task.assignee_id, None, task.pk, text[:500], "", now))
    emails = []
    for alert in raised:
        finding = found[alert.pk]
        for role in ALSO_NOTIFY.get(alert.rule, ()):
            for user_id in staff.users(role, alert.school_id, finding.school_class_id):
                text = f"{rules[alert.rule]}: {names[alert.student_id]}"
                rows.append((user_id, alert.pk, None, text[:500], "", now))
                if alert.rule in EMAIL_AT_ONCE:
                    emails.append((user_id, alert.pk))
    copy_insert(
        Notification._meta.db_table,
        ("user_id", "alert_id", "task_id", "text", "link", "created_at"),
        rows,
    )
    if emails:
        transaction.on_commit(lambda: _send_alert_emails(emails))


def _send_alert_emails(emails) -> None:
    users = User.objects.in_bulk([user_id for user_id, _ in emails])
    alerts = Alert.objects.select_related("student").in_bulk([pk for _, pk in emails])
    for user_id, alert_id in emails:
        user, alert = users.get(user_id), alerts.get(alert_id)
        if user is None or not user.email or alert is None:
            continue
        subject = _("Критерий №22: %(student)s") % {"student": alert.student}
        # The day counts and deadlines are the school's settings: the tasks carry them.
        tasks = "\n".join(
            f"— {task.get_kind_display()}: {task.due_date:%d.%m.%Y}"
            for task in alert.tasks.order_by("due_date", "pk")
        )
        body = _(
            "Обучающийся %(student)s отсутствует на всех уроках без установленной причины "
            "с %(start)s. Задачи по регламенту и их сроки:\n%(tasks)s"
        ) % {
            "student": alert.student,
            "start": alert.period_start.strftime("%d.%m.%Y"),
            "tasks": tasks,
        }
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except OSError:  # the alert and the inbox entry stand; mail is best effort
            logger.exception("Could not e-mail alert %s", alert.pk)


RUN_IS_FRESH = datetime.timedelta(minutes=30)  # older queued/running runs are presumed dead


def start_full_evaluation(*, school: School, acting_user) -> tuple[EvaluationRun, bool]:
    """The deputy's «пересчитать»: queue a full evaluation of the school, or return the
    run already under way. (run, created); the school's row serialises double submits."""
    from .tasks import evaluate_school

    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).exists()
        running = (
            EvaluationRun.objects.filter(
                school=school,
                status__in=[EvaluationRun.Status.QUEUED, EvaluationRun.Status.RUNNING],
                created_at__gte=timezone.now() - RUN_IS_FRESH,
            )
            .order_by("-created_at")
            .first()
        )
        if running is not None:
            return running, False
        run = EvaluationRun.objects.create(school=school, requested_by=acting_user)
        log_action(actor=acting_user, action="alerts.evaluation.requested", obj=run, school=school)
        transaction.on_commit(lambda: evaluate_school.delay(school.pk, run.pk))
    return run, True


def complete_task(*, task: Task, acting_user, note: str = "", result=None) -> Task:
    """Mark a task done; a recurring one (weekly control) opens its next instance."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != Task.Status.OPEN:
            raise ValueError(_("Задача уже закрыта."))
        task.status, task.done_at, task.done_by, task.note = (
            Task.Status.DONE,
            timezone.now(),
            acting_user,
            note,
        )
        if result is not None:
            task.result = result
        task.save()
        if task.recurrence_days and task.alert and task.alert.is_open:
            Task.objects.get_or_create(
                alert=task.alert,
                kind=task.kind,
                sequence=task.sequence + 1,
                defaults={
                    "school_id": task.school_id,
                    "student_id": task.student_id,
                    "assignee_role": task.assignee_role,
                    "assignee_id": task.assignee_id,
                    "due_date": task.due_date + datetime.timedelta(days=task.recurrence_days),
                    "recurrence_days": task.recurrence_days,
                },
            )
        log_action(actor=acting_user, action="alerts.task.done", obj=task, data={"note": note})
    forget_navigation_counts(acting_user.pk)
    return task


def open_task(
    *,
    school,
    student,
    kind: str,
    assignee,
    due_date: datetime.date,
    acting_user,
    details: str = "",
    assignee_role: str = "",
) -> Task:
    """Open a dated task without an alert (casework: a council's assignment, a СОП
    notification) and put it in the assignee's inbox."""
    with transaction.atomic():
        task = Task.objects.create(
            school=school,
            student=student,
            kind=kind,
            assignee=assignee,
            assignee_role=assignee_role,
            due_date=due_date,
            details=details[:500],
        )
        if assignee is not None:
            text = _("%(task)s: %(student)s, срок %(due)s") % {
                "task": details or task.get_kind_display(),
                "student": student.short_name,
                "due": due_date.strftime("%d.%m.%Y"),
            }
            Notification.objects.create(user=assignee, task=task, text=text[:500])
        log_action(
            actor=acting_user,
            action="alerts.task.opened",
            obj=task,
            data={"kind": kind, "due_date": due_date, "assignee_id": getattr(assignee, "pk", None)},
        )
    return task


def cancel_tasks(*, tasks, reason: str, acting_user, school=None) -> int:
    """Cancel the open ones of ``tasks`` (a queryset) with a reason; how many."""
    with transaction.atomic():
        ids = list(
            tasks.filter(status=Task.Status.OPEN).select_for_update().values_list("pk", flat=True)
        )
        Task.objects.filter(pk__in=ids).update(
            status=Task.Status.CANCELLED, cancel_reason=reason[:300]
        )
        if ids:
            log_action(
                actor=acting_user,
                action="alerts.tasks.cancelled",
                school=school,
                data={"task_ids": ids, "reason": reason},
            )
    return len(ids)


def mark_notifications_read(
    *, user, notification: Notification | None = None, alert: Alert | None = None
) -> int:
    """Mark the user's unread notifications read (only ``notification``, or those about
    ``alert`` and its tasks); how many. A notification already read is left as it was (its
    read_at stays)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    if alert is not None:
        unread = unread.filter(Q(alert=alert) | Q(task__alert=alert))
    read = unread.update(read_at=timezone.now())
    if read:
        forget_navigation_counts(user.pk)
    return read
