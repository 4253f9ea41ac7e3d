"""The services behind the administration pages: classes, subjects, staff (issue #15).

Each: the happy path with its audit entry, and the refusals in Russian that change nothing.
"""

import pytest

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.services import RoleError
from accounts.services_staff import (
    StaffError,
    create_staff_member,
    deactivate_staff_member,
)
from audit.models import AuditEntry
from schools.models import SchoolClass, Subject
from schools.services_classes import ClassError, change_class, close_class, open_class
from schools.services_subjects import (
    SubjectError,
    add_subject,
    rename_subject,
    set_subject_archived,
)
from tests import factories

pytestmark = pytest.mark.django_db


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


# --- Classes ------------------------------------------------------------------------------


def test_administrator_opens_a_class_with_its_class_teacher(staffed):
    school_class = open_class(
        academic_year=staffed.year,
        grade=7,
        letter="в",
        class_teacher=staffed.class_teacher,
        acting_user=staffed.admin,
    )
    assert (school_class.grade, school_class.letter) == (7, "В")
    assert school_class.class_teacher == staffed.class_teacher
    entry = entries("schools.class.opened").get()
    assert entry.actor == staffed.admin
    assert entry.school == staffed.school
    assert entry.data["class_teacher_id"] == staffed.class_teacher.pk


def test_director_may_open_a_class(staffed):
    open_class(academic_year=staffed.year, grade=1, letter="А", acting_user=staffed.director)
    assert SchoolClass.objects.filter(academic_year=staffed.year, grade=1).exists()


@pytest.mark.parametrize(
    ("grade", "letter", "message"),
    [
        (12, "А", "Параллель — число от 1 до 11."),
        (0, "А", "Параллель — число от 1 до 11."),
        (5, "   ", "Укажите литеру класса."),
        (5, "АБВГД", "Литера класса — не длиннее 4 символов."),
    ],
)
def test_bad_grade_or_letter_is_refused_in_russian(staffed, grade, letter, message):
    with pytest.raises(ClassError, match=message):
        open_class(
            academic_year=staffed.year, grade=grade, letter=letter, acting_user=staffed.admin
        )
    assert not SchoolClass.objects.exists()
    assert not entries("schools.class.opened").exists()


def test_the_same_class_twice_in_a_year_is_refused(staffed):
    open_class(academic_year=staffed.year, grade=5, letter="А", acting_user=staffed.admin)
    with pytest.raises(ClassError, match="уже есть"):
        open_class(academic_year=staffed.year, grade=5, letter="а", acting_user=staffed.admin)
    assert SchoolClass.objects.count() == 1


def test_class_teacher_must_hold_the_role_in_this_school(staffed):
    neighbour_teacher = factories.staff_user(Role.CLASS_TEACHER, staffed.neighbour)
    for person in (staffed.subject_teacher, neighbour_teacher):
        with pytest.raises(ClassError, match="нужна роль классного руководителя"):
            open_class(
                academic_year=staffed.year,
                grade=5,
                letter="А",
                class_teacher=person,
                acting_user=staffed.admin,
            )
    assert not SchoolClass.objects.exists()


@pytest.mark.parametrize(
    "who", ["subject_teacher", "class_teacher", "neighbour_admin", "municipal"]
)
def test_only_the_schools_administrator_and_director_manage_its_classes(staffed, who):
    with pytest.raises(ClassError, match="администратор и директор"):
        open_class(
            academic_year=staffed.year, grade=5, letter="А", acting_user=getattr(staffed, who)
        )
    assert not SchoolClass.objects.exists()


def test_change_class_audits_old_and_new_and_an_unchanged_form_logs_nothing(staffed):
    school_class = open_class(academic_year=staffed.year, grade=5, letter="А", acting_user=None)
    changed = change_class(
        school_class=school_class,
        grade=6,
        letter="Б",
        class_teacher=staffed.class_teacher,
        acting_user=staffed.admin,
    )
    assert changed
    school_class.refresh_from_db()
    assert (school_class.grade, school_class.letter) == (6, "Б")
    entry = entries("schools.class.changed").get()
    assert entry.data["old"] == {"grade": 5, "letter": "А", "class_teacher_id": None}
    assert entry.data["new"]["class_teacher_id"] == staffed.class_teacher.pk
    again = change_class(
        school_class=school_class,
        grade=6,
        letter="Б",
        class_teacher=staffed.class_teacher,
        acting_user=staffed.admin,
    )
    assert not again
    assert entries("schools.class.changed").count() == 1


def test_change_class_to_a_taken_letter_is_refused(staffed):
    open_class(academic_year=staffed.year, grade=5, letter="А", acting_user=None)
    other = open_class(academic_year=staffed.year, grade=5, letter="Б", acting_user=None)
    with pytest.raises(ClassError, match="уже есть"):
        change_class(
            school_class=other, grade=5, letter="А", class_teacher=None, acting_user=staffed.admin
        )
    other.refresh_from_db()
    assert other.letter == "Б"


def test_close_an_empty_class(staffed):
    school_class = open_class(academic_year=staffed.year, grade=5, letter="А", acting_user=None)
    close_class(school_class=school_class, acting_user=staffed.director)
    assert not SchoolClass.objects.filter(pk=school_class.pk).exists()
    entry = entries("schools.class.closed").get()
    assert entry.actor == staffed.director
    assert entry.data["letter"] == "А"


def test_a_class_with_students_is_not_closed(staffed):
    school_class = open_class(academic_year=staffed.year, grade=5, letter="А", acting_user=None)
    enrollment = factories.EnrollmentFactory(school_class=school_class)
    enrollment.end_date = enrollment.start_date  # a past student counts too
    enrollment.save()
    with pytest.raises(ClassError, match="есть обучающиеся"):
        close_class(school_class=school_class, acting_user=staffed.admin)
    assert SchoolClass.objects.filter(pk=school_class.pk).exists()
    assert not entries("schools.class.closed").exists()


def test_a_class_with_a_timetable_is_not_closed(staffed):
    school_class = open_class(academic_year=staffed.year, grade=5, letter="А", acting_user=None)
    factories.TimetableEntryFactory(
        school_class=school_class,
        subject=factories.SubjectFactory(school=staffed.school),
        teacher=staffed.subject_teacher,
    )
    with pytest.raises(ClassError, match="есть расписание"):
        close_class(school_class=school_class, acting_user=staffed.admin)
    assert SchoolClass.objects.filter(pk=school_class.pk).exists()


# --- Subjects -----------------------------------------------------------------------------


def test_add_rename_archive_and_restore_a_subject(staffed):
    subject = add_subject(
        school=staffed.school, name="  Информатика ", short_name="Инф", acting_user=staffed.admin
    )
    assert subject.name == "Информатика"
    assert rename_subject(
        subject=subject, name="Информатика и ИКТ", short_name="ИКТ", acting_user=staffed.director
    )
    assert set_subject_archived(subject=subject, archived=True, acting_user=staffed.admin)
    assert not set_subject_archived(subject=subject, archived=True, acting_user=staffed.admin)
    subject.refresh_from_db()
    assert (subject.name, subject.archived) == ("Информатика и ИКТ", True)
    assert set_subject_archived(subject=subject, archived=False, acting_user=staffed.admin)
    actions = list(
        AuditEntry.objects.filter(action__startswith="schools.subject.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "schools.subject.added",
        "schools.subject.renamed",
        "schools.subject.archived",
        "schools.subject.restored",
    ]
    renamed = entries("schools.subject.renamed").get()
    assert renamed.data["old"]["name"] == "Информатика"
    assert renamed.school == staffed.school


def test_a_subject_name_taken_in_the_school_is_refused(staffed):
    add_subject(school=staffed.school, name="Физика", acting_user=None)
    with pytest.raises(SubjectError, match="уже есть"):
        add_subject(school=staffed.school, name="физика", acting_user=staffed.admin)
    # Another school may have its own.
    add_subject(school=staffed.neighbour, name="Физика", acting_user=staffed.neighbour_admin)
    assert Subject.objects.filter(school=staffed.school).count() == 1


@pytest.mark.parametrize(
    ("name", "message"), [("   ", "Укажите название"), ("Я" * 201, "не длиннее 200")]
)
def test_a_bad_subject_name_is_refused(staffed, name, message):
    with pytest.raises(SubjectError, match=message):
        add_subject(school=staffed.school, name=name, acting_user=staffed.admin)
    assert not Subject.objects.exists()


def test_another_schools_administrator_cannot_touch_the_subjects(staffed):
    subject = add_subject(school=staffed.school, name="Физика", acting_user=None)
    with pytest.raises(SubjectError, match="администратор и директор"):
        set_subject_archived(subject=subject, archived=True, acting_user=staffed.neighbour_admin)
    with pytest.raises(SubjectError, match="администратор и директор"):
        rename_subject(subject=subject, name="Химия", acting_user=staffed.subject_teacher)
    subject.refresh_from_db()
    assert (subject.name, subject.archived) == ("Физика", False)


# --- Staff --------------------------------------------------------------------------------


def test_administrator_takes_on_a_class_teacher_with_a_temporary_password(staffed):
    created = create_staff_member(
        school=staffed.school,
        username="smirnova",
        last_name="Смирнова",
        first_name="Елена",
        patronymic="Викторовна",
        email="smirnova@example.org",
        phone="+7 900 000-00-00",
        roles=[Role.CLASS_TEACHER, Role.SUBJECT_TEACHER],
        acting_user=staffed.admin,
    )
    user = created.user
    assert user.check_password(created.temporary_password)
    assert len(created.temporary_password) == 14
    assert set(
        RoleAssignment.objects.filter(user=user, school=staffed.school).values_list(
            "role", flat=True
        )
    ) == {Role.CLASS_TEACHER, Role.SUBJECT_TEACHER}
    entry = entries("accounts.staff.created").get()
    assert (entry.actor, entry.school) == (staffed.admin, staffed.school)
    assert created.temporary_password not in str(entry.data)
    assert entries("accounts.role.assigned").filter(data__user_id=user.pk).count() == 2


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.DEPUTY, Role.SCHOOL_ADMIN])
def test_administrator_cannot_take_on_the_leadership(staffed, role):
    with pytest.raises(RoleError, match="специалист муниципального органа"):
        create_staff_member(
            school=staffed.school,
            username="boss",
            last_name="Начальникова",
            first_name="Анна",
            roles=[Role.SUBJECT_TEACHER, role],
            acting_user=staffed.admin,
        )
    assert not User.objects.filter(username="boss").exists()
    assert not entries("accounts.staff.created").exists()


def test_municipal_specialist_takes_on_a_director(staffed):
    created = create_staff_member(
        school=staffed.neighbour,
        username="director2",
        last_name="Директорова",
        first_name="Ольга",
        roles=[Role.DIRECTOR],
        acting_user=staffed.municipal,
    )
    assert RoleAssignment.objects.get(user=created.user).role == Role.DIRECTOR


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"username": "taken"}, "Логин «taken» уже занят."),
        ({"username": "TAKEN"}, "Логин «TAKEN» уже занят."),
        ({"username": "с пробелом"}, "Логин может содержать только"),
        ({"last_name": " "}, "Укажите фамилию и имя"),
        ({"email": "не почта"}, "Неверный адрес электронной почты."),
        ({"roles": []}, "Выберите хотя бы одну роль"),
    ],
)
def test_bad_staff_data_is_refused_in_russian(staffed, fields, error):
    factories.UserFactory(username="taken")
    before = User.objects.count()
    data = {
        "username": "new.person",
        "last_name": "Новикова",
        "first_name": "Ольга",
        "roles": [Role.PSYCHOLOGIST],
        **fields,
    }
    with pytest.raises(StaffError) as raised:
        create_staff_member(school=staffed.school, acting_user=staffed.admin, **data)
    assert error in raised.value.messages[0]
    assert User.objects.count() == before


def test_deactivating_a_teacher_revokes_the_roles_and_switches_the_account_off(staffed):
    teacher = staffed.class_teacher
    switched_off = deactivate_staff_member(
        user=teacher, school=staffed.school, acting_user=staffed.admin
    )
    teacher.refresh_from_db()
    assert switched_off and not teacher.is_active
    assert not RoleAssignment.objects.filter(user=teacher).exists()
    entry = entries("accounts.staff.deactivated").get()
    assert entry.data == {
        "user_id": teacher.pk,
        "roles": [Role.CLASS_TEACHER],
        "account_deactivated": True,
    }
    assert entries("accounts.role.revoked").filter(data__user_id=teacher.pk).count() == 1


def test_a_teacher_of_two_schools_keeps_the_account_and_the_other_school(staffed):
    teacher = staffed.subject_teacher
    RoleAssignment.objects.create(user=teacher, role=Role.SUBJECT_TEACHER, school=staffed.neighbour)
    assert not deactivate_staff_member(
        user=teacher, school=staffed.school, acting_user=staffed.admin
    )
    teacher.refresh_from_db()
    assert teacher.is_active
    assert list(RoleAssignment.objects.filter(user=teacher).values_list("school", flat=True)) == [
        staffed.neighbour.pk
    ]


@pytest.mark.parametrize(
    ("actor", "person", "message"),
    [
        ("admin", "director", "специалист муниципального органа"),
        ("admin", "admin", "самому себе"),
        ("director", "class_teacher", "Недостаточно прав"),
        ("neighbour_admin", "class_teacher", "Недостаточно прав"),
    ],
)
def test_deactivation_refused_changes_nothing(staffed, actor, person, message):
    user = getattr(staffed, person)
    with pytest.raises(RoleError, match=message):
        deactivate_staff_member(
            user=user, school=staffed.school, acting_user=getattr(staffed, actor)
        )
    user.refresh_from_db()
    assert user.is_active
    assert RoleAssignment.objects.filter(user=user, school=staffed.school).exists()
    assert not entries("accounts.staff.deactivated").exists()


def test_deactivating_someone_not_of_the_school_is_refused(staffed):
    with pytest.raises(StaffError, match="не работает в этой школе"):
        deactivate_staff_member(
            user=staffed.neighbour_admin, school=staffed.school, acting_user=staffed.municipal
        )
