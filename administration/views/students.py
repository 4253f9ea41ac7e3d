"""A school's students (R-A, R-J-7): the list, a student's card, admitting a new student,
changing their personal data and family flags, their guardians, and their enrollments —
admission, a transfer to another class, leaving the school (a transfer to another school,
a move, graduation, dropping out) with the leaving category and its basis.

Views are thin: forms check the shape, ``schools.services_students`` and
``schools.services`` decide and write (audited). The school's administrator and director
open these pages (``schools.manage_school``); another school's students answer 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_read
from schools.models import LeavingCategory
from schools.services import EnrollmentError, enroll_student, transfer_student, withdraw_student
from schools.services_students import (
    GUARDIAN_FIELDS,
    STUDENT_FIELDS,
    StudentError,
    add_guardian,
    add_student,
    change_guardian,
    change_student,
    keeping_school_id,
    remove_guardian,
)

from ..forms_students import (
    EnrolForm,
    GuardianForm,
    NewStudentForm,
    StudentFilterForm,
    StudentForm,
    TransferForm,
    WithdrawForm,
)
from ..selectors import get_managed_school
from ..selectors_students import (
    STATUS_CURRENT,
    current_enrollment,
    get_school_guardian,
    get_school_student,
    school_classes,
    shown_enrollment,
    student_enrollments,
    student_rows,
)
from . import error_text

PAGE_SIZE = 50
REFUSALS = (StudentError, EnrollmentError)


def _fields(cleaned: dict, names) -> dict:
    return {name: cleaned[name] for name in names if name in cleaned}


def _to_card(school, student):
    return redirect("administration:student", school_id=school.pk, student_id=student.pk)


@login_required
def student_list(request, school_id: int):
    school = get_managed_school(request.user, school_id)
    classes = school_classes(school)
    search = StudentFilterForm(request.GET or None, classes=classes)
    search.is_valid()  # a bad value is dropped with its error shown
    found = getattr(search, "cleaned_data", {})
    words = (found.get("q") or "").split()
    status = found.get("status") or STATUS_CURRENT
    rows = student_rows(school, words=words, school_class=found.get("school_class"), status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    students = list(page.object_list)
    for student in students:
        student.shown = shown_enrollment(student)
    if students:
        log_read(
            actor=request.user,
            action="administration.students.viewed",
            obj=school,
            school_id=school.pk,
            student_ids=[s.pk for s in students],
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "school": school,
        "search": search,
        "page": page,
        "students": students,
        "status": status,
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, "administration/students.html", context)


@login_required
def student_add(request, school_id: int):
    school = get_managed_school(request.user, school_id)
    form = NewStudentForm(request.POST or None, classes=school_classes(school))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            student = add_student(
                school_class=data["school_class"],
                start_date=data["start_date"],
                basis=data["basis"],
                acting_user=request.user,
                **_fields(data, STUDENT_FIELDS),
            )
        except REFUSALS as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("%(name)s зачислен(а) в %(cls)s.")
                % {"name": student.full_name, "cls": data["school_class"]},
            )
            return _to_card(school, student)
    return render(request, "administration/student_form.html", {"school": school, "form": form})


@login_required
def student_card(request, school_id: int, student_id: int):
    school = get_managed_school(request.user, school_id)
    student = get_school_student(school, student_id)
    enrollments = student_enrollments(student)
    current = current_enrollment(enrollments, school)
    log_read(
        actor=request.user,
        action="administration.student.viewed",
        obj=student,
        school_id=school.pk,
        student_id=student.pk,
    )
    context = {
        "school": school,
        "student": student,
        "enrollments": enrollments,
        "current": current,
        "guardians": list(student.guardians.all()),
        "keeps": keeping_school_id(student) == school.pk,
        "flags": [
            student._meta.get_field(name).verbose_name
            for name in (
                "large_family",
                "low_income",
                "single_parent",
                "difficult_life_situation",
                "socially_dangerous_position",
                "disability",
                "not_studying_for_health",
            )
            if getattr(student, name)
        ],
    }
    return render(request, "administration/student.html", context)


@login_required
def student_edit(request, school_id: int, student_id: int):
    school = get_managed_school(request.user, school_id)
    student = get_school_student(school, student_id)
    form = StudentForm(request.POST or None, instance=student)
    if request.method == "POST" and form.is_valid():
        try:
            change_student(
                student=student,
                school=school,
                acting_user=request.user,
                **_fields(form.cleaned_data, STUDENT_FIELDS),
            )
        except REFUSALS as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Данные обучающегося сохранены."))
            return _to_card(school, student)
    if form.is_bound:
        # The form wrote its values into the instance: show the card's title as stored.
        student.refresh_from_db()
    context = {"school": school, "student": student, "form": form}
    return render(request, "administration/student_form.html", context)


def _move_page(request, school, student, form, kind: str):
    context = {"school": school, "student": student, "form": form, "kind": kind}
    return render(request, "administration/student_move.html", context)


@login_required
def student_enrol(request, school_id: int, student_id: int):
    school = get_managed_school(request.user, school_id)
    student = get_school_student(school, student_id)
    form = EnrolForm(request.POST or None, classes=school_classes(school))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enroll_student(
                student=student,
                school_class=data["school_class"],
                start_date=data["start_date"],
                basis=data["basis"],
                acting_user=request.user,
            )
        except REFUSALS as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request, _("Обучающийся зачислен в %(cls)s.") % {"cls": data["school_class"]}
            )
            return _to_card(school, student)
    return _move_page(request, school, student, form, "enrol")


@login_required
def student_transfer(request, school_id: int, student_id: int):
    school = get_managed_school(request.user, school_id)
    student = get_school_student(school, student_id)
    form = TransferForm(request.POST or None, classes=school_classes(school))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer_student(
                student=student,
                to_class=data["to_class"],
                on_date=data["on_date"],
                reason=data["reason"],
                from_school=school,
                acting_user=request.user,
            )
        except REFUSALS as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("Обучающийся переведён в %(cls)s с %(date)s.")
                % {"cls": data["to_class"], "date": data["on_date"].strftime("%d.%m.%Y")},
            )
            return _to_card(school, student)
    return _move_page(request, school, student, form, "transfer")


@login_required
def student_withdraw(request, school_id: int, student_id: int):
    school = get_managed_school(request.user, school_id)
    student = get_school_student(school, student_id)
    initial = {}
    if request.GET.get("kind") == "transfer":
        initial["category"] = LeavingCategory.TRANSFERRED
    form = WithdrawForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            withdraw_student(
                student=student,
                last_day=data["last_day"],
                category=data["category"],
                reason=data["reason"],
                destination=data["destination"],
                school=school,
                acting_user=request.user,
            )
        except REFUSALS as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("Выбытие оформлено: последний день обучения — %(date)s.")
                % {"date": data["last_day"].strftime("%d.%m.%Y")},
            )
            return _to_card(school, student)
    return _move_page(request, school, student, form, "withdraw")


@login_required
def guardian_add(request, school_id: int, student_id: int):
    school = get_managed_school(request.user, school_id)
    student = get_school_student(school, student_id)
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guardian = add_guardian(
                student=student,
                school=school,
                acting_user=request.user,
                **_fields(form.cleaned_data, GUARDIAN_FIELDS),
            )
        except REFUSALS as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request, _("Представитель %(name)s добавлен.") % {"name": guardian.full_name}
            )
            return _to_card(school, student)
    context = {"school": school, "student": student, "form": form}
    return render(request, "administration/guardian_form.html", context)


@login_required
def guardian_edit(request, school_id: int, guardian_id: int):
    school = get_managed_school(request.user, school_id)
    guardian = get_school_guardian(school, guardian_id)
    student = guardian.student
    form = GuardianForm(request.POST or None, instance=guardian)
    if request.method == "POST" and form.is_valid():
        try:
            change_guardian(
                guardian=guardian,
                school=school,
                acting_user=request.user,
                **_fields(form.cleaned_data, GUARDIAN_FIELDS),
            )
        except REFUSALS as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("Данные представителя сохранены."))
            return _to_card(school, student)
    if form.is_bound:
        guardian.refresh_from_db()
    context = {"school": school, "student": student, "guardian": guardian, "form": form}
    return render(request, "administration/guardian_form.html", context)


@login_required
def guardian_remove(request, school_id: int, guardian_id: int):
    """GET asks to confirm; POST removes."""
    school = get_managed_school(request.user, school_id)
    guardian = get_school_guardian(school, guardian_id)
    student = guardian.student
    if request.method == "POST":
        try:
            remove_guardian(guardian=guardian, school=school, acting_user=request.user)
        except REFUSALS as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("Представитель %(name)s удалён.") % {"name": guardian.full_name}
            )
        return _to_card(school, student)
    context = {"school": school, "student": student, "guardian": guardian}
    return render(request, "administration/guardian_remove.html", context)
