"""Demo reports: every form in the states a school meets them in, through the services only.

Per school, acting as its staff at the moments it would have happened (``demo.casework.clock``):

* рапортички: the week before last approved for a few classes (the week locked), last week
  submitted by some classes, approved for two, returned with a comment to one, not yet
  handed in by the others — they show as overdue on the board after Monday 12:00; the class
  of the demo class teacher has last week's still to do (the way to try it);
* the school's weekly report on compulsory education: the week before last approved by the
  director, last week's submitted by the deputy and waiting for the director;
* children the journal does not know (a college student, a child who left and studies
  nowhere, a child in hospital without schooling) for the weekly report's sections 2, 3, 5;
* the monthly information for the last finished month (September–May): approved at the
  first school, submitted at the second; the municipality's consolidation opened as a draft;
* the first term's summary of the demo class teacher's class, submitted.

Only a few versions are approved: each approval renders its PDF and XLSX (after the demo's
transaction commits), and a demo should start in seconds.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from demo.casework import clock
from journal.models import Term
from policy.services import settings_for
from reporting.minors import add_minor
from reporting.models import Kind, Report, TrackedMinor
from reporting.services import approve, open_report, return_report, submit
from schools.models import School, SchoolClass

APPROVED_CLASSES = 3  # рапортички of the week before last approved (each renders two files)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(moment, timezone.now())


def _staff(school: School, role: str) -> User:
    return (
        User.objects.filter(role_assignments__school=school, role_assignments__role=role)
        .order_by("pk")
        .first()
    )


def seed_reports(*, school: School, today: datetime.date, municipal: User | None) -> dict[str, int]:
    deputy, director = _staff(school, Role.DEPUTY), _staff(school, Role.DIRECTOR)
    classes = list(
        SchoolClass.objects.filter(
            school=school,
            academic_year__start_date__lte=today,
            academic_year__end_date__gte=today,
            class_teacher__isnull=False,
        )
        .select_related("class_teacher", "school__municipality")
        .order_by("grade", "letter")
    )
    last_week = today - datetime.timedelta(days=today.weekday() + 7)
    week_before = last_week - datetime.timedelta(days=7)
    counts = {"отчётов": 0}

    def week_report(school_class, monday) -> Report:
        counts["отчётов"] += 1
        return open_report(
            kind=Kind.WEEKLY_CLASS_REPORT,
            school_class=school_class,
            period_start=monday,
            period_end=monday + datetime.timedelta(days=6),
            acting_user=school_class.class_teacher,
        )

    demo_class = next((c for c in classes if (c.grade, c.letter) == (5, "А")), None)
    others = [c for c in classes if c != demo_class]
    # The week before last: handed in on its Monday, approved by the deputy that afternoon.
    monday = week_before + datetime.timedelta(days=7)
    for school_class in [demo_class, *others][:APPROVED_CLASSES]:
        if school_class is None:
            continue
        report = week_report(school_class, week_before)
        with clock(_at(monday, 10, 30)):
            submit(report=report, version=1, acting_user=school_class.class_teacher)
        with clock(_at(monday, 15)):
            approve(report=report, version=1, acting_user=deputy)
    # Last week: a mix of every state; the demo class teacher's is still to do.
    monday = last_week + datetime.timedelta(days=7)
    for index, school_class in enumerate(others[: len(others) * 2 // 3]):
        report = week_report(school_class, last_week)
        with clock(_at(monday, 9 + index % 3, 10 * (index % 6))):
            submit(report=report, version=1, acting_user=school_class.class_teacher)
        if index == 0:
            with clock(_at(monday, 14)):
                return_report(
                    report=report,
                    version=1,
                    comment="Укажите принятые меры по каждому ученику из таблицы.",
                    acting_user=deputy,
                )
        elif index in (1, 2):
            with clock(_at(monday, 14, 30)):
                approve(report=report, version=1, acting_user=deputy)

    _tracked_minors(school, deputy, today)
    counts["отчётов"] += _school_reports(school, deputy, director, week_before, last_week)
    counts["отчётов"] += _monthly(school, deputy, director, today, municipal)
    if demo_class is not None:
        counts["отчётов"] += _term_summary(demo_class, today)
    return counts


def _school_reports(school, deputy, director, week_before, last_week) -> int:
    opened = 0
    for monday, approved in ((week_before, True), (last_week, False)):
        tuesday = monday + datetime.timedelta(days=8)
        with clock(_at(tuesday, 11)):
            report = open_report(
                kind=Kind.WEEKLY_SCHOOL_REPORT,
                school=school,
                period_start=monday,
                period_end=monday + datetime.timedelta(days=6),
                acting_user=deputy,
            )
            submit(report=report, version=1, acting_user=deputy)
        opened += 1
        if approved:
            with clock(_at(tuesday, 16)):
                approve(report=report, version=1, acting_user=director)
    return opened


def _monthly(school, deputy, director, today, municipal) -> int:
    """The last finished reporting month: approved at school 1, submitted at school 2; the
    municipality's consolidation opened once (by the first school's turn)."""
    months = settings_for(school)["reports.monthly_months"]
    first = today.replace(day=1)
    month_end = first - datetime.timedelta(days=1)
    while month_end.month not in months:
        month_end = month_end.replace(day=1) - datetime.timedelta(days=1)
    month_start = month_end.replace(day=1)
    due = month_end + datetime.timedelta(days=2)
    with clock(_at(due, 10)):
        report = open_report(
            kind=Kind.MONTHLY_INFORMATION,
            school=school,
            period_start=month_start,
            period_end=month_end,
            acting_user=deputy,
        )
        submit(report=report, version=1, acting_user=deputy)
    opened = 1
    first_school = not Report.objects.filter(
        kind=Kind.MONTHLY_INFORMATION, approved_number__isnull=False
    ).exists()
    if first_school:
        with clock(_at(due, 15)):
            approve(report=report, version=1, acting_user=director)
        if municipal is not None:
            with clock(_at(due + datetime.timedelta(days=1), 9)):
                open_report(
                    kind=Kind.MUNICIPAL_MONTHLY,
                    municipality=school.municipality,
                    period_start=month_start,
                    period_end=month_end,
                    acting_user=municipal,
                )
            opened += 1
    return opened


def _term_summary(school_class, today) -> int:
    term = (
        Term.objects.filter(academic_year=school_class.academic_year, end_date__lt=today)
        .order_by("-end_date")
        .first()
    )
    if term is None:
        return 0
    with clock(_at(term.end_date + datetime.timedelta(days=1), 12)):
        report = open_report(
            kind=Kind.TERM_SUMMARY,
            school_class=school_class,
            period_start=term.start_date,
            period_end=term.end_date,
            acting_user=school_class.class_teacher,
        )
        submit(report=report, version=1, acting_user=school_class.class_teacher)
    return 1


def _tracked_minors(school, deputy, today) -> None:
    number = school.pk
    for fields in (
        {
            "category": TrackedMinor.Category.COLLEGE,
            "full_name": f"Белоусов Кирилл Андреевич ({number})",
            "birth_date": datetime.date(today.year - 16, 3, 14),
            "course": "1",
            "previous_school": f"{school.short_name}, {school.municipality.name}",
            "reason": "не посещает колледж с начала ноября",
            "whereabouts": "проживает с матерью по месту регистрации",
            "measures": "беседа с матерью; информация направлена в колледж",
            "since": today - datetime.timedelta(days=30),
        },
        {
            "category": TrackedMinor.Category.NOT_IN_EDUCATION,
            "full_name": f"Лаптева Алина Сергеевна ({number})",
            "birth_date": datetime.date(today.year - 15, 8, 2),
            "previous_school": f"{school.short_name}, {school.municipality.name}",
            "education": "8 классов",
            "reason": "выбыла в связи с переездом, в новую школу не зачислена",
            "whereabouts": "по сведениям соседей, у бабушки в сельском поселении",
            "measures": "запрос в управление образования по новому месту жительства",
            "since": today - datetime.timedelta(days=45),
        },
        {
            "category": TrackedMinor.Category.PLACED_AWAY,
            "full_name": f"Гаврилов Степан Олегович ({number})",
            "birth_date": datetime.date(today.year - 14, 11, 23),
            "education": f"{school.short_name}, 7 класс",
            "reason": "на лечении, обучение в стационаре не организовано",
            "whereabouts": "РПНД, стационарное отделение",
            "since": today - datetime.timedelta(days=20),
        },
    ):
        with clock(_at(today - datetime.timedelta(days=3), 11)):
            add_minor(school=school, acting_user=deputy, **fields)
