"""The dashboards of the class teacher and of the school (R-C-9): data builders.

A dashboard row is one student's month to date, read from the facts the attendance
triggers keep (``alerts.models.ClassDay`` and ``StudentDay``):

1. **Missed**: lessons missed without a valid reason (invalid + unknown, R-J-2) on the
   student's days of this school from the first of the month to today.
2. **Scheduled** (the instructional time so far): the whole-class lessons of the current
   class's school days from the first of the month (or the enrollment's start, if later)
   to today, plus, on the days the student missed lessons without a valid reason, the
   lessons of their groups (the triggers count them per student on those days). Group
   lessons of other days are not counted: finding them would mean reading every lesson
   and membership, and a day without absences adds nothing to the missed lessons, so
   the share errs only slightly high, on the side of warning.
3. **Streak**: the school days in a row, up to today, missed without a valid reason
   (more than the setting's share of the day's lessons, seed 002 §2.7) in the current
   class, as the threshold engine counts them (``alerts.detect``). Today counts when
   already missed; a today without such absences yet does not break yesterday's streak
   (the day is not over). Likewise the days in a row absent from every lesson for a
   reason still unknown (criterion №22, seed 001).
4. **Early warning**: on course to cross a threshold this month: one more day missed
   would reach a streak rule (invite the parents, memo to the director, home visit, or
   criterion №22);
   the hours reach 80 % of the grade's next monthly band (systematic, then long); the
   share of instructional time so far reaches 80 % of the month's threshold, or the
   threshold itself (judged by the engine only when the month is over).

The functions ``month_attendance`` and ``early_warnings`` are pure (rows in, numbers and
words out): ``tests/home/test_dashboards.py`` checks them against a plain version with
hypothesis. The builders below read a fixed number of queries whatever the number of
students.
"""

import datetime
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.config import ThresholdConfig
from alerts.models import Alert, ClassDay, Rule, StudentDay, Task
from casework.models import Case
from journal.selectors import unmarked_lessons_for_user
from journal.services.marks import with_marking_times

# A warning is raised at this share of a threshold (80 %).
WARNING_SHARE = Fraction(4, 5)
TREND_WEEKS = 4


# ---- Pure part: facts in, numbers and words out ---------------------------------------


class ClassDayFact(NamedTuple):  # tuples: a school's page reads thousands of facts
    """A school day of the student's current class."""

    date: datetime.date
    day_no: int
    whole: int  # whole-class lessons scheduled


class StudentDayFact(NamedTuple):
    """A day on which the student missed lessons (a StudentDay row)."""

    date: datetime.date
    day_no: int
    school_class_id: int
    lessons: int  # the student's scheduled lessons that day
    without_valid: int  # missed without a valid reason (invalid + unknown)
    all_unknown: bool = False  # absent from every lesson, the reason unknown (criterion №22)


@dataclass(frozen=True)
class Limits:
    """The thresholds early warning compares with, for one school and grade."""

    # (days in a row that fire the rule, what the rule asks for), ascending.
    streaks: tuple[tuple[int, str], ...]
    systematic: int  # monthly hours without a valid reason, seed 002 §2.12
    long: int
    month_percent: Decimal
    month_comparison: str  # ">=" or ">"
    day_share: Fraction  # a day is missed beyond this share of its lessons
    # Days in a row absent from every lesson for a reason unknown that fire criterion №22.
    all_lessons_days: int = 11

    @classmethod
    def from_config(cls, config: ThresholdConfig, grade: int) -> "Limits":
        systematic, long = config.hour_bands(grade)
        streaks = (
            (config.streak_invite_days, _("вызов родителей на беседу")),
            (config.streak_memo_after_days + 1, _("докладная записка директору")),
            (config.streak_home_visit_after_days + 1, _("посещение семьи")),
        )
        return cls(
            streaks=tuple(sorted(streaks, key=lambda item: item[0])),
            systematic=systematic,
            long=long,
            month_percent=config.month_percent,
            month_comparison=config.month_comparison,
            day_share=config.fractions.day,
            all_lessons_days=config.streak_all_lessons_after_days + 1,
        )


@dataclass(frozen=True)
class Attendance:
    """A student's month to date."""

    missed: int
    scheduled: int
    streak: int
    unknown_streak: int = 0  # days in a row absent from every lesson, reason unknown


def day_missed(day: StudentDayFact, share: Fraction) -> bool:
    """Seed 002 §2.7: more than ``share`` of the day's lessons missed without a valid reason."""
    return day.lessons > 0 and day.without_valid * share.denominator > share.numerator * day.lessons


class ClassCalendar:
    """A class's school days up to today, with what every student's row asks of them
    worked out once per class (a school's thousand rows share forty calendars)."""

    def __init__(self, class_days: Sequence[ClassDayFact], today: datetime.date):
        self.today = today
        self.past = [d for d in class_days if d.date <= today]
        self._counted: dict[datetime.date, dict[datetime.date, int]] = {}

    def counted(self, start: datetime.date) -> dict[datetime.date, int]:
        """{date: whole-class lessons} of the school days from ``start`` to today."""
        if start not in self._counted:
            self._counted[start] = {d.date: d.whole for d in self.past if d.date >= start}
        return self._counted[start]

    def streak(self, missed_day_nos: set[int]) -> int:
        """School days in a row missed up to today (today only once missed: not over)."""
        if not self.past:
            return 0
        number = self.past[-1].day_no
        if self.past[-1].date == self.today and number not in missed_day_nos:
            number -= 1
        length = 0
        while number in missed_day_nos:
            length, number = length + 1, number - 1
        return length


def month_attendance(
    *,
    days: Iterable[StudentDayFact],
    calendar: ClassCalendar,
    school_class_id: int,
    month_start: datetime.date,
    since: datetime.date,
    day_share: Fraction,
) -> Attendance:
    """Missed and scheduled lessons and the current streak (see the module's docstring).

    ``days``: the student's days with lessons missed without a valid reason, at least
    since the streak could start; ``calendar``: the current class's school days up to
    today; ``since``: the start of the current enrollment."""
    today = calendar.today
    counted = calendar.counted(max(month_start, since))
    missed = scheduled = 0
    missed_day_nos, unknown_day_nos = set(), set()
    for day in days:
        if day.without_valid <= 0 or day.date > today:
            continue
        if day.date >= month_start:
            missed += day.without_valid
            scheduled += max(0, day.lessons - counted.get(day.date, 0))
        if day.school_class_id == school_class_id and day_missed(day, day_share):
            missed_day_nos.add(day.day_no)
        if day.school_class_id == school_class_id and day.all_unknown:
            unknown_day_nos.add(day.day_no)
    scheduled += sum(counted.values())
    return Attendance(
        missed, scheduled, calendar.streak(missed_day_nos), calendar.streak(unknown_day_nos)
    )


def _days_in_a_row(days: int) -> str:
    """«3 дня подряд»: Russian has three plural forms, gettext's source language one."""
    if days % 10 == 1 and days % 100 != 11:
        return _("%(days)s день подряд") % {"days": days}
    if 2 <= days % 10 <= 4 and not 12 <= days % 100 <= 14:
        return _("%(days)s дня подряд") % {"days": days}
    return _("%(days)s дней подряд") % {"days": days}


def percent_of(part: int, whole: int) -> int:
    """Whole percent, rounded down (80 % means at least 80 %)."""
    return 100 * part // whole if whole > 0 else 0


def share_reached(missed: int, scheduled: int, limits: Limits) -> bool:
    if scheduled <= 0:
        return False
    share, limit = 100 * missed, limits.month_percent * scheduled
    return share >= limit if limits.month_comparison == ">=" else share > limit


def early_warnings(attendance: Attendance, limits: Limits) -> list[str]:
    """What the student is on course to cross this month, in words (empty when nothing)."""
    warnings = []
    streak = attendance.streak
    following = [(days, what) for days, what in limits.streaks if days > streak]
    if streak > 0 and following and following[0][0] == streak + 1:
        days, what = following[0]
        warnings.append(
            _("ещё 1 день без уважительной причины — %(row)s (%(what)s)")
            % {"row": _days_in_a_row(days), "what": what}
        )
    if attendance.unknown_streak > 0 and attendance.unknown_streak + 1 == limits.all_lessons_days:
        warnings.append(
            _(
                "ещё 1 день отсутствия на всех уроках без установленной причины — %(row)s "
                "(критерий №22: сообщить заместителю директора)"
            )
            % {"row": _days_in_a_row(limits.all_lessons_days)}
        )
    missed = attendance.missed
    for band, long in ((limits.systematic, False), (limits.long, True)):
        if missed >= band:
            continue
        if band > 0 and missed * WARNING_SHARE.denominator >= WARNING_SHARE.numerator * band:
            warnings.append(
                _(
                    "%(percent)s %% порога часов за месяц (%(band_name)s пропуски): %(missed)s из %(band)s ч"
                )
                % {
                    "percent": percent_of(missed, band),
                    "band_name": _("длительные") if long else _("систематические"),
                    "missed": missed,
                    "band": band,
                }
            )
        break
    scheduled, limit = attendance.scheduled, limits.month_percent
    if share_reached(missed, scheduled, limits):
        warnings.append(
            _("пропущено %(percent)s %% учебного времени месяца — порог %(limit)s %%")
            % {"percent": percent_of(missed, scheduled), "limit": _percent_text(limit)}
        )
    elif scheduled > 0 and 100 * missed * WARNING_SHARE.denominator >= (
        WARNING_SHARE.numerator * limit * scheduled
    ):
        warnings.append(
            _("пропущено %(percent)s %% учебного времени месяца — близко к порогу %(limit)s %%")
            % {"percent": percent_of(missed, scheduled), "limit": _percent_text(limit)}
        )
    return warnings


def _percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


class Level:
    """How a row is coloured, from the worst reached."""

    OK = "ok"
    WATCH = "watch"  # an early warning
    SYSTEMATIC = "systematic"  # the systematic band or the share reached
    LONG = "long"  # the long band reached

    ORDER = {OK: 0, WATCH: 1, SYSTEMATIC: 2, LONG: 3}


def level_of(attendance: Attendance, limits: Limits, warnings: list[str]) -> str:
    if attendance.missed >= limits.long:
        return Level.LONG
    if attendance.missed >= limits.systematic or share_reached(
        attendance.missed, attendance.scheduled, limits
    ):
        return Level.SYSTEMATIC
    return Level.WATCH if warnings else Level.OK


# ---- Rows and figures ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pupil:
    """What a row shows of a student (a thousand model instances would cost more than the
    rest of the page)."""

    pk: int
    last_name: str
    first_name: str
    patronymic: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


class CaseStatus:
    """The filter of the school dashboard: the student's case, or the registry."""

    NONE = "none"
    OPEN = Case.Status.OPEN
    MONITORING = Case.Status.MONITORING
    CLOSED = Case.Status.CLOSED
    REGISTRY = "registry"


@dataclass
class StudentRow:
    student: Pupil
    school_class: object
    attendance: Attendance
    limits: Limits
    warnings: list[str]
    level: str
    case_status: str  # CaseStatus; «none» without any case
    on_registry: bool
    case_id: int | None = None  # the case of ``case_status``
    absent_today: bool = False  # absent from a lesson of the school today
    unknown_today: bool = False  # … for a reason still unknown
    days: Sequence[StudentDayFact] = ()  # read for the trend

    @property
    def percent(self) -> int:
        return percent_of(self.attendance.missed, self.attendance.scheduled)

    @property
    def band_reached(self) -> str | None:
        """«long» or «systematic» when the month's hours reached that band."""
        if self.attendance.missed >= self.limits.long:
            return Level.LONG
        if self.attendance.missed >= self.limits.systematic:
            return Level.SYSTEMATIC
        return None

    @property
    def bar_width(self) -> int:
        """The bar's length in % of the long band (full at the long band)."""
        return min(100, percent_of(self.attendance.missed, self.limits.long))

    @property
    def systematic_at(self) -> int:
        """Where the systematic band sits on the bar, in %."""
        return min(100, percent_of(self.limits.systematic, self.limits.long))

    @property
    def severity(self) -> tuple:
        return (-Level.ORDER[self.level], -self.attendance.missed, -len(self.warnings))

    @property
    def case_url(self) -> str:
        """One click into the case: the active one, else the page that offers to open one."""
        if self.active_case_id is not None:
            return reverse("casework:case_detail", kwargs={"case_id": self.active_case_id})
        return reverse("casework:student_case", kwargs={"student_id": self.student.pk})

    @property
    def active_case_id(self) -> int | None:
        """The case the row opens; None sends to the student's case page (to open one)."""
        if self.case_status in (CaseStatus.OPEN, CaseStatus.MONITORING):
            return self.case_id
        return None

    def case_status_label(self) -> str:
        return CASE_STATUS_LABELS.get(self.case_status, "")


CASE_STATUS_LABELS = {
    CaseStatus.NONE: "",
    CaseStatus.OPEN: Case.Status.OPEN.label,
    CaseStatus.MONITORING: Case.Status.MONITORING.label,
    CaseStatus.CLOSED: Case.Status.CLOSED.label,
}


@dataclass(frozen=True)
class TrendWeek:
    monday: datetime.date
    missed: int
    height: int  # in % of the highest week

    @property
    def bar_y(self) -> int:
        return 100 - self.height

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)


def window_start(today: datetime.date) -> datetime.date:
    """The first day read: the month's first day or the trend's first Monday, whichever is
    earlier (the streak rules need at most a week before them)."""
    return min(today.replace(day=1), _monday(today) - datetime.timedelta(weeks=TREND_WEEKS - 1))


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def trend(days: Iterable[StudentDayFact], today: datetime.date) -> list[TrendWeek]:
    """Lessons missed without a valid reason in each of the last four weeks (this one too)."""
    first = _monday(today) - datetime.timedelta(weeks=TREND_WEEKS - 1)
    sums = [0] * TREND_WEEKS
    for day in days:
        if first <= day.date <= today:
            sums[(day.date - first).days // 7] += day.without_valid
    top = max(sums) or 1
    return [
        TrendWeek(first + datetime.timedelta(weeks=n), missed, 100 * missed // top)
        for n, missed in enumerate(sums)
    ]


# ---- Reads -------------------------------------------------------------------------------


# The students enrolled on a day (%(day)s) in some classes (%(class_ids)s), in name order,
# with: the start of their enrollment; their case in the enrollment's school (an active
# one first, else the latest closed one: its id and status, NULL without any); whether
# they are on that school's registry now; whether they were absent from a lesson of the
# school on the day, and whether with a reason still unknown. Set-based: the cases,
# placements and the day's marks are read once for the school, not once per student.
STUDENTS_OF_CLASSES = """
SELECT e.student_id, e.school_class_id, e.start_date,
       s.last_name, s.first_name, s.patronymic,
       c.id AS case_id, c.status AS case_status,
       r.student_id IS NOT NULL AS on_registry,
       COALESCE(m.absent, FALSE) AS absent_today,
       COALESCE(m.unknown, FALSE) AS unknown_today
FROM schools_enrollment e
JOIN schools_student s ON s.id = e.student_id
LEFT JOIN LATERAL (
    SELECT k.id, k.status FROM casework_case k
    WHERE k.student_id = e.student_id AND k.school_id = e.school_id
    ORDER BY k.status = 'closed', k.opened_at DESC
    LIMIT 1
) c ON TRUE
LEFT JOIN (
    SELECT DISTINCT student_id, school_id FROM casework_registryplacement
    WHERE removed_on IS NULL
) r ON r.student_id = e.student_id AND r.school_id = e.school_id
LEFT JOIN (
    SELECT student_id, school_id, TRUE AS absent, bool_or(reason_status = 'unknown') AS unknown
    FROM journal_mark
    WHERE date = %(day)s AND kind = 'absent'
    GROUP BY student_id, school_id
) m ON m.student_id = e.student_id AND m.school_id = e.school_id
WHERE e.school_class_id = ANY(%(class_ids)s)
  AND e.start_date <= %(day)s AND (e.end_date IS NULL OR e.end_date >= %(day)s)
ORDER BY s.last_name, s.first_name, s.patronymic, e.id
"""
EnrolledStudent = namedtuple(
    "EnrolledStudent",
    "student_id school_class_id start_date last_name first_name patronymic case_id "
    "case_status on_registry absent_today unknown_today",
)


def _enrollments(classes, today: datetime.date) -> list[EnrolledStudent]:
    """STUDENTS_OF_CLASSES for ``classes`` today: one query."""
    with connection.cursor() as cursor:
        cursor.execute(STUDENTS_OF_CLASSES, {"day": today, "class_ids": [c.pk for c in classes]})
        return [EnrolledStudent(*row) for row in cursor.fetchall()]


def _student_days(school_ids, today, student_ids=None) -> dict[int, list[StudentDayFact]]:
    """The students' days with lessons missed without a valid reason since the window's
    start, by student: one query."""
    rows = StudentDay.objects.filter(
        school_id__in=school_ids, date__gte=window_start(today), date__lte=today
    ).filter(Q(invalid__gt=0) | Q(unknown__gt=0))
    if student_ids is not None:
        rows = rows.filter(student_id__in=student_ids)
    by_student = defaultdict(list)
    for student_id, date, day_no, class_id, lessons, invalid, unknown in rows.values_list(
        "student_id", "date", "day_no", "school_class_id", "lessons", "invalid", "unknown"
    ):
        by_student[student_id].append(
            StudentDayFact(
                date, day_no, class_id, lessons, invalid + unknown, 0 < lessons == unknown
            )
        )
    return by_student


def _class_days(class_ids, today) -> dict[int, list[ClassDayFact]]:
    """The classes' school days since the window's start, in date order: one query."""
    rows = ClassDay.objects.filter(
        school_class_id__in=class_ids, date__gte=window_start(today), date__lte=today
    ).order_by("date")
    by_class = defaultdict(list)
    for class_id, date, day_no, whole in rows.values_list(
        "school_class_id", "date", "day_no", "whole"
    ):
        by_class[class_id].append(ClassDayFact(date, day_no, whole))
    return by_class


def student_rows(classes, today: datetime.date, *, whole_school: bool) -> list[StudentRow]:
    """One row per student enrolled today in ``classes`` (loaded with their school and its
    municipality), in name order. Four queries: the schools' settings, the enrollments
    (with cases, registry and today's absences), the student days, the class days."""
    classes = list(classes)
    if not classes:
        return []
    schools = {c.school_id: c.school for c in classes}
    configs = ThresholdConfig.for_schools(schools.values())
    enrollments = _enrollments(classes, today)
    student_ids = None if whole_school else [e.student_id for e in enrollments]
    days = _student_days(list(schools), today, student_ids)
    class_days = _class_days([c.pk for c in classes], today)
    month_start = today.replace(day=1)
    limits = {}
    calendars = {c.pk: ClassCalendar(class_days.get(c.pk, ()), today) for c in classes}
    rows = []
    classes_by_id = {c.pk: c for c in classes}
    for enrolled in enrollments:
        school_class = classes_by_id[enrolled.school_class_id]
        key = (school_class.school_id, school_class.grade)
        if key not in limits:
            limits[key] = Limits.from_config(configs[school_class.school_id], school_class.grade)
        attendance = month_attendance(
            days=days.get(enrolled.student_id, ()),
            calendar=calendars[school_class.pk],
            school_class_id=school_class.pk,
            month_start=month_start,
            since=enrolled.start_date,
            day_share=limits[key].day_share,
        )
        warnings = early_warnings(attendance, limits[key])
        student = Pupil(
            pk=enrolled.student_id,
            last_name=enrolled.last_name,
            first_name=enrolled.first_name,
            patronymic=enrolled.patronymic,
        )
        rows.append(
            StudentRow(
                student=student,
                school_class=school_class,
                attendance=attendance,
                limits=limits[key],
                warnings=warnings,
                level=level_of(attendance, limits[key], warnings),
                case_status=enrolled.case_status or CaseStatus.NONE,
                on_registry=enrolled.on_registry,
                case_id=enrolled.case_id,
                absent_today=enrolled.absent_today,
                unknown_today=enrolled.unknown_today,
                days=days.get(enrolled.student_id, ()),
            )
        )
    return rows


# ---- The class teacher's dashboard -------------------------------------------------------


@dataclass
class ClassDashboard:
    school_class: object
    rows: list[StudentRow]
    alerts: list = field(default_factory=list)
    overdue_tasks: list = field(default_factory=list)
    trend: list[TrendWeek] = field(default_factory=list)

    @property
    def students(self) -> list:
        return [row.student for row in self.rows]

    @property
    def unknown_today(self) -> int:
        """Students of the class with an absence of unknown reason today."""
        return sum(1 for row in self.rows if row.unknown_today)

    @property
    def registry_rows(self) -> list[StudentRow]:
        return [row for row in self.rows if row.on_registry]

    @property
    def warning_rows(self) -> list[StudentRow]:
        return [row for row in self.rows if row.warnings]


def class_dashboards(classes, today: datetime.date) -> list[ClassDashboard]:
    """The class teacher's classes at a glance: seven queries whatever their size."""
    classes = list(classes)
    rows = student_rows(classes, today, whole_school=False)
    by_class = defaultdict(list)
    for row in rows:
        by_class[row.school_class.pk].append(row)
    dashboards = {c.pk: ClassDashboard(c, by_class[c.pk]) for c in classes}
    if not classes:
        return []
    by_student = {row.student.pk: row for row in rows}

    school_ids = {c.school_id for c in classes}
    alerts = (
        Alert.objects.filter(
            status=Alert.Status.OPEN, school_id__in=school_ids, student_id__in=list(by_student)
        )
        .exclude(rule=Rule.UNKNOWN_REASON, period_start__lt=today)
        .order_by("-period_end", "-pk")
    )
    for alert in alerts:
        alert.row = by_student[alert.student_id]  # the student already read: no query per row
        dashboards[alert.row.school_class.pk].alerts.append(alert)

    tasks = (
        Task.objects.filter(
            status=Task.Status.OPEN,
            due_date__lt=today,
            school_id__in=school_ids,
            student_id__in=list(by_student),
        )
        .select_related("assignee")
        .order_by("due_date", "pk")
    )
    for task in tasks:
        task.row = by_student[task.student_id]
        dashboards[task.row.school_class.pk].overdue_tasks.append(task)

    for dashboard in dashboards.values():
        dashboard.trend = trend((d for row in dashboard.rows for d in row.days), today)
    return [dashboards[c.pk] for c in classes]


# ---- The school's dashboard --------------------------------------------------------------

SCHOOL_PAGE_SIZE = 50

STATUS_CHOICES = [
    ("", gettext_lazy("все")),
    (CaseStatus.NONE, gettext_lazy("без дела")),
    (CaseStatus.OPEN, gettext_lazy("дело открыто")),
    (CaseStatus.MONITORING, gettext_lazy("наблюдение")),
    (CaseStatus.CLOSED, gettext_lazy("дело закрыто")),
    (CaseStatus.REGISTRY, gettext_lazy("на внутришкольном учёте")),
]


class SchoolDashboardFilter(forms.Form):
    """GET filters of the school's table; a bad value is shown as an error and ignored."""

    school_class = forms.TypedChoiceField(
        label=gettext_lazy("Класс"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Дело"), required=False, choices=STATUS_CHOICES)
    attention = forms.BooleanField(label=gettext_lazy("Только требующие внимания"), required=False)

    def __init__(self, data, *, classes):
        super().__init__(data)
        self.fields["school_class"].choices = [("", _("все классы"))] + [
            (c.pk, str(c)) for c in classes
        ]

    def value(self, name):
        """The field's cleaned value, or None when it is missing or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None


def filter_rows(rows: list[StudentRow], *, school_class_id=None, status=None, attention=False):
    if school_class_id is not None:
        rows = [row for row in rows if row.school_class.pk == school_class_id]
    if status == CaseStatus.REGISTRY:
        rows = [row for row in rows if row.on_registry]
    elif status:
        rows = [row for row in rows if row.case_status == status]
    if attention:
        rows = [row for row in rows if row.level != Level.OK]
    return rows


@dataclass
class SchoolDashboard:
    school: object
    form: SchoolDashboardFilter
    page: object  # a Paginator page of StudentRow, most serious first
    query: str  # the filter's GET parameters, for the pagination links
    student_count: int
    shown_count: int
    warning_count: int
    reached_count: int  # systematic or long band, or the share, reached
    open_cases: int
    registry_count: int
    absent_today: int
    unknown_today: int
    unmarked_today: int | None  # None when the user does not oversee marking
    trend: list[TrendWeek]


def unmarked_today(user, school, today: datetime.date) -> int | None:
    """Today's lessons of the school whose marking has opened and not been taken (three
    queries), or None when the user does not oversee marking."""
    if not user.has_perm("journal.view_unmarked_lessons"):
        return None
    lessons, _whole = unmarked_lessons_for_user(user, today, today)
    # Only what the marking times read: a school's day has hundreds of lessons.
    lessons = lessons.filter(school=school).select_related(None).order_by()
    lessons = with_marking_times(list(lessons.only("school", "date", "period", "status")))
    return sum(1 for lesson in lessons if lesson.opens_at is None)


def school_dashboard(
    user, school, classes, today: datetime.date, params, *, keep: dict | None = None
) -> SchoolDashboard:
    """The whole school's table, filtered by ``params`` (GET), and today's figures;
    ``keep``: further GET parameters the pages' links carry (the school chosen)."""
    classes = list(classes)
    rows = student_rows(classes, today, whole_school=True)
    rows.sort(key=lambda row: (row.severity, row.student.last_name, row.student.first_name))
    form = SchoolDashboardFilter(params, classes=classes)
    shown = filter_rows(
        rows,
        school_class_id=form.value("school_class"),
        status=form.value("status"),
        attention=bool(form.value("attention")),
    )
    query = urlencode(
        (keep or {}) | {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
    )
    return SchoolDashboard(
        school=school,
        form=form,
        page=Paginator(shown, SCHOOL_PAGE_SIZE).get_page(params.get("page")),
        query=query,
        student_count=len(rows),
        shown_count=len(shown),
        warning_count=sum(1 for row in rows if row.level == Level.WATCH),
        reached_count=sum(1 for row in rows if Level.ORDER[row.level] >= 2),
        open_cases=sum(
            1 for row in rows if row.case_status in (Case.Status.OPEN, Case.Status.MONITORING)
        ),
        registry_count=sum(1 for row in rows if row.on_registry),
        absent_today=sum(1 for row in rows if row.absent_today),
        unknown_today=sum(1 for row in rows if row.unknown_today),
        unmarked_today=unmarked_today(user, school, today),
        trend=trend((d for row in rows for d in row.days), today),
    )
