"""What a school owes by a day, and how far each report has got (spec §6: "deadlines are
tracked: who has not submitted"). A methodist can check these rules:

1. The year is the school's academic year under way on the day, else the latest one begun
   (in June the May monthly form is still due); its classes are the current classes.
2. Рапортичка (seed 002 §3.4): one per class for each of the last ``weeks`` weeks
   (Monday–Sunday) that ended before the day and in which the class had a school day
   (``journal.calendar``: vacations, holidays, quarantines leave a week without one).
3. The school's weekly report: one for each of those weeks in which any class had a
   school day.
4. The monthly information (seed 003 Order §6): one for each month of the academic year
   named in ``reports.monthly_months`` (September–May) that ended before the day.
5. The term summary: one per class for each term of the year that ended before the day.
6. The information on a minor not receiving education (seed 003 Procedure §5.7) is one
   report per child, so the board names only its due dates in the year
   (``reports.not_in_education_dates``) and how many such reports the school has made.
7. Each report is due as ``reporting.deadlines`` says (the time stored when it was opened,
   else the current settings). Its state is its latest version's: not opened, draft,
   submitted, returned, approved. It is **overdue** once the due time has passed and it
   is neither submitted nor approved (a correction begun after approval is not overdue).

With ``upcoming`` the periods under way on the day count too (their reports are due soon:
the reminders' "before the deadline"). The whole board takes a fixed number of queries
whatever the number of classes.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import get_object_for_user
from accounts.inputs import id_or_none
from accounts.roles import Role
from accounts.selectors import school_ids_with_role
from journal.calendar import SchoolCalendar
from journal.models import Term
from policy.services import PolicySnapshot, settings_for
from schools.models import AcademicYear, Municipality, School, SchoolClass

from .deadlines import END_OF_DAY, add_months, annual_dates_between, aware, due_for
from .models import Kind, Report, Status

NOT_OPENED = "not_opened"
# Short, to keep the board's columns narrow (a phone shows two weeks side by side).
STATE_LABELS = {
    NOT_OPENED: _("не открыт"),
    Status.DRAFT: _("черновик"),
    Status.SUBMITTED: _("сдан"),
    Status.RETURNED: _("возвращён"),
    Status.APPROVED: _("утверждён"),
}
DONE_STATES = frozenset({Status.SUBMITTED, Status.APPROVED})
DEFAULT_WEEKS = 4
ONE_DAY = datetime.timedelta(days=1)
ONE_WEEK = datetime.timedelta(days=7)
BOARD_ROLES = (Role.DEPUTY, Role.DIRECTOR, Role.SOCIAL_PEDAGOGUE, Role.CLASS_TEACHER)


@dataclass
class Expected:
    """One report owed: its kind, scope (a class, a school, or a municipality for the
    consolidation), period, due time and state."""

    kind: str
    school: School | None
    period_start: datetime.date
    period_end: datetime.date
    due: datetime.datetime
    now: datetime.datetime
    school_class: SchoolClass | None = None
    report: Report | None = None
    # Set for the page (``Board.for_user``): the report's page, or that the user may open it.
    url: str = ""
    can_open: bool = False
    municipality: Municipality | None = None

    @property
    def scope(self) -> str:
        if self.school_class is not None:
            return "class"
        return "school" if self.school is not None else "municipality"

    @property
    def state(self) -> str:
        return self.report.status if self.report is not None else NOT_OPENED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def was_approved(self) -> bool:
        return self.report is not None and self.report.approved_number is not None

    @property
    def done(self) -> bool:
        """Handed in: nothing more is owed by the preparer."""
        return self.state in DONE_STATES or self.was_approved

    @property
    def overdue(self) -> bool:
        return self.now > self.due and not self.done

    def candidate(self) -> Report:
        """The report as it would be opened (for permission checks of a slot not opened)."""
        return self.report or Report(
            kind=self.kind,
            municipality=self.municipality or self.school.municipality,
            school=self.school,
            school_class=self.school_class,
            period_start=self.period_start,
            period_end=self.period_end,
        )


@dataclass
class DueLine:
    """A due date of the information on minors not receiving education, with the school's
    reports of that kind due then."""

    day: datetime.date
    due: datetime.datetime
    reports: list[Report]

    @property
    def approved(self) -> int:
        return sum(1 for report in self.reports if report.approved_number is not None)


@dataclass
class Board:
    school: School
    day: datetime.date
    academic_year: AcademicYear | None = None
    policy: PolicySnapshot | None = None
    classes: list[SchoolClass] = field(default_factory=list)
    weeks: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)
    # {class id: {week's Monday: Expected}}; a week without school days has no entry.
    class_reports: dict[int, dict[datetime.date, Expected]] = field(default_factory=dict)
    school_reports: dict[datetime.date, Expected] = field(default_factory=dict)
    monthly: list[Expected] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    term_summaries: dict[int, dict[int, Expected]] = field(default_factory=dict)
    not_in_education: list[DueLine] = field(default_factory=list)

    def items(self) -> Iterator[Expected]:
        for cells in self.class_reports.values():
            yield from cells.values()
        yield from self.school_reports.values()
        yield from self.monthly
        for cells in self.term_summaries.values():
            yield from cells.values()

    def week_rows(self) -> list[tuple[SchoolClass, list[Expected | None]]]:
        """Each class with its рапортички in the order of ``weeks`` (None: no school day)."""
        return [
            (c, [self.class_reports.get(c.pk, {}).get(start) for start, _end in self.weeks])
            for c in self.classes
        ]

    def term_rows(self) -> list[tuple[SchoolClass, list[Expected]]]:
        return [
            (c, [self.term_summaries[c.pk][term.pk] for term in self.terms]) for c in self.classes
        ]

    def week_columns(self) -> list[tuple[datetime.date, datetime.date, datetime.datetime | None]]:
        """Each week with its рапортичка's due time (the same for every class unless a
        report was opened under other settings: the column shows the first class's)."""
        columns = []
        for start, end in self.weeks:
            cells = [row[start] for row in self.class_reports.values() if start in row]
            columns.append((start, end, cells[0].due if cells else None))
        return columns

    def term_columns(self) -> list[tuple[Term, datetime.datetime | None]]:
        """Each finished term with its summary's due time (as ``week_columns``)."""
        columns = []
        for term in self.terms:
            cells = [row[term.pk] for row in self.term_summaries.values()]
            columns.append((term, cells[0].due if cells else None))
        return columns

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items() if item.overdue)

    def for_user(self, user) -> "Board":
        """Mark what ``user`` may follow: a report they may open, a slot they may open."""
        for item in self.items():
            if item.report is not None:
                if user.has_perm("reporting.view_report", item.report):
                    item.url = reverse("reporting:detail", args=[item.report.pk])
            else:
                item.can_open = user.has_perm("reporting.prepare_report", item.candidate())
        return self


def academic_year_on(school: School, day: datetime.date) -> AcademicYear | None:
    """The year under way on ``day``, else the latest one begun before it."""
    return (
        AcademicYear.objects.filter(school=school, start_date__lte=day)
        .order_by("-start_date")
        .first()
    )


def _mondays(day: datetime.date, weeks: int, upcoming: bool) -> list[datetime.date]:
    this_monday = day - datetime.timedelta(days=day.weekday())
    first = 0 if upcoming else 1
    return [this_monday - n * ONE_WEEK for n in range(weeks, first - 1, -1)]


def _months(year: AcademicYear, day: datetime.date, months, upcoming: bool):
    first = year.start_date.replace(day=1)
    while first <= min(year.end_date, day):
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        end = following - ONE_DAY
        if first.month in months and (end < day or upcoming):
            yield first, end
        first = following


def expected_reports(
    school: School,
    day: datetime.date | None = None,
    *,
    weeks: int = DEFAULT_WEEKS,
    class_teacher=None,
    upcoming: bool = False,
    now: datetime.datetime | None = None,
) -> Board:
    """What ``school`` owes by ``day`` (rules in the module docstring); with
    ``class_teacher`` only the rows of the classes that user leads."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    board = Board(school=school, day=day, academic_year=academic_year_on(school, day))
    year = board.academic_year
    if year is None:
        return board
    classes = SchoolClass.objects.filter(academic_year=year).select_related("class_teacher")
    if class_teacher is not None:
        classes = classes.filter(class_teacher=class_teacher)
    board.classes = list(classes.order_by("grade", "letter"))
    policy = board.policy = settings_for(school)
    mondays = [
        monday
        for monday in _mondays(day, weeks, upcoming)
        if monday <= year.end_date and monday + ONE_WEEK > year.start_date
    ]
    months = list(_months(year, day, policy["reports.monthly_months"], upcoming))
    board.terms = [
        term
        for term in Term.objects.filter(academic_year=year).order_by("number")
        if term.end_date < day or (upcoming and term.start_date <= day)
    ]
    due_lines = annual_dates_between(
        year.start_date,
        add_months(year.start_date, 12) - ONE_DAY,
        policy["reports.not_in_education_dates"],
    )
    reports = _reports(school, mondays, months, board.terms, due_lines)
    expected = _Expecter(school, reports, policy, now)
    if mondays:
        _fill_weeks(board, expected, mondays, with_school_reports=class_teacher is None)
    if class_teacher is None:
        board.monthly = [expected(Kind.MONTHLY_INFORMATION, start, end) for start, end in months]
        board.not_in_education = [
            DueLine(due_day, aware(due_day, END_OF_DAY), expected.not_in_education(due_day))
            for due_day in due_lines
        ]
    for school_class in board.classes:
        board.term_summaries[school_class.pk] = {
            term.pk: expected(Kind.TERM_SUMMARY, term.start_date, term.end_date, school_class)
            for term in board.terms
        }
    return board


@dataclass(frozen=True)
class _Expecter:
    """A board's cell: the report of a kind, scope and period if opened, and its deadline
    (the report's own, or the one the school's settings give)."""

    school: School
    reports: dict
    policy: PolicySnapshot
    now: datetime.datetime

    def __call__(self, kind, start, end, school_class=None) -> Expected:
        report = self.reports.get((kind, school_class.pk if school_class else None, start))
        if report is not None and report.due_at is not None:
            due = report.due_at
        else:
            due = aware(*due_for(kind, end, self.policy))
        return Expected(kind, self.school, start, end, due, self.now, school_class, report)

    def not_in_education(self, due_day) -> list:
        return self.reports.get((Kind.NOT_IN_EDUCATION, due_day), [])


def _fill_weeks(board: Board, expected: _Expecter, mondays, *, with_school_reports: bool):
    """The рапортички of each class for each week it has school days, and the school's
    weekly report for each week any class has them."""
    last_day = mondays[-1] + ONE_WEEK - ONE_DAY
    calendar = SchoolCalendar.for_school(board.school, mondays[0], last_day)
    school_weeks = set()
    for school_class in board.classes:
        cells = board.class_reports.setdefault(school_class.pk, {})
        for monday in mondays:
            sunday = monday + ONE_WEEK - ONE_DAY
            if calendar.school_days(school_class, monday, sunday):
                school_weeks.add(monday)
                cells[monday] = expected(Kind.WEEKLY_CLASS_REPORT, monday, sunday, school_class)
    if with_school_reports:
        for monday in sorted(school_weeks):
            board.school_reports[monday] = expected(
                Kind.WEEKLY_SCHOOL_REPORT, monday, monday + ONE_WEEK - ONE_DAY
            )
    board.weeks = [(m, m + ONE_WEEK - ONE_DAY) for m in mondays if m in school_weeks]


def expected_municipal_reports(
    municipality: Municipality,
    day: datetime.date | None = None,
    *,
    policy: PolicySnapshot | None = None,
    upcoming: bool = False,
    now: datetime.datetime | None = None,
) -> list[Expected]:
    """The municipality's consolidations (seed 003 Procedure §5.2) of the months of
    ``reports.monthly_months`` among the last three before ``day`` (with ``upcoming``, the
    month under way too), with their reports, in one query."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    policy = policy or settings_for(region=municipality.region)
    first = add_months(day.replace(day=1), -3)
    months = [
        (start, add_months(start, 1) - ONE_DAY)
        for start in (add_months(first, n) for n in range(4))
        if start.month in policy["reports.monthly_months"]
        and (add_months(start, 1) <= day or upcoming)
    ]
    reports = {
        report.period_start: report
        for report in Report.objects.filter(
            kind=Kind.MUNICIPAL_MONTHLY,
            municipality=municipality,
            school=None,
            period_start__in=[start for start, _end in months],
        )
    }
    expected = []
    for start, end in months:
        report = reports.get(start)
        due = report.due_at if report and report.due_at else None
        due = due or aware(*due_for(Kind.MUNICIPAL_MONTHLY, end, policy))
        expected.append(
            Expected(
                Kind.MUNICIPAL_MONTHLY,
                None,
                start,
                end,
                due,
                now,
                None,
                report,
                municipality=municipality,
            )
        )
    return expected


def _reports(school, mondays, months, terms, due_lines) -> dict:
    """The school's reports of the board's periods, in one query: {(kind, class id,
    period start): report}, and {(NOT_IN_EDUCATION, due day): [reports]}."""
    condition = Q(kind__in=(Kind.WEEKLY_CLASS_REPORT, Kind.WEEKLY_SCHOOL_REPORT)) & Q(
        period_start__in=mondays
    )
    condition |= Q(
        kind=Kind.MONTHLY_INFORMATION, period_start__in=[start for start, _end in months]
    )
    condition |= Q(kind=Kind.TERM_SUMMARY, period_start__in=[t.start_date for t in terms])
    if due_lines:
        condition |= Q(
            kind=Kind.NOT_IN_EDUCATION,
            due_at__date__gte=due_lines[0],
            due_at__date__lte=due_lines[-1],
        )
    found: dict = {}
    for report in Report.objects.filter(condition, school=school).select_related(
        "school_class", "student"
    ):
        if report.kind == Kind.NOT_IN_EDUCATION:
            due_day = timezone.localdate(report.due_at)
            found.setdefault((Kind.NOT_IN_EDUCATION, due_day), []).append(report)
        else:
            found[(report.kind, report.school_class_id, report.period_start)] = report
    return found


# ---------------------------------------------------------------------------- the page's school


def school_for_board(user, requested: str) -> School:
    """The school asked for (``?school=``) or the user's first school with the board:
    404 for a school the user is not staff of, 403 for staff without the board."""
    if requested:
        school_id = id_or_none(requested)
        if school_id is None:
            raise Http404
        return get_object_for_user(
            user,
            School.objects.select_related("municipality"),
            perm="reporting.view_board",
            pk=school_id,
        )
    schools = School.objects.select_related("municipality")
    if not user.is_superuser:
        allowed = school_ids_with_role(user, *BOARD_ROLES)
        if not allowed:
            raise PermissionDenied
        schools = schools.filter(pk__in=allowed)
    school = schools.order_by("short_name", "pk").first()
    if school is None:
        raise Http404
    return school


def board_schools(user) -> list[School]:
    """The schools whose board the user may open (a switcher when there are several)."""
    schools = School.objects.order_by("short_name", "pk")
    if not user.is_superuser:
        schools = schools.filter(pk__in=school_ids_with_role(user, *BOARD_ROLES))
    return list(schools[:50])
