"""The overviews of the municipal and regional officials (spec §1, §6; issue #13 point 5):
every school of a municipality, or every municipality of a region, at a glance.

What a row shows, per school:

1. **Submissions**: the рапортички of the past week (how many of the classes with a school
   day that week submitted theirs), the school's weekly report of that week (if it had a
   school day) and its monthly information of the past month (September–May,
   ``reports.monthly_months``), with their status and deadline. A report is **overdue**
   when its deadline has passed and it is neither submitted nor approved, as the school's
   deadlines board counts it (``reporting.board``); the officials open it once approved.
   Likewise the municipality's consolidation of the past month, submitted to the region.
2. **Attendance**: the share of the scheduled student-lessons missed (for any reason, and
   of them without a valid one) today, this week and this month so far, from the derived
   days (``alerts.models.ClassDay``, ``StudentDay``) as the dashboards count instructional
   time (``home.dashboards``): each class day's whole-class lessons times the students
   enrolled in the class that day, plus, on the days a student has marks, the lessons of
   their groups. Group lessons of days without marks are not counted (the share errs
   slightly high). Today counts the whole day's lessons, held or not yet.
3. **Open alerts** by rule and **students on the school registry** (внутришкольный учёт).

Each figure is one query for all the schools, whatever their number; a region's figures
are its schools' figures summed per municipality. Officials read figures and approved
reports only: nothing here names a student.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import municipality_ids_for_user, region_ids_for_user, school_ids_for_user
from alerts.models import Alert, ClassDay, Rule
from casework.models import RegistryPlacement
from policy.services import settings_for, settings_for_schools
from schools.models import Enrollment, Municipality, Region, School, enrolled_on

from .board import DONE_STATES
from .deadlines import aware, due_for
from .forms import month_of, week_of
from .models import Kind, Report, Status
from .rules import SCHOOL_KINDS
from .selectors import visible_reports

MISSING = "missing"  # no report opened
STATUS_LABELS = dict(Status.choices) | {MISSING: _("не открыт")}


# ---- Periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """The days an overview is about, seen from ``today``."""

    today: datetime.date
    week_start: datetime.date  # this week's Monday
    month_start: datetime.date  # this month's first day
    report_week: tuple[datetime.date, datetime.date]  # the past week, reported this week
    report_month: tuple[datetime.date, datetime.date]  # the past month

    @classmethod
    def of(cls, today: datetime.date) -> "Periods":
        week_start = week_of(today)[0]
        month_start = today.replace(day=1)
        return cls(
            today=today,
            week_start=week_start,
            month_start=month_start,
            report_week=week_of(week_start - datetime.timedelta(days=7)),
            report_month=month_of(month_start - datetime.timedelta(days=1)),
        )


# ---- Figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """A report as its addressee sees it: status, deadline, whether it is overdue."""

    status: str  # a Status value or MISSING
    due: datetime.datetime | None
    overdue: bool
    report_id: int | None = None
    approved: bool = False  # a version is approved (what officials may open)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class ClassReports:
    """The past week's рапортички of a school: classes, submitted (or approved), approved."""

    classes: int
    submitted: int
    approved: int
    due: datetime.datetime | None
    overdue: bool


@dataclass
class Share:
    """Student-lessons missed (for any reason; without a valid one) of those scheduled."""

    missed: int = 0
    without_valid: int = 0
    scheduled: int = 0

    def __add__(self, other: "Share") -> "Share":
        return Share(
            self.missed + other.missed,
            self.without_valid + other.without_valid,
            self.scheduled + other.scheduled,
        )

    @staticmethod
    def _percent(part: int, whole: int) -> Decimal | None:
        if whole <= 0:
            return None
        return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        return self._percent(self.missed, self.scheduled)

    @property
    def without_valid_percent(self) -> Decimal | None:
        return self._percent(self.without_valid, self.scheduled)


@dataclass
class Attendance:
    today: Share = field(default_factory=Share)
    week: Share = field(default_factory=Share)
    month: Share = field(default_factory=Share)

    def __add__(self, other: "Attendance") -> "Attendance":
        return Attendance(
            self.today + other.today, self.week + other.week, self.month + other.month
        )


@dataclass
class SchoolFigures:
    school: School
    students: int
    class_reports: ClassReports
    weekly: Submission | None  # None when the school had no school day in the week
    monthly: Submission | None  # None when the past month is not reported (June–August)
    attendance: Attendance
    alerts: Counter  # {rule: open alerts}
    registry: int  # students on the school registry

    @property
    def alerts_total(self) -> int:
        return sum(self.alerts.values())


@dataclass
class Tally:
    """How many schools' reports of one kind are approved, overdue, expected."""

    expected: int = 0
    approved: int = 0
    overdue: int = 0

    def count(self, submission: Submission | None) -> None:
        if submission is None:
            return
        self.expected += 1
        self.approved += submission.approved
        self.overdue += submission.overdue


@dataclass
class MunicipalityFigures:
    """A municipality's schools summed up (a row of the region's overview)."""

    municipality: Municipality
    consolidation: Submission | None = None  # the past month's consolidated report
    schools: int = 0
    students: int = 0
    classes: int = 0
    class_reports_submitted: int = 0
    class_reports_overdue: int = 0  # schools with a рапортичка overdue
    weekly: Tally = field(default_factory=Tally)
    monthly: Tally = field(default_factory=Tally)
    attendance: Attendance = field(default_factory=Attendance)
    alerts: Counter = field(default_factory=Counter)
    registry: int = 0

    def add(self, figures: SchoolFigures) -> None:
        self.schools += 1
        self.students += figures.students
        self.classes += figures.class_reports.classes
        self.class_reports_submitted += figures.class_reports.submitted
        self.class_reports_overdue += figures.class_reports.overdue
        self.weekly.count(figures.weekly)
        self.monthly.count(figures.monthly)
        self.attendance = self.attendance + figures.attendance
        self.alerts.update(figures.alerts)
        self.registry += figures.registry

    @property
    def alerts_total(self) -> int:
        return sum(self.alerts.values())


# ---- Reads: one query per figure -----------------------------------------------------------

# The student-lessons of some schools (%(school_ids)s) from %(since)s to %(today)s, per
# school: scheduled, missed for any reason and missed without a valid reason (invalid +
# unknown), on %(today)s, since %(week_start)s and since %(month_start)s. Scheduled: each
# class day's whole-class lessons times the students enrolled in the class that day, plus
# the lessons of a student's groups on the days the student has marks (a student day's
# lessons beyond the class day's whole-class ones).
ATTENDANCE = """
WITH facts AS (
    SELECT d.school_id, d.date, d.whole * COUNT(e.id) AS scheduled,
           0 AS missed, 0 AS without_valid
    FROM alerts_classday d
    JOIN schools_enrollment e
      ON e.school_class_id = d.school_class_id
     AND e.start_date <= d.date AND (e.end_date IS NULL OR e.end_date >= d.date)
    WHERE d.school_id = ANY(%(school_ids)s) AND d.date BETWEEN %(since)s AND %(today)s
    GROUP BY d.school_id, d.date, d.school_class_id, d.whole
    UNION ALL
    SELECT s.school_id, s.date, GREATEST(s.lessons - COALESCE(d.whole, 0), 0),
           s.valid + s.invalid + s.unknown, s.invalid + s.unknown
    FROM alerts_studentday s
    LEFT JOIN alerts_classday d ON d.school_class_id = s.school_class_id AND d.date = s.date
    WHERE s.school_id = ANY(%(school_ids)s) AND s.date BETWEEN %(since)s AND %(today)s
)
SELECT school_id,
       COALESCE(SUM(scheduled) FILTER (WHERE date = %(today)s), 0) AS today_scheduled,
       COALESCE(SUM(missed) FILTER (WHERE date = %(today)s), 0) AS today_missed,
       COALESCE(SUM(without_valid) FILTER (WHERE date = %(today)s), 0) AS today_without_valid,
       COALESCE(SUM(scheduled) FILTER (WHERE date >= %(week_start)s), 0) AS week_scheduled,
       COALESCE(SUM(missed) FILTER (WHERE date >= %(week_start)s), 0) AS week_missed,
       COALESCE(SUM(without_valid) FILTER (WHERE date >= %(week_start)s), 0)
           AS week_without_valid,
       COALESCE(SUM(scheduled) FILTER (WHERE date >= %(month_start)s), 0) AS month_scheduled,
       COALESCE(SUM(missed) FILTER (WHERE date >= %(month_start)s), 0) AS month_missed,
       COALESCE(SUM(without_valid) FILTER (WHERE date >= %(month_start)s), 0)
           AS month_without_valid
FROM facts
GROUP BY school_id
"""


def attendance_by_school(school_ids: list[int], periods: Periods) -> dict[int, Attendance]:
    """ATTENDANCE for the schools: one query."""
    params = {
        "school_ids": list(school_ids),
        "since": min(periods.week_start, periods.month_start),
        "today": periods.today,
        "week_start": periods.week_start,
        "month_start": periods.month_start,
    }
    with connection.cursor() as cursor:
        cursor.execute(ATTENDANCE, params)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    return {
        row["school_id"]: Attendance(
            *(
                Share(
                    int(row[f"{span}_missed"]),
                    int(row[f"{span}_without_valid"]),
                    int(row[f"{span}_scheduled"]),
                )
                for span in ("today", "week", "month")
            )
        )
        for row in rows
    }


def _students(school_ids, day) -> dict[int, int]:
    """{school id: students enrolled on ``day``}."""
    rows = (
        Enrollment.objects.filter(enrolled_on(day), school_id__in=school_ids)
        .values("school_id")
        .annotate(count=Count("student_id", distinct=True))
        .order_by()
    )
    return {row["school_id"]: row["count"] for row in rows}


def _open_alerts(school_ids) -> dict[int, Counter]:
    rows = (
        Alert.objects.filter(status=Alert.Status.OPEN, school_id__in=school_ids)
        .values("school_id", "rule")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_school = defaultdict(Counter)
    for row in rows:
        by_school[row["school_id"]][row["rule"]] = row["count"]
    return by_school


def _registry(school_ids) -> dict[int, int]:
    rows = (
        RegistryPlacement.objects.filter(removed_on__isnull=True, school_id__in=school_ids)
        .values("school_id")
        .annotate(count=Count("student_id", distinct=True))
        .order_by()
    )
    return {row["school_id"]: row["count"] for row in rows}


def _school_reports(school_ids, periods: Periods) -> list[Report]:
    """The past week's рапортички and weekly reports and the past month's monthly
    information of the schools: one query."""
    week, month = periods.report_week[0], periods.report_month[0]
    return list(
        Report.objects.filter(school_id__in=school_ids)
        .filter(
            Q(kind__in=(Kind.WEEKLY_CLASS_REPORT, Kind.WEEKLY_SCHOOL_REPORT), period_start=week)
            | Q(kind=Kind.MONTHLY_INFORMATION, period_start=month)
        )
        .only("pk", "school_id", "school_class_id", "kind", "status", "approved_number", "due_at")
    )


def _classes_with_school_days(school_ids, start, end) -> dict[int, set[int]]:
    """{school id: its classes that had a school day from ``start`` to ``end``}: a week of
    vacation or quarantine owes no рапортичка (as ``reporting.board`` counts them)."""
    rows = (
        ClassDay.objects.filter(school_id__in=school_ids, date__range=(start, end))
        .values_list("school_id", "school_class_id")
        .distinct()
    )
    by_school = defaultdict(set)
    for school_id, class_id in rows:
        by_school[school_id].add(class_id)
    return by_school


def _due(kind: str, period_end: datetime.date, policy) -> datetime.datetime:
    return aware(*due_for(kind, period_end, policy))


def _done(report: Report) -> bool:
    """Handed in (``reporting.board``): submitted, approved, or approved once and being
    corrected."""
    return report.status in DONE_STATES or report.approved_number is not None


def _submission(report: Report | None, due, now) -> Submission:
    if report is None:
        return Submission(MISSING, due, now > due)
    due = report.due_at or due
    return Submission(
        report.status,
        due,
        now > due and not _done(report),
        report.pk,
        report.approved_number is not None,
    )


def school_figures(schools: Iterable[School], periods: Periods, now=None) -> list[SchoolFigures]:
    """The figures of each school (their municipalities loaded), in the given order: eight
    queries whatever the number of schools."""
    schools = list(schools)
    if not schools:
        return []
    now = now or timezone.now()
    ids = [school.pk for school in schools]
    policies = settings_for_schools(schools)
    students = _students(ids, periods.today)
    week_start, week_end = periods.report_week
    taught = _classes_with_school_days(ids, week_start, week_end)
    reports = defaultdict(list)
    for report in _school_reports(ids, periods):
        reports[(report.school_id, report.kind)].append(report)
    attendance = attendance_by_school(ids, periods)
    alerts = _open_alerts(ids)
    registry = _registry(ids)
    result = []
    for school in schools:
        policy = policies[school.pk]
        result.append(
            SchoolFigures(
                school=school,
                students=students.get(school.pk, 0),
                class_reports=_class_reports(
                    taught[school.pk],
                    reports[(school.pk, Kind.WEEKLY_CLASS_REPORT)],
                    _due(Kind.WEEKLY_CLASS_REPORT, week_end, policy),
                    now,
                ),
                weekly=_submission(
                    next(iter(reports[(school.pk, Kind.WEEKLY_SCHOOL_REPORT)]), None),
                    _due(Kind.WEEKLY_SCHOOL_REPORT, week_end, policy),
                    now,
                )
                if taught[school.pk]
                else None,
                monthly=_monthly(
                    reports[(school.pk, Kind.MONTHLY_INFORMATION)], periods, policy, now
                ),
                attendance=attendance.get(school.pk, Attendance()),
                alerts=alerts.get(school.pk, Counter()),
                registry=registry.get(school.pk, 0),
            )
        )
    return result


def _class_reports(class_ids: set[int], reports: list[Report], due, now) -> ClassReports:
    """The рапортички owed by the classes with a school day in the week."""
    owed = [r for r in reports if r.school_class_id in class_ids]
    submitted = sum(1 for r in owed if _done(r))
    return ClassReports(
        classes=len(class_ids),
        submitted=submitted,
        approved=sum(1 for r in owed if r.approved_number is not None),
        due=due,
        overdue=submitted < len(class_ids) and now > due,
    )


def _monthly(reports: list[Report], periods: Periods, policy, now) -> Submission | None:
    """The past month's monthly information, None in a month not reported (June–August)."""
    month_start, month_end = periods.report_month
    if month_start.month not in policy["reports.monthly_months"]:
        return None
    due = _due(Kind.MONTHLY_INFORMATION, month_end, policy)
    return _submission(next(iter(reports), None), due, now)


def consolidations(municipalities: Iterable[Municipality], periods: Periods, region, now=None):
    """{municipality id: the past month's consolidated report as the region sees it}, or
    {} when the past month is not reported: two queries (the region's settings, the
    reports)."""
    municipalities = list(municipalities)
    policy = settings_for(region=region)
    month_start, month_end = periods.report_month
    if month_start.month not in policy["reports.monthly_months"]:
        return {}
    now = now or timezone.now()
    due = _due(Kind.MUNICIPAL_MONTHLY, month_end, policy)
    reports = {
        report.municipality_id: report
        for report in Report.objects.filter(
            kind=Kind.MUNICIPAL_MONTHLY,
            municipality__in=municipalities,
            period_start=month_start,
        ).only("pk", "municipality_id", "status", "approved_number", "due_at")
    }
    return {m.pk: _submission(reports.get(m.pk), due, now) for m in municipalities}


# A table's column per rule: the rule's name in a few words (its full name as a hint).
RULE_SHORT_LABELS = {
    Rule.UNKNOWN_REASON: _("Причина не установлена"),
    Rule.STREAK_INVITE: _("Дни подряд: беседа"),
    Rule.STREAK_MEMO: _("Дни подряд: докладная"),
    Rule.STREAK_HOME_VISIT: _("Дни подряд: посещение семьи"),
    Rule.CRITERION_22: _("Критерий №22"),
    Rule.SYSTEMATIC_ABSENCE: _("Систематические пропуски"),
    Rule.LONG_ABSENCE: _("Длительные пропуски"),
    Rule.INSTRUCTIONAL_TIME_MONTH: _("Доля учебного времени: месяц"),
    Rule.INSTRUCTIONAL_TIME_TERM: _("Доля учебного времени: четверть"),
    Rule.WEEK_MISSED: _("Пропуск недели"),
    Rule.SYSTEMATIC_LATENESS: _("Опоздания"),
    Rule.NOT_BACK_AFTER_VACATION: _("Не вернулся после каникул"),
}


def alert_rules(counters: Iterable[Counter]) -> list[tuple[str, str, str]]:
    """The rules with an open alert somewhere, in the rules' order: (code, short label,
    label)."""
    present = set()
    for counter in counters:
        present.update(rule for rule, count in counter.items() if count)
    return [
        (code, RULE_SHORT_LABELS.get(code, label), label)
        for code, label in Rule.choices
        if code in present
    ]


# ---- The overviews -------------------------------------------------------------------------


def _alert_rows(named_counters, rules) -> list[dict]:
    return [
        {"name": name, "counts": [(counter.get(code, 0), short) for code, short, _full in rules]}
        for name, counter in named_counters
    ]


@dataclass
class MunicipalityOverview:
    municipality: Municipality
    periods: Periods
    schools: list[SchoolFigures]
    totals: MunicipalityFigures
    rules: list[tuple[str, str, str]]

    @property
    def alert_rows(self) -> list[dict]:
        """Open alerts per school and rule (the rules with any), for a table."""
        return _alert_rows(((r.school.short_name, r.alerts) for r in self.schools), self.rules)


@dataclass
class RegionOverview:
    region: Region
    periods: Periods
    municipalities: list[MunicipalityFigures]
    totals: MunicipalityFigures
    rules: list[tuple[str, str, str]]

    @property
    def alert_rows(self) -> list[dict]:
        """Open alerts per municipality and rule (the rules with any), for a table."""
        return _alert_rows(
            ((r.municipality.name, r.alerts) for r in self.municipalities), self.rules
        )


def municipality_overview(
    municipality: Municipality, today: datetime.date | None = None, now=None
) -> MunicipalityOverview:
    """Every school of the municipality (its region loaded): nine queries."""
    periods = Periods.of(today or timezone.localdate())
    schools = (
        School.objects.filter(municipality=municipality)
        .select_related("municipality__region")
        .order_by("short_name", "pk")
    )
    figures = school_figures(schools, periods, now)
    totals = MunicipalityFigures(municipality)
    for row in figures:
        totals.add(row)
    totals.consolidation = consolidations([municipality], periods, municipality.region, now).get(
        municipality.pk
    )
    return MunicipalityOverview(
        municipality, periods, figures, totals, alert_rules(row.alerts for row in figures)
    )


def region_overview(region: Region, today: datetime.date | None = None, now=None):
    """Every municipality of the region, its schools summed up: ten queries."""
    periods = Periods.of(today or timezone.localdate())
    municipalities = list(Municipality.objects.filter(region=region).order_by("name", "pk"))
    rows = {m.pk: MunicipalityFigures(m) for m in municipalities}
    schools = (
        School.objects.filter(municipality__region=region)
        .select_related("municipality__region")
        .order_by("municipality__name", "short_name", "pk")
    )
    totals = MunicipalityFigures(municipality=None)
    for figures in school_figures(schools, periods, now):
        rows[figures.school.municipality_id].add(figures)
        totals.add(figures)
    for pk, submission in consolidations(municipalities, periods, region, now).items():
        rows[pk].consolidation = submission
    return RegionOverview(
        region,
        periods,
        list(rows.values()),
        totals,
        alert_rules(row.alerts for row in rows.values()),
    )


# ---- Fetching for a user ---------------------------------------------------------------------


def _fetch(user, queryset: QuerySet, pk: int, *, perm: str, known):
    """The object if ``user`` may open it; 403 when they know of it (``known(obj)``: staff
    of a school in it), 404 for anyone else: another territory's existence does not leak."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if user.has_perm(perm, obj):
        return obj
    if known(obj):
        raise PermissionDenied
    raise Http404


def _staff_schools(user) -> QuerySet[School]:
    return School.objects.filter(pk__in=school_ids_for_user(user))


def get_municipality_for_user(user, pk: int) -> Municipality:
    return _fetch(
        user,
        Municipality.objects.select_related("region"),
        pk,
        perm="reporting.view_municipality",
        known=lambda m: _staff_schools(user).filter(municipality=m).exists(),
    )


def get_region_for_user(user, pk: int) -> Region:
    def known(region) -> bool:  # a municipal official or school staff in the region
        return (
            Municipality.objects.filter(region=region)
            .filter(
                Q(pk__in=municipality_ids_for_user(user))
                | Q(schools__pk__in=school_ids_for_user(user))
            )
            .exists()
        )

    return _fetch(user, Region.objects.all(), pk, perm="reporting.view_region", known=known)


def get_school_for_official(user, pk: int) -> School:
    """A school whose approved reports the user may read: 403 for its own staff."""
    return _fetch(
        user,
        School.objects.select_related("municipality__region"),
        pk,
        perm="reporting.view_school_reports",
        known=lambda school: school.pk in school_ids_for_user(user),
    )


def approved_school_reports(user, school: School) -> QuerySet[Report]:
    """The school's reports with an approved version that the user may open, newest first."""
    return (
        visible_reports(user)
        .filter(school=school, kind__in=SCHOOL_KINDS, approved_number__isnull=False)
        .order_by("-period_start", "kind", "pk")
    )


def territories_of(user) -> tuple[list[Region], list[Municipality]]:
    """The regions and municipalities the user oversees (every region for a superuser)."""
    if user.is_superuser:
        return list(Region.objects.order_by("name")), []
    regions = list(Region.objects.filter(pk__in=region_ids_for_user(user)).order_by("name"))
    municipalities = list(
        Municipality.objects.filter(pk__in=municipality_ids_for_user(user))
        .select_related("region")
        .order_by("name")
    )
    return regions, municipalities
