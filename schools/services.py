"""Enrollments (R-A, R-CAL-4): admitting, transferring and withdrawing students.

A student belongs to a class between two dates; a transfer closes the current enrollment
the day before the new one starts, so every day counts in exactly one class.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_entry, log_action, log_actions

from .models import Enrollment, LeavingCategory, School, SchoolClass, Student

DESTINATION_MAX_LENGTH = Enrollment._meta.get_field("leaving_destination").max_length
REASON_MAX_LENGTH = Enrollment._meta.get_field("leaving_reason").max_length
BASIS_MAX_LENGTH = Enrollment._meta.get_field("admission_basis").max_length


class EnrollmentError(Exception):
    """A refused change; the message is shown to the user as is (Russian)."""


def _check_manager(acting_user, school: School) -> None:
    """The school's administrator or director (``schools.manage_school``) admits, transfers
    and withdraws its students; ``acting_user`` None is the system (demo data, imports)."""
    if acting_user is not None and not acting_user.has_perm("schools.manage_school", school):
        raise EnrollmentError(
            _(
                "Зачислением и выбытием обучающихся школы «%(school)s» ведают её администратор и директор."
            )
            % {"school": school}
        )


def _check_length(value: str, limit: int, label: str) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise EnrollmentError(
            _("%(label)s — не длиннее %(n)d символов.") % {"label": label, "n": limit}
        )
    return value


def _ending(enrollment: Enrollment) -> dict:
    """What a transfer or a withdrawal changes in an enrollment (old and new audit values)."""
    return {
        "end_date": enrollment.end_date,
        "leaving_category": enrollment.leaving_category,
        "leaving_reason": enrollment.leaving_reason,
        "leaving_destination": enrollment.leaving_destination,
    }


def _current(student: Student, on_date: datetime.date) -> Enrollment | None:
    return (
        Enrollment.objects.select_for_update()
        .on(on_date)
        .filter(student=student)
        .select_related("school_class")
        .first()
    )


def _check_year(school_class: SchoolClass, on_date: datetime.date) -> None:
    year = school_class.academic_year
    if not year.start_date <= on_date <= year.end_date:
        raise EnrollmentError(
            _("Дата %(date)s вне учебного года %(year)s класса %(cls)s.")
            % {"date": on_date.strftime("%d.%m.%Y"), "year": year, "cls": school_class}
        )


def enroll_student(
    *,
    student: Student,
    school_class: SchoolClass,
    start_date: datetime.date,
    acting_user,
    basis: str = "",
) -> Enrollment:
    """Admit a student who is not enrolled anywhere on ``start_date``."""
    _check_manager(acting_user, school_class.school)
    _check_year(school_class, start_date)
    basis = _check_length(basis, BASIS_MAX_LENGTH, _("Основание зачисления"))
    with transaction.atomic():
        if _current(student, start_date) is not None:
            raise EnrollmentError(
                _("Обучающийся уже зачислен в класс на эту дату: оформите перевод.")
            )
        if Enrollment.objects.filter(student=student, start_date__gt=start_date).exists():
            raise EnrollmentError(_("У обучающегося есть более позднее зачисление."))
        enrollment = Enrollment.objects.create(
            student=student, school_class=school_class, start_date=start_date, admission_basis=basis
        )
        log_action(
            actor=acting_user,
            action="schools.enrollment.created",
            obj=enrollment,
            student_id=student.pk,
            data={
                "student_id": student.pk,
                "class_id": school_class.pk,
                "start_date": start_date,
                "basis": basis,
            },
        )
    return enrollment


def transfer_student(
    *,
    student: Student,
    to_class: SchoolClass,
    on_date: datetime.date,
    acting_user,
    reason: str = "",
    from_school: School | None = None,
) -> Enrollment:
    """Move a student to another class (of this or another school) from ``on_date``; the
    current enrollment ends the day before. ``from_school``: the student must be enrolled
    there on ``on_date`` (a school's page moves only its own students). The acting user
    manages both schools."""
    _check_manager(acting_user, to_class.school)
    _check_year(to_class, on_date)
    reason = _check_length(reason, REASON_MAX_LENGTH, _("Основание перевода"))
    with transaction.atomic():
        current = _current(student, on_date)
        if current is None or (from_school is not None and current.school_id != from_school.pk):
            raise EnrollmentError(_("Обучающийся не зачислен ни в один класс на дату перевода."))
        _check_manager(acting_user, current.school_class.school)
        if current.school_class_id == to_class.pk:
            raise EnrollmentError(_("Обучающийся уже учится в этом классе."))
        if current.start_date >= on_date:
            raise EnrollmentError(_("Перевод не может начинаться в день зачисления или раньше."))
        category = LeavingCategory.TRANSFERRED if current.school_id != to_class.school_id else ""
        old = _ending(current)
        current.end_date = on_date - datetime.timedelta(days=1)
        current.leaving_reason = reason or _("Перевод в %(cls)s") % {"cls": to_class}
        current.leaving_category = category
        current.save(update_fields=["end_date", "leaving_reason", "leaving_category"])
        enrollment = Enrollment.objects.create(
            student=student,
            school_class=to_class,
            start_date=on_date,
            admission_basis=_("Перевод из %(cls)s (%(school)s)")
            % {"cls": current.school_class, "school": current.school_class.school},
        )
        log_action(
            actor=acting_user,
            action="schools.enrollment.transferred",
            obj=enrollment,
            student_id=student.pk,
            data={
                "student_id": student.pk,
                "from_class_id": current.school_class_id,
                "to_class_id": to_class.pk,
                "on_date": on_date,
                "reason": reason,
                "from_enrollment_id": current.pk,
                "old": old,
                "new": _ending(current),
            },
        )
    return enrollment


def withdraw_student(
    *,
    student: Student,
    last_day: datetime.date,
    category: str,
    acting_user,
    reason: str = "",
    destination: str = "",
    school: School | None = None,
) -> Enrollment:
    """The student leaves school after ``last_day`` (выбытие), with the leaving category of
    R-J-7, its basis (``reason``: an order, a parent's application) and where they went
    (``destination``; a transfer to another school names that school). ``school``: the
    student must be enrolled there on ``last_day``."""
    if category not in LeavingCategory.values:
        raise EnrollmentError(_("Укажите категорию выбытия."))
    reason = _check_length(reason, REASON_MAX_LENGTH, _("Основание выбытия"))
    destination = _check_length(destination, DESTINATION_MAX_LENGTH, _("Куда выбыл"))
    if category == LeavingCategory.TRANSFERRED and not destination:
        raise EnrollmentError(
            _("При переводе в другую образовательную организацию укажите, в какую.")
        )
    with transaction.atomic():
        current = _current(student, last_day)
        if current is None or (school is not None and current.school_id != school.pk):
            raise EnrollmentError(_("Обучающийся не зачислен ни в один класс на эту дату."))
        _check_manager(acting_user, current.school_class.school)
        if Enrollment.objects.filter(student=student, start_date__gt=last_day).exists():
            raise EnrollmentError(
                _("У обучающегося есть зачисление после этой даты: выбытие не оформить.")
            )
        old = _ending(current)
        current.end_date = last_day
        current.leaving_category = category
        current.leaving_reason = reason
        current.leaving_destination = destination
        current.save(
            update_fields=["end_date", "leaving_category", "leaving_reason", "leaving_destination"]
        )
        log_action(
            actor=acting_user,
            action="schools.enrollment.ended",
            obj=current,
            student_id=student.pk,
            data={
                "student_id": student.pk,
                "last_day": last_day,
                "category": category,
                "old": old,
                "new": _ending(current),
            },
        )
    return current


def enroll_new_students(
    *,
    placements: list[tuple[Student, SchoolClass]],
    start_date: datetime.date,
    acting_user,
    basis: str = "",
) -> list[Enrollment]:
    """Admit students created in the caller's transaction, set-based (a bulk import of
    thousands): one INSERT of the enrollments and one of their audit entries.

    Only for students who have no enrollment at all (just created): the checks of
    :func:`enroll_student` about a current or later enrollment cannot fail for them, and
    are not repeated row by row; the academic year of each class is checked as there.
    """
    for school_class in {school_class.pk: school_class for _s, school_class in placements}.values():
        _check_year(school_class, start_date)
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                student=student,
                school_class=school_class,
                school_id=school_class.school_id,
                start_date=start_date,
                admission_basis=basis,
            )
            for student, school_class in placements
        ],
        batch_size=2000,
    )
    log_actions(
        [
            audit_entry(
                actor=acting_user,
                action="schools.enrollment.created",
                obj=enrollment,
                school=enrollment.school_class.school,
                student_id=enrollment.student_id,
                data={
                    "student_id": enrollment.student_id,
                    "class_id": enrollment.school_class_id,
                    "start_date": start_date,
                },
            )
            for enrollment in enrollments
        ]
    )
    return enrollments
