"""Reminders of report deadlines (spec §6: "reminders before and after"), sent each
morning by Celery beat (``reporting.tasks.send_reminders``), into the in-app inbox:

1. **Before**: from ``reports.reminder_before_days`` days before the due day until the due
   time, whoever prepares a report not yet handed in (not submitted, not approved) gets one
   reminder. The run is in the morning, so a рапортичка due on Monday at 12:00 is still
   reminded of on Monday when the setting is 0.
2. **Overdue**: from ``reports.reminder_after_days`` days after the due day, a report still
   not handed in brings one reminder to whoever prepares it and one to whoever approves it.
   A reminder more than a week late is not sent (the first run after an upgrade does not
   flood the inbox with last autumn's reports; the board still shows them).
3. Who: a class's рапортичка and term summary — the class teacher, approved by the
   deputies; the school's weekly report and monthly information — the deputies, approved by
   the directors; the municipality's consolidation — its specialists, approved by the
   region's (``reporting.rules``).
4. Once per report slot (form, scope, period), stage and user: a :class:`Reminder` row is
   the claim, under a unique constraint, so a run repeated or run twice at once sends
   nothing more.
5. The information on a minor not receiving education is a report per child; only its
   due dates are on the board (``reporting.board``), no reminder is sent for it.

Each school's and municipality's settings apply (``policy.services.settings_for``).
"""

import datetime
import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from alerts.models import Notification
from policy.services import settings_for
from schools.models import Municipality, School

from .board import Expected, expected_municipal_reports, expected_reports
from .models import Kind, Reminder
from .rules import CLASS_KINDS

logger = logging.getLogger(__name__)
LATE_WINDOW = datetime.timedelta(days=7)
# Enough past weeks for the latest overdue reminder: 7 days to the due day, up to 14
# after it (the setting's maximum), and the week of LATE_WINDOW.
WEEKS = 5
# A school is reminded while its year runs and for two months after (the May form is due
# in June).
AFTER_YEAR = datetime.timedelta(days=62)


def stage_on(item: Expected, now: datetime.datetime, policy) -> str | None:
    """The reminder due for ``item`` at ``now``, if any (rules 1 and 2)."""
    if item.done:
        return None
    today = timezone.localdate(now)
    due_day = timezone.localdate(item.due)
    if now < item.due:
        before = datetime.timedelta(days=policy["reports.reminder_before_days"])
        return Reminder.Stage.BEFORE if today >= due_day - before else None
    late = due_day + datetime.timedelta(days=policy["reports.reminder_after_days"])
    return Reminder.Stage.OVERDUE if late <= today < late + LATE_WINDOW else None


class _Staff:
    """Who prepares and who approves, for one school or municipality (one query)."""

    def __init__(self, assignments):
        self.by_role: dict[str, list[User]] = defaultdict(list)
        for assignment in assignments.filter(user__is_active=True).select_related("user"):
            self.by_role[assignment.role].append(assignment.user)

    def preparers(self, item: Expected) -> list[User]:
        if item.kind in CLASS_KINDS:
            teacher = item.school_class.class_teacher
            return [teacher] if teacher is not None and teacher.is_active else []
        if item.kind == Kind.MUNICIPAL_MONTHLY:
            return self.by_role[Role.MUNICIPAL]
        return self.by_role[Role.DEPUTY]

    def approvers(self, item: Expected) -> list[User]:
        if item.kind in CLASS_KINDS:
            return self.by_role[Role.DEPUTY]
        if item.kind == Kind.MUNICIPAL_MONTHLY:
            return self.by_role[Role.REGIONAL]
        return self.by_role[Role.DIRECTOR]


def remind_school(school_id: int, *, now: datetime.datetime | None = None) -> int:
    """Send the school's reminders due at ``now``; how many were sent."""
    now = now or timezone.now()
    school = School.objects.select_related("municipality").filter(pk=school_id).first()
    if school is None:
        return 0
    board = expected_reports(school, timezone.localdate(now), weeks=WEEKS, upcoming=True, now=now)
    staff = _Staff(RoleAssignment.objects.filter(school=school))
    return _remind(board.items(), board.policy, staff, now)


def remind_municipality(municipality_id: int, *, now: datetime.datetime | None = None) -> int:
    """Send the reminders of the municipality's consolidation due at ``now``."""
    now = now or timezone.now()
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        return 0
    policy = settings_for(region=municipality.region)
    items = expected_municipal_reports(
        municipality, timezone.localdate(now), policy=policy, upcoming=True, now=now
    )
    staff = _Staff(
        RoleAssignment.objects.filter(
            Q(role=Role.MUNICIPAL, municipality=municipality)
            | Q(role=Role.REGIONAL, region_id=municipality.region_id)
        )
    )
    return _remind(items, policy, staff, now)


def _remind(items, policy, staff: _Staff, now) -> int:
    sent = 0
    for item in items:
        stage = stage_on(item, now, policy)
        if stage is None:
            continue
        users = staff.preparers(item)
        if stage == Reminder.Stage.OVERDUE:
            users = users + [user for user in staff.approvers(item) if user not in users]
        for user in users:
            sent += _send(item, stage, user)
    return sent


def _send(item: Expected, stage: str, user: User) -> int:
    """Claim the reminder and put it in the user's inbox, in one transaction; 0 when it was
    sent before (by this run's twin, or yesterday's run)."""
    scope = {
        "kind": item.kind,
        "municipality": item.municipality or item.school.municipality,
        "school": item.school,
        "school_class": item.school_class,
        "period_start": item.period_start,
        "stage": stage,
        "user": user,
    }
    if Reminder.objects.filter(**scope).exists():
        return 0
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, text=_text(item, stage)[:500], link=_link(item, user)
            )
            Reminder.objects.create(**scope, due_at=item.due, notification=notification)
    except IntegrityError:  # claimed a moment ago by a run at the same time
        return 0
    return 1


def _text(item: Expected, stage: str) -> str:
    if item.period_start.month != item.period_end.month or item.kind in CLASS_KINDS:
        period = f"{item.period_start:%d.%m}–{item.period_end:%d.%m.%Y}"
    else:
        period = date_format(item.period_start, "F Y")
    scope = item.school_class or (item.school.short_name if item.school else "")
    scope = scope or item.municipality.name
    values = {
        "kind": Kind(item.kind).label,
        "scope": scope,
        "period": period,
        "due": date_format(timezone.localtime(item.due), "d.m.Y H:i"),
    }
    if stage == Reminder.Stage.BEFORE:
        return _("Срок сдачи %(due)s: %(kind)s — %(scope)s, %(period)s") % values
    return _("Просрочен (срок был %(due)s): %(kind)s — %(scope)s, %(period)s") % values


def _link(item: Expected, user: User) -> str:
    """The report's page when it is open and the user may read it, else the board (the
    municipality's reports for its consolidation)."""
    if item.report is not None and user.has_perm("reporting.view_report", item.report):
        return reverse("reporting:detail", args=[item.report.pk])
    if item.school is not None:
        return f"{reverse('reporting:board')}?school={item.school.pk}"
    return reverse("reporting:list")


def schools_to_remind(today: datetime.date) -> list[int]:
    """Schools whose academic year is under way or ended less than two months ago."""
    return list(
        School.objects.filter(
            academic_years__start_date__lte=today,
            academic_years__end_date__gte=today - AFTER_YEAR,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def municipalities_to_remind(today: datetime.date) -> list[int]:
    return list(
        Municipality.objects.filter(schools__pk__in=schools_to_remind(today))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
