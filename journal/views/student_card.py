"""A student's attendance card and the class month grid (the paper journal page).

Both pages read attendance through ``journal.units`` (two queries for any number of
students and days) and answer 404 for another school, 403 inside the school without
``journal.view_class_attendance`` on the class.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.inputs import month_from_query
from audit.models import AuditEntry
from audit.services import log_read
from schools.models import Enrollment, Student
from schools.namesakes import mark_namesakes
from schools.selectors import get_class_for_user

from .. import units
from ..calendar import term_for
from ..models import ExcuseDocument, Mark, ReasonStatus, ValidReason
from ..selectors import get_student_enrollment_for_user, history_entries
from ..services import history
from ..services.history import PRESENT, HistoryAction
from ..signals import student_card_panels_for

ONE_DAY = datetime.timedelta(days=1)


def month_bounds(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def _shift_month(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _slice(days: dict, start: datetime.date, end: datetime.date) -> units.AttendanceTotals:
    return units.totals({d: r for d, r in days.items() if start <= d <= end})


@dataclass
class CalendarCell:
    day: datetime.date
    in_month: bool
    record: units.DayRecord | None

    @property
    def status(self) -> str | None:
        return self.record.status if self.record else None

    @property
    def label(self) -> str:
        if self.css == "unmarked":
            return str(UNMARKED_LABEL)
        return str(STATUS_LABELS.get(self.status, ""))

    @property
    def unmarked(self) -> int:
        """Lessons of the day whose attendance was never taken (issue #15 point 8)."""
        return self.record.unmarked if self.record else 0

    @property
    def css(self) -> str:
        """The cell's colour: a day «present» only because nobody marked it is a gap."""
        if self.status == units.DayStatus.PRESENT and self.unmarked:
            return "unmarked"
        return self.status or "off"


STATUS_LABELS = {
    units.DayStatus.PRESENT: gettext_lazy("присутствовал"),
    units.DayStatus.LATE: gettext_lazy("опоздание"),
    units.DayStatus.PARTIAL: gettext_lazy("пропущены отдельные уроки"),
    units.DayStatus.VALID: gettext_lazy("день пропущен по уважительной причине"),
    units.DayStatus.INVALID: gettext_lazy("день пропущен без уважительной причины"),
    units.DayStatus.UNKNOWN: gettext_lazy("день пропущен, причина неизвестна"),
}

UNMARKED_LABEL = gettext_lazy("посещаемость отмечена не на всех уроках")


WEEKDAY_NAMES = [
    gettext_lazy("Пн"),
    gettext_lazy("Вт"),
    gettext_lazy("Ср"),
    gettext_lazy("Чт"),
    gettext_lazy("Пт"),
    gettext_lazy("Сб"),
    gettext_lazy("Вс"),
]


# History (R-J-6): the student's audit entries (journal.services.history), their data's
# old / new as a Russian sentence.


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _date(value) -> str:
    try:
        return _as_date(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return str(value)


def _mark_text(data: dict) -> str:
    kind = data.get("kind")
    if not kind:
        return ""
    if kind == PRESENT:
        return _("присутствует")
    if kind == Mark.Kind.LATE:
        minutes = data.get("minutes_late")
        return _("ОП, %(minutes)s мин") % {"minutes": minutes} if minutes else _("ОП")
    return f"{_('Н')}, {_reason_text(data)}"


def _reason_text(data: dict) -> str:
    status = data.get("reason_status") or ReasonStatus.UNKNOWN
    text = str(ReasonStatus(status).label) if status in ReasonStatus.values else status
    reason = data.get("valid_reason")
    if reason in ValidReason.values:
        text += f" ({ValidReason(reason).label})"
    return text


def _excuse_text(data: dict) -> str:
    kind = data.get("kind")
    label = ExcuseDocument.Kind(kind).label if kind in ExcuseDocument.Kind.values else kind
    return f"{label}, {_date(data.get('start_date'))}–{_date(data.get('end_date'))}"


def describe_change(action: HistoryAction, data: dict) -> tuple[str, str]:
    """(was, became) of one history entry, in Russian."""
    old, new = data.get("old") or {}, data.get("new") or {}
    if action == HistoryAction.REASON_SET:
        became = _reason_text(new)
        if new.get("note"):
            became += f"; {new['note']}"
        return _reason_text(old), became
    if action == HistoryAction.EXCUSE_ADDED:
        return "", _("%(document)s; пропусков покрыто: %(marks)s") % {
            "document": _excuse_text(new),
            "marks": new.get("marks", 0),
        }
    if action == HistoryAction.EXCUSE_WITHDRAWN:
        became = _("отозван; пропусков возвращено: %(marks)s") % {"marks": new.get("marks", 0)}
        if new.get("reason"):
            became += f"; {new['reason']}"
        return _excuse_text(old), became
    return _mark_text(old), _mark_text(new)


@dataclass(frozen=True)
class HistoryLesson:
    date: datetime.date
    period: int
    subject: str


def _lesson_of(data: dict) -> HistoryLesson | None:
    lesson = data.get("lesson")
    if not lesson:
        return None
    return HistoryLesson(_as_date(lesson["date"]), lesson["period"], lesson["subject"])


@dataclass
class HistoryRow:
    change: AuditEntry
    action: HistoryAction
    lesson: HistoryLesson | None
    was: str
    became: str


HISTORY_LIMIT = 200


def _history(student: Student, school_id: int) -> list[HistoryRow]:
    entries = history_entries(student, school_id)[:HISTORY_LIMIT]
    rows = []
    for entry in entries:
        action = history.history_action(entry)
        lesson = _lesson_of(entry.data)
        rows.append(HistoryRow(entry, action, lesson, *describe_change(action, entry.data)))
    return rows


@login_required
@require_GET
def student_card(request: HttpRequest, student_id: int) -> HttpResponse:
    today = timezone.localdate()
    first = month_from_query(request, "month", today)
    first, last = month_bounds(first)
    student, enrollment = get_student_enrollment_for_user(
        request.user, student_id, day=min(last, today)
    )
    school_class = enrollment.school_class
    year = school_class.academic_year
    reference = min(last, today)
    term = term_for(school_class, reference)
    if term is not None:
        term.academic_year = year  # for its label, without another query

    # One read of the whole span the three totals need; the future has no attendance yet.
    span_start = min(first, year.start_date)
    span_end = min(max(last, year.end_date), today)
    fractions = units.Fractions.for_school(enrollment.school)
    days = units.daily_records([student.pk], span_start, span_end, fractions).get(student.pk, {})

    weeks = [
        [CalendarCell(day, day.month == first.month, days.get(day)) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    totals = [(_("Месяц"), _slice(days, first, last))]
    if term is not None:
        totals.append((str(term), _slice(days, term.start_date, term.end_date)))
    year_label = _("Учебный год %(name)s") % {"name": year.name}
    totals.append((year_label, _slice(days, year.start_date, year.end_date)))

    context = {
        "student": student,
        "enrollment": enrollment,
        "school_class": school_class,
        "month": first,
        "previous_month": _shift_month(first, -1),
        "next_month": _shift_month(first, 1),
        "weeks": weeks,
        "weekday_names": WEEKDAY_NAMES,
        "totals": totals,
        "excuses": ExcuseDocument.objects.filter(student=student, school_id=enrollment.school_id)
        .select_related("received_by")
        .order_by("-start_date", "-pk"),
        "panels": student_card_panels_for(
            request=request, student=student, school=enrollment.school
        ),
        "history": _history(student, enrollment.school_id),
        "can_settle": request.user.has_perm("journal.settle_reasons", school_class),
    }
    # A child's card is personal data: every read is logged (152-ФЗ, R-SEC).
    log_read(
        actor=request.user,
        action="journal.student_card.viewed",
        obj=student,
        school_id=enrollment.school_id,
        student_id=student.pk,
        data={"month": f"{first:%Y-%m}"},
    )
    return render(request, "journal/class/student_card.html", context)


@dataclass
class GridRow:
    student: Student
    cells: list
    totals: units.AttendanceTotals


def _cell_class(record: units.DayRecord | None) -> str:
    if record is None:
        return "off"
    if record.invalid:
        return "invalid"
    if record.unknown:
        return "unknown"
    if record.valid:
        return "valid"
    return "late" if record.late else ""


def _grid_cell(record: units.DayRecord | None, past: bool) -> tuple:
    """(record, css class, lessons not marked): a day with a lesson whose attendance was
    never taken is a gap («?»), not presence (issue #15 point 8)."""
    css = _cell_class(record)
    gaps = record.unmarked if record is not None and past else 0
    if gaps and not css:
        css = "unmarked"
    return record, css, gaps


@login_required
@require_GET
def class_grid(request: HttpRequest, class_id: int) -> HttpResponse:
    """Students × days of a month; a cell is the number of lessons missed, coloured by reason."""
    school_class = get_class_for_user(request.user, class_id, perm="journal.view_class_marks")
    first = month_from_query(request, "month", timezone.localdate())
    first, last = month_bounds(first)
    enrollments = (
        Enrollment.objects.during(first, last)
        .filter(school_class=school_class)
        .select_related("student")
        .order_by("student__last_name", "student__first_name", "student__patronymic", "pk")
    )
    students = list({e.student_id: e.student for e in enrollments}.values())
    mark_namesakes(students)
    fractions = units.Fractions.for_school(school_class.school)
    records = units.daily_records([s.pk for s in students], first, last, fractions)
    days = [first + ONE_DAY * n for n in range((last - first).days + 1)]
    school_days = {day for by_day in records.values() for day in by_day}
    today = timezone.localdate()
    rows = []
    for student in students:
        by_day = records.get(student.pk, {})
        cells = [_grid_cell(by_day.get(day), day <= today) for day in days]
        rows.append(GridRow(student, cells, units.totals(by_day)))
    context = {
        "school_class": school_class,
        "month": first,
        "previous_month": _shift_month(first, -1),
        "next_month": _shift_month(first, 1),
        "days": [(day, day in school_days) for day in days],
        "rows": rows,
        "class_totals": _sum_totals(row.totals for row in rows),
        # A subject teacher sees the marks, not the cards (reason kinds, documents, history).
        "full_access": request.user.has_perm("journal.view_class_attendance", school_class),
    }
    return render(request, "journal/class/grid.html", context)


def _sum_totals(all_totals) -> units.AttendanceTotals:
    result = units.AttendanceTotals()
    for item in all_totals:
        result.scheduled += item.scheduled
        result.absent_valid += item.absent_valid
        result.absent_invalid += item.absent_invalid
        result.absent_unknown += item.absent_unknown
        result.late += item.late
    return result
