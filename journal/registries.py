"""The four registries of the school (R-J-7, seed 002 §6.3), as rows for a page or a sheet.

Every registry starts from the enrollments the user may see, already narrowed by the
filter (class, name, enrollments that overlap the period), and adds its own condition:

* ``health`` — «не обучаются по состоянию здоровья»: students flagged
  ``Student.not_studying_for_health`` with an enrollment overlapping the period.
* ``left_not_studying`` — «выбыли, не завершив общего образования, и нигде не обучаются»:
  enrollments that ended inside the period with the leaving category
  ``LeavingCategory.LEFT_NOT_STUDYING``.
* ``not_attending`` — «не посещают учебные занятия по неуважительной причине»: students who
  missed more than half of the school days of at least one week without a valid reason
  (seed 002 §2.8 «пропуск учебной недели» + §2.9 «непосещение»; ``units.WeekSummary``).
  The period is widened to whole weeks (Monday–Sunday) so that a week is never judged on
  a few of its days; it never runs past today.
* ``systematic`` — «систематически пропускают учебные занятия по неуважительной причине»:
  students whose lessons missed without a valid reason (an unknown reason counts as
  without, R-J-2) in one calendar month reach the «systematic» band of R-T-H for their
  grade (seed 002 §2.12, school policy settings; defaults: grade 1 ≥ 24, grades 2–4 ≥ 30,
  grades 5–11 ≥ 38 hours); from the «long» bound (40 / 50 / 60) the row says «длительные». Months are whole calendar months
  that overlap the period, counted up to today. One row per student and month.

Attendance is counted with ``journal.units.daily_records``: two queries for all students
of the registry, whatever their number.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policy.catalog import hours_band
from policy.services import settings_for_schools
from schools.models import Enrollment, LeavingCategory

from . import units

# R-T-H bands of the settings catalogue (``thresholds.hours_systematic_<band>`` and
# ``thresholds.hours_long_<band>``; seed defaults 24/40, 30/50, 38/60, 38/60).


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date


@dataclass
class RegistryRow:
    enrollment: Enrollment
    cells: list = field(default_factory=list)

    @property
    def student(self):
        return self.enrollment.student

    @property
    def school_class(self):
        return self.enrollment.school_class


@dataclass(frozen=True)
class Registry:
    kind: str
    title: str
    definition: str
    columns: tuple
    build: Callable[[QuerySet, Period, datetime.date], list[RegistryRow]]


# Columns every registry starts with; ``cells`` hold the ones after them.
COMMON_COLUMNS = (
    gettext_lazy("№"),
    gettext_lazy("ФИО обучающегося"),
    gettext_lazy("Дата рождения"),
    gettext_lazy("Класс"),
)


def _latest_per_student(enrollments) -> dict[int, Enrollment]:
    """One enrollment per student: the latest one (a transfer inside the school)."""
    latest: dict[int, Enrollment] = {}
    for enrollment in enrollments:
        current = latest.get(enrollment.student_id)
        if current is None or enrollment.start_date > current.start_date:
            latest[enrollment.student_id] = enrollment
    return latest


def _policies(chosen: dict[int, Enrollment]):
    """{school id: settings} of every school of the registry, with one query."""
    return settings_for_schools({e.school_id: e.school for e in chosen.values()}.values())


def _sorted(rows: list[RegistryRow]) -> list[RegistryRow]:
    return sorted(
        rows,
        key=lambda r: (
            r.school_class.grade,
            r.school_class.letter,
            r.student.last_name,
            r.student.first_name,
            r.student.pk,
        ),
    )


def _health(enrollments: QuerySet, period: Period, today: datetime.date) -> list[RegistryRow]:
    chosen = _latest_per_student(enrollments.filter(student__not_studying_for_health=True))
    return _sorted(
        [RegistryRow(e, [e.student.not_studying_for_health_note]) for e in chosen.values()]
    )


def _left_not_studying(
    enrollments: QuerySet, period: Period, today: datetime.date
) -> list[RegistryRow]:
    left = enrollments.filter(
        leaving_category=LeavingCategory.LEFT_NOT_STUDYING,
        end_date__gte=period.start,
        end_date__lte=period.end,
    )
    return _sorted(
        [RegistryRow(e, [formats.date_format(e.end_date, "d.m.Y"), e.leaving_reason]) for e in left]
    )


def _week_label(start: datetime.date) -> str:
    end = start + datetime.timedelta(days=6)
    return f"{start:%d.%m}–{end:%d.%m.%Y}"


def _not_attending(enrollments: QuerySet, period: Period, today: datetime.date):
    chosen = _latest_per_student(enrollments)
    start = period.start - datetime.timedelta(days=period.start.weekday())
    end = min(period.end + datetime.timedelta(days=6 - period.end.weekday()), today)
    if start > end:
        return []
    records = units.daily_records(list(chosen), start, end)
    fractions = {
        school_id: units.Fractions.from_values(policy.values())
        for school_id, policy in _policies(chosen).items()
    }
    rows = []
    for student_id, days in records.items():
        days = units.with_fractions(days, fractions[chosen[student_id].school_id])
        missed_weeks = [w for w in units.weeks(days) if w.missed_without_valid]
        if not missed_weeks:
            continue
        total = units.totals(days)
        rows.append(
            RegistryRow(
                chosen[student_id],
                [
                    len(missed_weeks),
                    ", ".join(_week_label(w.week_start) for w in missed_weeks),
                    total.days_missed_without_valid,
                    total.absent_without_valid,
                ],
            )
        )
    return _sorted(rows)


def _month_label(month: datetime.date) -> str:
    return formats.date_format(month, "F Y")


def _systematic(enrollments: QuerySet, period: Period, today: datetime.date):
    chosen = _latest_per_student(enrollments)
    start = period.start.replace(day=1)
    end = min(period.end, today)
    if start > end:
        return []
    # Whole calendar months: a month that the period only touches is still judged in full.
    next_month = (end.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    month_end = next_month - datetime.timedelta(days=1)
    records = units.daily_records(list(chosen), start, min(month_end, today))
    policies = _policies(chosen)
    rows = []
    for student_id, days in records.items():
        enrollment = chosen[student_id]
        systematic, long = hours_band(policies[enrollment.school_id], enrollment.school_class.grade)
        by_month: dict[datetime.date, int] = defaultdict(int)
        for day, record in days.items():
            by_month[day.replace(day=1)] += record.without_valid
        for month in sorted(by_month):
            hours = by_month[month]
            if hours < systematic:
                continue
            band = _("длительные") if hours >= long else _("систематические")
            rows.append(RegistryRow(enrollment, [_month_label(month), hours, band]))
    return _sorted(rows)


REGISTRIES = {
    registry.kind: registry
    for registry in (
        Registry(
            kind="health",
            title=gettext_lazy("Не обучаются по состоянию здоровья"),
            definition=gettext_lazy(
                "Обучающиеся с отметкой «не обучается по состоянию здоровья», числившиеся в школе в выбранный период."
            ),
            columns=(gettext_lazy("Основание"),),
            build=_health,
        ),
        Registry(
            kind="left_not_studying",
            title=gettext_lazy("Выбыли, не завершив общего образования, и нигде не обучаются"),
            definition=gettext_lazy(
                "Выбывшие в выбранный период с категорией выбытия «выбыл, не завершив общего образования, и нигде не обучается»."
            ),
            columns=(gettext_lazy("Дата выбытия"), gettext_lazy("Причина выбытия")),
            build=_left_not_studying,
        ),
        Registry(
            kind="not_attending",
            title=gettext_lazy("Не посещают учебные занятия по неуважительной причине"),
            definition=gettext_lazy(
                "Пропустили без уважительной причины более половины учебных дней хотя бы одной недели периода (п. 2.8–2.9 Положения). Неизвестная причина считается неуважительной."
            ),
            columns=(
                gettext_lazy("Пропущено недель"),
                gettext_lazy("Недели"),
                gettext_lazy("Дней без уваж. причины"),
                gettext_lazy("Уроков без уваж. причины"),
            ),
            build=_not_attending,
        ),
        Registry(
            kind="systematic",
            title=gettext_lazy(
                "Систематически пропускают учебные занятия по неуважительной причине"
            ),
            definition=gettext_lazy(
                "За календарный месяц пропущено без уважительной причины не менее 24 уроков (1 класс), 30 (2–4 классы), 38 (5–11 классы); с 40 / 50 / 60 — длительные пропуски (п. 2.12 Положения)."
            ),
            columns=(
                gettext_lazy("Месяц"),
                gettext_lazy("Уроков без уваж. причины"),
                gettext_lazy("Пропуски"),
            ),
            build=_systematic,
        ),
    )
}


def build_rows(kind: str, enrollments: QuerySet, period: Period, today: datetime.date):
    """Rows of registry ``kind`` for the (already scoped and filtered) ``enrollments``."""
    enrollments = enrollments.select_related(
        "student", "school_class", "school__municipality"
    ).order_by()
    return REGISTRIES[kind].build(enrollments, period, today)


def row_values(number: int, row: RegistryRow) -> list:
    """All cells of a row in column order, for the sheet."""
    student = row.student
    return [number, student.full_name, student.birth_date, str(row.school_class), *row.cells]
