"""Year-end rollover (issue #15 point 2, R-A): every class of an academic year goes up a
grade in the next academic year, the last grade graduates, new first grades open.

``plan_rollover`` says what would change and changes nothing; ``apply_rollover`` applies the
plan the user previewed in one transaction, and refuses when the plan has changed since
(its ``fingerprint``: someone enrolled a child, opened a class). What it does:

* the next academic year is created when the school has none yet (the same dates a year
  later, the same division into terms);
* a class of grade *g* < last grade: its pupils on the last day of the year leave it that
  day and join *g*+1 with the same letter (opened if missing, with the same class teacher)
  on the first day of the next year;
* the last grade (11, or 9 in a basic school, 4 in a primary one: the highest grade the
  school has ever had, rounded up) graduates: its pupils' enrollments end on the last day
  with the leaving category «завершил обучение» (R-J-7);
* a first grade opens, empty, for each letter of this year's first grades.

Pupils the user keeps in their grade (оставлены на повторное обучение, chosen on the
preview) join the same grade and letter of the next year instead, marked ``repeats_grade``.

A pupil already enrolled somewhere from the first day of the next year is left alone (a
transfer done by hand); a pupil who left during the year, or whose enrollment already has
a leaving category, is not on the list. So running the rollover a second time finds
nothing to do.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_entry, log_action, log_actions

from .models import AcademicYear, Enrollment, LeavingCategory, School, SchoolClass, Student
from .services_classes import ClassError

# Where a school ends, by the highest grade it has had: primary, basic, secondary.
LAST_GRADES = (4, 9, 11)


class RolloverError(ClassError):
    """A refused rollover; the message is Russian and shown as is."""


@dataclass
class ClassStep:
    """What happens to one class of the year and its pupils."""

    source: SchoolClass
    students: list[Student] = field(default_factory=list)
    # The class of the next year the pupils join (None: they graduate). Unsaved when it
    # does not exist yet.
    target: SchoolClass | None = None

    @property
    def graduates(self) -> bool:
        return self.target is None

    @property
    def opens_target(self) -> bool:
        return self.target is not None and self.target.pk is None

    @property
    def changes(self) -> bool:
        return bool(self.students) or self.opens_target


@dataclass
class RolloverPlan:
    source: AcademicYear
    target: AcademicYear  # unsaved when the next year is to be created
    last_grade: int
    steps: list[ClassStep] = field(default_factory=list)
    first_grades: list[SchoolClass] = field(default_factory=list)  # unsaved, to open
    # Each source enrollment to end, keyed by student id.
    _enrollments: dict[int, Enrollment] = field(default_factory=dict, repr=False)
    # The next year's classes by (grade, letter), those the plan opens included.
    _next_classes: dict[tuple[int, str], SchoolClass] = field(default_factory=dict, repr=False)
    # Pupils kept in their grade (``apply_rollover``'s ``repeaters``), set when applied.
    repeaters: list[Student] = field(default_factory=list)

    @property
    def creates_year(self) -> bool:
        return self.target.pk is None

    @property
    def changing_steps(self) -> list[ClassStep]:
        return [step for step in self.steps if step.changes]

    @property
    def promoted_count(self) -> int:
        kept = {s.pk for s in self.repeaters}
        return sum(
            1
            for step in self.steps
            if not step.graduates
            for s in step.students
            if s.pk not in kept
        )

    @property
    def graduate_count(self) -> int:
        kept = {s.pk for s in self.repeaters}
        return sum(
            1 for step in self.steps if step.graduates for s in step.students if s.pk not in kept
        )

    @property
    def is_empty(self) -> bool:
        return not (self.creates_year or self.changing_steps or self.first_grades)

    @property
    def fingerprint(self) -> str:
        parts = [f"{self.source.pk}>{self.target.pk or self.target.name}:{self.last_grade}"]
        for step in self.steps:
            target = step.target
            goes_to = f"{target.grade}{target.letter}:{target.pk}" if target else "out"
            parts.append(f"{step.source.pk}>{goes_to}:{sorted(s.pk for s in step.students)}")
        parts += sorted(f"+1{c.letter}" for c in self.first_grades)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _shift(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def next_year_of(year: AcademicYear) -> AcademicYear:
    """The academic year after ``year``: the school's year starting after it ends, else an
    unsaved one a year later (name «2026/2027»)."""
    existing = (
        AcademicYear.objects.filter(school_id=year.school_id, start_date__gt=year.end_date)
        .order_by("start_date")
        .first()
    )
    if existing is not None:
        return existing
    start, end = _shift(year.start_date), _shift(year.end_date)
    return AcademicYear(
        school_id=year.school_id,
        name=f"{start.year}/{end.year}",
        start_date=start,
        end_date=end,
        term_system=year.term_system,
    )


def last_grade_of(school: School) -> int:
    """The school's graduating grade: the highest grade it has ever had, rounded up to the
    end of a level of general education (4, 9, 11)."""
    grades = SchoolClass.objects.filter(school=school).values_list("grade", flat=True)
    highest = max(grades, default=11)
    return next(last for last in LAST_GRADES if highest <= last)


def plan_rollover(*, year: AcademicYear, lock: bool = False) -> RolloverPlan:
    """What rolling ``year`` over would do; changes nothing. A fixed number of queries."""
    target = next_year_of(year)
    plan = RolloverPlan(source=year, target=target, last_grade=last_grade_of(year.school))
    classes = list(
        SchoolClass.objects.filter(academic_year=year)
        .select_related("class_teacher")
        .order_by("grade", "letter")
    )
    next_classes = {}
    if target.pk is not None:
        next_classes = {
            (c.grade, c.letter): c for c in SchoolClass.objects.filter(academic_year=target)
        }
    enrollments = (
        Enrollment.objects.on(year.end_date)
        # A pupil whose enrollment already has a leaving category has left (graduated by
        # an earlier run, withdrawn on the last day).
        .filter(school_class__academic_year=year, leaving_category="")
        .select_related("student", "school_class")
        .order_by("student__last_name", "student__first_name", "student_id")
    )
    if lock:
        enrollments = enrollments.select_for_update(of=("self",))
    enrollments = list(enrollments)
    moved_on = set(
        Enrollment.objects.filter(
            student_id__in=[e.student_id for e in enrollments], start_date__gte=target.start_date
        ).values_list("student_id", flat=True)
    )
    by_class: dict[int, list[Enrollment]] = {}
    for enrollment in enrollments:
        if enrollment.student_id in moved_on:
            continue
        by_class.setdefault(enrollment.school_class_id, []).append(enrollment)
        plan._enrollments[enrollment.student_id] = enrollment
    for school_class in classes:
        step = ClassStep(
            source=school_class,
            students=[e.student for e in by_class.get(school_class.pk, [])],
        )
        if school_class.grade < plan.last_grade:
            key = (school_class.grade + 1, school_class.letter)
            step.target = next_classes.get(key) or SchoolClass(
                school_id=year.school_id,
                grade=key[0],
                letter=key[1],
                class_teacher=school_class.class_teacher,
            )
            next_classes.setdefault(key, step.target)
        plan.steps.append(step)
    for school_class in classes:
        if school_class.grade == 1 and (1, school_class.letter) not in next_classes:
            first = SchoolClass(school_id=year.school_id, grade=1, letter=school_class.letter)
            next_classes[(1, school_class.letter)] = first
            plan.first_grades.append(first)
    plan._next_classes = next_classes
    return plan


@transaction.atomic
def apply_rollover(
    *, year: AcademicYear, fingerprint: str, acting_user, repeaters: Iterable[int] = ()
) -> RolloverPlan:
    """Apply the rollover of ``year`` the user previewed (see the module docstring).

    ``repeaters``: ids of pupils of the plan kept in their grade (оставлены на повторное
    обучение): they join the same grade and letter of the next year, ``repeats_grade`` set."""
    if acting_user is not None and not acting_user.has_perm("schools.manage_school", year.school):
        raise RolloverError(_("Переход в новый учебный год выполняют администратор и директор."))
    AcademicYear.objects.select_for_update().get(pk=year.pk)
    plan = plan_rollover(year=year, lock=True)
    if plan.fingerprint != fingerprint:
        raise RolloverError(
            _(
                "Пока вы смотрели предварительный просмотр, классы или зачисления изменились. "
                "Проверьте изменения ещё раз."
            )
        )
    listed = {s.pk: s for step in plan.steps for s in step.students}
    repeaters = set(repeaters)
    if not repeaters <= listed.keys():
        raise RolloverError(
            _("На повторное обучение оставляют только обучающихся из списка перехода.")
        )
    plan.repeaters = [listed[pk] for pk in sorted(repeaters)]
    if plan.is_empty:
        return plan
    target = plan.target
    if plan.creates_year:
        target.save()
        log_action(
            actor=acting_user,
            action="schools.academic_year.created",
            obj=target,
            data={
                "name": target.name,
                "start_date": target.start_date.isoformat(),
                "end_date": target.end_date.isoformat(),
                "after_year_id": year.pk,
            },
        )
    for school_class in [s.target for s in plan.steps if s.opens_target] + plan.first_grades:
        school_class.academic_year = target
        school_class.save()
        log_action(
            actor=acting_user,
            action="schools.class.opened",
            obj=school_class,
            data={
                "year_id": target.pk,
                "grade": school_class.grade,
                "letter": school_class.letter,
                "class_teacher_id": school_class.class_teacher_id,
                "rollover_from_year_id": year.pk,
            },
        )
    _open_repeaters_classes(plan, acting_user)
    _move_students(plan, acting_user)
    log_action(
        actor=acting_user,
        action="schools.rollover.applied",
        obj=year,
        data={
            "target_year_id": target.pk,
            "promoted": plan.promoted_count,
            "graduated": plan.graduate_count,
            "repeaters": [s.pk for s in plan.repeaters],
            "first_grades": [c.letter for c in plan.first_grades],
            "classes": {
                str(step.source.pk): {
                    "to_class_id": step.target.pk if step.target else None,
                    "student_ids": [s.pk for s in step.students],
                }
                for step in plan.changing_steps
            },
        },
    )
    return plan


def _open_repeaters_classes(plan: RolloverPlan, acting_user) -> None:
    """The class of the same grade and letter in the next year for each repeater, opened
    (empty but for them) when the rollover does not otherwise open it."""
    for student in plan.repeaters:
        source = plan._enrollments[student.pk].school_class
        key = (source.grade, source.letter)
        if key in plan._next_classes and plan._next_classes[key].pk is not None:
            continue
        school_class = SchoolClass.objects.create(
            school_id=source.school_id,
            academic_year=plan.target,
            grade=source.grade,
            letter=source.letter,
        )
        plan._next_classes[key] = school_class
        log_action(
            actor=acting_user,
            action="schools.class.opened",
            obj=school_class,
            data={
                "year_id": plan.target.pk,
                "grade": school_class.grade,
                "letter": school_class.letter,
                "class_teacher_id": None,
                "rollover_from_year_id": plan.source.pk,
            },
        )


def _move_students(plan: RolloverPlan, acting_user) -> None:
    year, target = plan.source, plan.target
    ended, created, entries = [], [], []
    kept = {s.pk for s in plan.repeaters}
    for step in plan.steps:
        for student in step.students:
            enrollment = plan._enrollments[student.pk]
            enrollment.end_date = year.end_date
            if student.pk in kept:
                same = plan._next_classes[(step.source.grade, step.source.letter)]
                enrollment.leaving_category = ""
                enrollment.leaving_reason = _("Оставлен на повторное обучение")
                created.append(
                    Enrollment(
                        student=student,
                        school_class=same,
                        school_id=same.school_id,
                        start_date=target.start_date,
                        admission_basis=_("Повторное обучение в %(cls)s") % {"cls": same},
                        repeats_grade=True,
                    )
                )
                action = "schools.enrollment.repeats_grade"
                to_class = same
            elif step.graduates:
                enrollment.leaving_category = LeavingCategory.GRADUATED
                enrollment.leaving_reason = _("Завершил обучение (%(cls)s, %(year)s)") % {
                    "cls": step.source,
                    "year": year,
                }
                action = "schools.enrollment.graduated"
                to_class = None
            else:
                enrollment.leaving_category = ""
                enrollment.leaving_reason = _("Переведён в %(cls)s") % {"cls": step.target}
                created.append(
                    Enrollment(
                        student=student,
                        school_class=step.target,
                        school_id=step.target.school_id,
                        start_date=target.start_date,
                        admission_basis=_("Перевод в следующий класс из %(cls)s")
                        % {"cls": step.source},
                    )
                )
                action = "schools.enrollment.promoted"
                to_class = step.target
            ended.append(enrollment)
            entries.append(
                audit_entry(
                    actor=acting_user,
                    action=action,
                    obj=enrollment,
                    student_id=student.pk,
                    data={
                        "from_class_id": step.source.pk,
                        "to_class_id": to_class.pk if to_class else None,
                        "last_day": year.end_date.isoformat(),
                    },
                )
            )
    Enrollment.objects.bulk_update(
        ended, ["end_date", "leaving_category", "leaving_reason"], batch_size=1000
    )
    Enrollment.objects.bulk_create(created, batch_size=1000)
    log_actions(entries)
