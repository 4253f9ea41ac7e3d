"""Classes of an academic year (R-A): opening one, changing its grade, letter and class
teacher, closing one that never had a student.

Each function takes the acting user (None: the system setting data up), checks
``schools.manage_school`` on the school (its administrator or director), checks the state
and only then changes anything, in one transaction with its audit entry. Refusals are
:class:`ClassError` with a Russian message shown to the user as is.
"""

from django.db import transaction
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from audit.services import log_action

from .models import AcademicYear, ClassGroup, School, SchoolClass

GRADES = range(1, 12)
LETTER_MAX_LENGTH = SchoolClass._meta.get_field("letter").max_length


class ClassError(Exception):
    """A refused change of a class; the message is Russian and shown as is."""


def _check_manager(acting_user, school: School) -> None:
    if acting_user is not None and not acting_user.has_perm("schools.manage_school", school):
        raise ClassError(_("Классами школы управляют её администратор и директор."))


def class_teacher_candidates(school: School):
    """Active people holding the class teacher's role in ``school``: who may lead a class."""
    return User.objects.filter(
        is_active=True,
        role_assignments__school=school,
        role_assignments__role=Role.CLASS_TEACHER,
    ).distinct()


def _clean(*, year: AcademicYear, grade, letter: str, class_teacher, exclude_pk=None) -> str:
    if grade not in GRADES:
        raise ClassError(_("Параллель — число от 1 до 11."))
    letter = (letter or "").strip().upper()
    if not letter:
        raise ClassError(_("Укажите литеру класса."))
    if len(letter) > LETTER_MAX_LENGTH:
        raise ClassError(_("Литера класса — не длиннее %(n)d символов.") % {"n": LETTER_MAX_LENGTH})
    taken = SchoolClass.objects.filter(academic_year=year, grade=grade, letter=letter)
    if taken.exclude(pk=exclude_pk).exists():
        raise ClassError(
            _("Класс %(grade)s «%(letter)s» в %(year)s учебном году уже есть.")
            % {"grade": grade, "letter": letter, "year": year}
        )
    if (
        class_teacher is not None
        and not class_teacher_candidates(year.school).filter(pk=class_teacher.pk).exists()
    ):
        raise ClassError(
            _(
                "%(name)s не может быть классным руководителем: нужна роль классного "
                "руководителя в этой школе."
            )
            % {"name": class_teacher}
        )
    return letter


def _state(school_class: SchoolClass) -> dict:
    return {
        "grade": school_class.grade,
        "letter": school_class.letter,
        "class_teacher_id": school_class.class_teacher_id,
    }


@transaction.atomic
def open_class(
    *, academic_year: AcademicYear, grade: int, letter: str, class_teacher=None, acting_user
) -> SchoolClass:
    """A new class of ``academic_year``; its class teacher must hold that role in the school."""
    school = academic_year.school
    _check_manager(acting_user, school)
    letter = _clean(year=academic_year, grade=grade, letter=letter, class_teacher=class_teacher)
    school_class = SchoolClass.objects.create(
        school=school,
        academic_year=academic_year,
        grade=grade,
        letter=letter,
        class_teacher=class_teacher,
    )
    log_action(
        actor=acting_user,
        action="schools.class.opened",
        obj=school_class,
        data={"year_id": academic_year.pk, **_state(school_class)},
    )
    return school_class


@transaction.atomic
def change_class(
    *, school_class: SchoolClass, grade: int, letter: str, class_teacher, acting_user
) -> bool:
    """Change a class's grade, letter and class teacher. False (and no audit entry) when
    nothing changes."""
    _check_manager(acting_user, school_class.school)
    school_class = SchoolClass.objects.select_for_update().get(pk=school_class.pk)
    letter = _clean(
        year=school_class.academic_year,
        grade=grade,
        letter=letter,
        class_teacher=class_teacher,
        exclude_pk=school_class.pk,
    )
    old = _state(school_class)
    school_class.grade, school_class.letter = grade, letter
    school_class.class_teacher = class_teacher
    new = _state(school_class)
    if new == old:
        return False
    school_class.save(update_fields=["grade", "letter", "class_teacher"])
    log_action(
        actor=acting_user,
        action="schools.class.changed",
        obj=school_class,
        data={"old": old, "new": new},
    )
    return True


# What goes with a class that never had a student: its subgroups (and their empty member
# lists). Anything else that names it (timetable lines, lessons, reports) keeps it open.
_CLOSABLE_WITH = {SchoolClass, ClassGroup, ClassGroup.students.through}


def _dependents_block(school_class: SchoolClass) -> bool:
    collector = Collector(using="default")
    collector.collect([school_class])
    if any(model not in _CLOSABLE_WITH for model in collector.data):
        return True
    return any(qs.model not in _CLOSABLE_WITH and qs.exists() for qs in collector.fast_deletes)


@transaction.atomic
def close_class(*, school_class: SchoolClass, acting_user) -> None:
    """Remove a class opened by mistake: one that never had a student, a timetable line,
    a lesson or a report. A class with a history stays (its people leave by withdrawal or
    transfer)."""
    _check_manager(acting_user, school_class.school)
    school_class = SchoolClass.objects.select_for_update().get(pk=school_class.pk)
    if school_class.enrollments.exists():
        raise ClassError(
            _("В классе %(cls)s есть обучающиеся (сейчас или в прошлом): закрыть его нельзя.")
            % {"cls": school_class}
        )
    if _dependents_block(school_class):
        raise ClassError(
            _(
                "У класса %(cls)s есть расписание, уроки или отчёты: закрыть его нельзя. "
                "Удалите сначала строки его расписания."
            )
            % {"cls": school_class}
        )
    log_action(
        actor=acting_user,
        action="schools.class.closed",
        obj=school_class,
        data={"year_id": school_class.academic_year_id, **_state(school_class)},
    )
    school_class.delete()


# --- Subgroups (split lessons: a foreign language, technology) ------------------------------

GROUP_NAME_MAX_LENGTH = ClassGroup._meta.get_field("name").max_length


def _clean_group_name(school_class: SchoolClass, name: str, exclude_pk=None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ClassError(_("Укажите название подгруппы."))
    if len(name) > GROUP_NAME_MAX_LENGTH:
        raise ClassError(
            _("Название подгруппы — не длиннее %(n)d символов.") % {"n": GROUP_NAME_MAX_LENGTH}
        )
    taken = ClassGroup.objects.filter(school_class=school_class, name__iexact=name)
    if taken.exclude(pk=exclude_pk).exists():
        raise ClassError(
            _("Подгруппа «%(name)s» в классе %(cls)s уже есть.")
            % {"name": name, "cls": school_class}
        )
    return name


@transaction.atomic
def add_group(*, school_class: SchoolClass, name: str, acting_user) -> ClassGroup:
    """A new subgroup of ``school_class`` (its students are chosen afterwards)."""
    _check_manager(acting_user, school_class.school)
    name = _clean_group_name(school_class, name)
    group = ClassGroup.objects.create(school_class=school_class, name=name)
    log_action(
        actor=acting_user,
        action="schools.class_group.added",
        obj=group,
        data={"class_id": school_class.pk, "name": name},
    )
    return group


@transaction.atomic
def set_group_students(*, group: ClassGroup, students, acting_user) -> bool:
    """Make ``students`` (pupils of the group's class) the subgroup's members. False when
    nothing changes."""
    _check_manager(acting_user, group.school_class.school)
    group = ClassGroup.objects.select_for_update().get(pk=group.pk)
    wanted = {student.pk for student in students}
    in_class = set(
        group.school_class.enrollments.filter(student_id__in=wanted).values_list(
            "student_id", flat=True
        )
    )
    if wanted - in_class:
        raise ClassError(_("В подгруппу входят только обучающиеся этого класса."))
    old = set(group.students.values_list("pk", flat=True))
    if old == wanted:
        return False
    group.students.set(wanted)
    log_action(
        actor=acting_user,
        action="schools.class_group.students_set",
        obj=group,
        data={"added": sorted(wanted - old), "removed": sorted(old - wanted)},
    )
    return True


def _group_in_use(group: ClassGroup) -> bool:
    collector = Collector(using="default")
    collector.collect([group])
    if any(model not in _CLOSABLE_WITH for model in collector.data):
        return True
    return any(qs.model not in _CLOSABLE_WITH and qs.exists() for qs in collector.fast_deletes)


@transaction.atomic
def remove_group(*, group: ClassGroup, acting_user) -> None:
    """Remove a subgroup no timetable line or lesson names (its member list goes with it)."""
    _check_manager(acting_user, group.school_class.school)
    group = ClassGroup.objects.select_for_update().get(pk=group.pk)
    if _group_in_use(group):
        raise ClassError(
            _(
                "У подгруппы «%(name)s» есть строки расписания или уроки: удалить её нельзя. "
                "Уберите сначала её строки из расписания."
            )
            % {"name": group.name}
        )
    log_action(
        actor=acting_user,
        action="schools.class_group.removed",
        obj=group,
        data={"class_id": group.school_class_id, "name": group.name},
    )
    group.delete()
