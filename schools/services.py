"""Enrollments (R-A, R-CAL-4): admitting, transferring and withdrawing students.

A student belongs to a class between two dates; a transfer closes the current enrollment
the day before the new one starts, so every day counts in exactly one class.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_entry, log_action, log_actions

from .models import Enrollment, LeavingCategory, SchoolClass, Student


class EnrollmentError(Exception):
    """A refused change; the message is shown to the user as is (Russian)."""


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
    _check_year(school_class, start_date)
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
            data={"student_id": student.pk, "class_id": school_class.pk, "start_date": start_date},
        )
    return enrollment


def transfer_student(
    *,
    student: Student,
    to_class: SchoolClass,
    on_date: datetime.date,
    acting_user,
    reason: str = "",
) -> Enrollment:
    """Move a student to another class (of this or another school) from ``on_date``."""
    _check_year(to_class, on_date)
    with transaction.atomic():
        current = _current(student, on_date)
        if current is None:
            raise EnrollmentError(_("Обучающийся не зачислен ни в один класс на дату перевода."))
        if current.school_class_id == to_class.pk:
            raise EnrollmentError(_("Обучающийся уже учится в этом классе."))
        if current.start_date >= on_date:
            raise EnrollmentError(_("Перевод не может начинаться в день зачисления или раньше."))
        category = LeavingCategory.TRANSFERRED if current.school_id != to_class.school_id else ""
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
            data={
                "student_id": student.pk,
                "from_class_id": current.school_class_id,
                "to_class_id": to_class.pk,
                "on_date": on_date,
                "reason": reason,
            },
        )
    return enrollment


def withdraw_student(
    *, student: Student, last_day: datetime.date, category: str, acting_user, reason: str = ""
) -> Enrollment:
    """The student leaves school after ``last_day`` (выбытие)."""
    if category not in LeavingCategory.values:
        raise EnrollmentError(_("Укажите категорию выбытия."))
    with transaction.atomic():
        current = _current(student, last_day)
        if current is None:
            raise EnrollmentError(_("Обучающийся не зачислен ни в один класс на эту дату."))
        current.end_date = last_day
        current.leaving_category = category
        current.leaving_reason = reason
        current.save(update_fields=["end_date", "leaving_category", "leaving_reason"])
        log_action(
            actor=acting_user,
            action="schools.enrollment.ended",
            obj=current,
            data={"student_id": student.pk, "last_day": last_day, "category": category},
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
