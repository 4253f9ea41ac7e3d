"""Lessons left unmarked (seed 002 §3.4: the subject teacher marks the absent every day;
issue #15 point 8), run every few minutes by Celery beat (``alerts.tasks.remind_unmarked``).

1. **The teacher**: a scheduled lesson whose attendance is still not taken
   ``journal.unmarked_reminder_minutes`` after it ended (its bell period's end) brings its
   teacher one reminder: an inbox entry leading to the lesson's page, and an e-mail. An
   :class:`UnmarkedLessonReminder` row is the claim, under a unique lesson, so a run
   repeated, or two runs at once, send nothing more. A lesson without a bell period has no
   known end: it is only on the evening list.
2. **The deputies**: from ``journal.unmarked_digest_time`` the school's deputies (its
   directors when it has none) get the list of the day's lessons that have begun and are
   still unmarked, once per school and day (:class:`UnmarkedLessonsDigest`); none when every
   lesson is marked.

Only the current day is looked at: a day the task did not run is not reminded of later
(the unmarked lessons page and the dashboards keep showing it). Each school's settings
apply (``policy.services``).
"""

import datetime
import itertools
import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from journal import selectors as journal_selectors
from journal.models import Lesson
from journal.services.marks import lesson_start
from policy.services import settings_for_schools
from schools.models import School

from .models import Notification, UnmarkedLessonReminder, UnmarkedLessonsDigest

logger = logging.getLogger(__name__)
TEXT_LIMIT = 500  # Notification.text


def unmarked_lessons_on(day: datetime.date) -> list[Lesson]:
    """Every school's scheduled lessons of ``day`` whose attendance is not taken, by school
    and period (one query)."""
    return list(
        Lesson.objects.filter(
            date=day, status=Lesson.Status.SCHEDULED, attendance_taken_at__isnull=True
        )
        .select_related("school__municipality", "school_class", "subject", "group", "teacher")
        .order_by(
            "school_id", "period", "school_class__grade", "school_class__letter", "group_id", "pk"
        )
    )


def lesson_end(lesson: Lesson, bell) -> datetime.datetime | None:
    """When the lesson ends by its bell period; None without one."""
    if bell is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(lesson.date, bell.end_time))


def remind_unmarked(now: datetime.datetime | None = None) -> dict:
    """Send the reminders and evening lists due at ``now``; how many of each were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    lessons = unmarked_lessons_on(today)
    if not lessons:
        return {"reminders": 0, "digests": 0}
    bells = journal_selectors.bells_of(lessons)
    schools = {lesson.school_id: lesson.school for lesson in lessons}
    policies = settings_for_schools(schools.values())
    reminded = set(
        UnmarkedLessonReminder.objects.filter(lesson__in=lessons).values_list(
            "lesson_id", flat=True
        )
    )
    reminders = 0
    for lesson in lessons:
        end = lesson_end(lesson, bells.get((lesson.school_id, lesson.period)))
        if end is None or lesson.pk in reminded or not lesson.teacher.is_active:
            continue
        delay = datetime.timedelta(
            minutes=policies[lesson.school_id]["journal.unmarked_reminder_minutes"]
        )
        if now >= end + delay and _remind_teacher(lesson, now):
            reminders += 1

    digests = 0
    sent_today = set(
        UnmarkedLessonsDigest.objects.filter(date=today, school_id__in=schools).values_list(
            "school_id", flat=True
        )
    )
    for school_id, items in itertools.groupby(lessons, key=lambda lesson: lesson.school_id):
        at = timezone.make_aware(
            datetime.datetime.combine(today, policies[school_id]["journal.unmarked_digest_time"])
        )
        if school_id in sent_today or now < at:
            continue
        begun = [
            lesson
            for lesson in items
            if lesson_start(lesson, bells.get((school_id, lesson.period))) <= now
        ]
        if begun and _send_digest(schools[school_id], today, begun, now):
            digests += 1
    return {"reminders": reminders, "digests": digests}


def describe(lesson: Lesson) -> str:
    """«3-й урок, 5А (1 группа), Математика»."""
    school_class = str(lesson.school_class)
    if lesson.group_id:
        school_class = f"{school_class} ({lesson.group.name})"
    return _("%(period)s-й урок, %(class)s, %(subject)s") % {
        "period": lesson.period,
        "class": school_class,
        "subject": lesson.subject,
    }


def _remind_teacher(lesson: Lesson, now: datetime.datetime) -> bool:
    """One reminder for ``lesson``; False when another run has claimed it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = UnmarkedLessonReminder.objects.create(
                    lesson=lesson, teacher=lesson.teacher, sent_at=now
                )
        except IntegrityError:
            return False
        text = _(
            "Не отмечена посещаемость: %(lesson)s, %(date)s. Отметьте отсутствующих или "
            "нажмите «Все остальные присутствуют»."
        ) % {"lesson": describe(lesson), "date": date_format(lesson.date, "j E")}
        link = reverse("journal:lesson", args=[lesson.pk])
        reminder.notification = Notification.objects.create(
            user=lesson.teacher, text=text[:TEXT_LIMIT], link=link
        )
        reminder.save(update_fields=["notification"])
        subject = _("Не отмечена посещаемость урока %(date)s") % {
            "date": date_format(lesson.date, "j E")
        }
        body = f"{text}\n\n{_site_url(link)}\n"
        transaction.on_commit(partial(_send_emails, [lesson.teacher_id], subject, body))
    return True


def digest_recipients(school: School) -> list[int]:
    """The school's active deputies; its directors when it has no deputy."""
    for role in (Role.DEPUTY, Role.DIRECTOR):
        users = sorted(
            set(
                RoleAssignment.objects.filter(
                    school=school, role=role, user__is_active=True
                ).values_list("user_id", flat=True)
            )
        )
        if users:
            return users
    return []


def _send_digest(school: School, day: datetime.date, lessons: list[Lesson], now) -> bool:
    """The evening list of ``school``; False when it was sent already (another run)."""
    recipients = digest_recipients(school)
    with transaction.atomic():
        try:
            with transaction.atomic():
                UnmarkedLessonsDigest.objects.create(
                    school=school,
                    date=day,
                    lessons=[lesson.pk for lesson in lessons],
                    recipients=recipients,
                    sent_at=now,
                )
        except IntegrityError:
            return False
        if not recipients:
            return True
        lines = [
            _("%(lesson)s — %(teacher)s")
            % {"lesson": describe(lesson), "teacher": lesson.teacher.short_name}
            for lesson in lessons
        ]
        head = _("%(school)s, %(date)s: уроков без отметки посещаемости — %(count)s.") % {
            "school": school,
            "date": date_format(day, "j E"),
            "count": len(lessons),
        }
        text = f"{head} {'; '.join(lines)}"
        if len(text) > TEXT_LIMIT:
            text = text[: TEXT_LIMIT - 1] + "…"
        query = f"?date_from={day:%Y-%m-%d}&date_to={day:%Y-%m-%d}"
        link = reverse("journal:unmarked") + query
        Notification.objects.bulk_create(
            [Notification(user_id=user_id, text=text, link=link) for user_id in recipients]
        )
        subject = _("Неотмеченные уроки %(date)s: %(school)s") % {
            "date": date_format(day, "j E"),
            "school": school,
        }
        body = "\n".join([head, "", *lines, "", _site_url(link)]) + "\n"
        transaction.on_commit(partial(_send_emails, recipients, subject, body))
    return True


def _site_url(path: str) -> str:
    return f"{getattr(settings, 'NOTIFY_SITE_URL', '').rstrip('/')}{path}"


def _send_emails(user_ids: list[int], subject: str, body: str) -> None:
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except OSError:  # the inbox entry stands; mail is best effort
            logger.exception("Could not e-mail an unmarked lessons notice to user %s", user.pk)
