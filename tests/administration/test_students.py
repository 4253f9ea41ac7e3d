"""The students pages of a school's administration (issue #15): the services behind them
(admitting, changing a student, guardians, transfers and withdrawals with their audit
entries and Russian refusals) and the pages (who opens them, another school's students
answering 404, form errors instead of a 500, a number of queries that does not grow with
the rows)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from schools.models import Enrollment, Guardian, LeavingCategory, Student
from schools.services import EnrollmentError, transfer_student, withdraw_student
from schools.services_students import (
    StudentError,
    add_guardian,
    add_student,
    change_guardian,
    change_student,
    remove_guardian,
)
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date
MAX_QUERIES = 14


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


def _classes(staffed, n=2):
    return [
        factories.SchoolClassFactory(school=staffed.school, academic_year=staffed.year, grade=5)
        for _ in range(n)
    ]


def _today():
    return timezone.localdate()


def _student_fields(**overrides) -> dict:
    fields = {
        "last_name": "Петров",
        "first_name": "Иван",
        "patronymic": "Сергеевич",
        "birth_date": _today().replace(year=_today().year - 11, day=1),
        "gender": "m",
        "actual_address": "ул. Ленина, 1",
        "large_family": True,
    }
    return fields | overrides


def _guardian_fields(**overrides) -> dict:
    return {
        "full_name": "Петрова Анна Викторовна",
        "relation": Guardian.Relation.MOTHER,
        "phone": "+7 (900) 123-45-67",
        "email": "anna@example.ru",
        "lives_with_student": True,
    } | overrides


# --- Services ------------------------------------------------------------------------------


def test_add_student_admits_them_and_audits_both(staffed):
    first, _second = _classes(staffed)
    student = add_student(
        school_class=first,
        start_date=_today(),
        basis="Приказ № 1-у",
        acting_user=staffed.admin,
        **_student_fields(last_name="  Петров  "),
    )
    assert student.last_name == "Петров" and student.large_family
    enrollment = Enrollment.objects.get(student=student)
    assert (enrollment.school_class, enrollment.admission_basis) == (first, "Приказ № 1-у")
    added = entries("schools.student.added").get()
    assert added.student_id == student.pk and added.school == staffed.school
    assert added.data["new"]["last_name"] == "Петров"
    assert entries("schools.enrollment.created").get().student_id == student.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_name": " "}, "фамилию и имя"),
        ({"birth_date": D(1950, 1, 1)}, "от 5 до 25 лет"),
        ({"gender": "x"}, "Пол"),
        ({"actual_address": "д" * 501}, "не длиннее 500"),
    ],
)
def test_add_student_refuses_bad_data_and_adds_nothing(staffed, overrides, message):
    first, _second = _classes(staffed)
    logged = AuditEntry.objects.count()
    with pytest.raises(StudentError, match=message):
        add_student(
            school_class=first,
            start_date=_today(),
            acting_user=staffed.admin,
            **_student_fields(**overrides),
        )
    assert not Student.objects.exists() and AuditEntry.objects.count() == logged


def test_add_student_outside_the_year_adds_nothing(staffed):
    first, _second = _classes(staffed)
    logged = AuditEntry.objects.count()
    with pytest.raises(StudentError, match="вне учебного года"):
        add_student(
            school_class=first,
            start_date=staffed.year.end_date + datetime.timedelta(days=1),
            acting_user=staffed.admin,
            **_student_fields(),
        )
    assert not Student.objects.exists() and AuditEntry.objects.count() == logged


def test_a_known_student_is_not_added_twice(staffed):
    first, _second = _classes(staffed)
    add_student(
        school_class=first, start_date=_today(), acting_user=staffed.admin, **_student_fields()
    )
    with pytest.raises(StudentError, match="уже есть среди обучающихся школы"):
        add_student(
            school_class=first,
            start_date=_today(),
            acting_user=staffed.admin,
            **_student_fields(last_name="ПЕТРОВ"),
        )
    assert Student.objects.count() == 1


def test_a_child_transferred_from_another_school_keeps_their_record(staffed):
    first, _second = _classes(staffed)
    neighbour_class = factories.SchoolClassFactory(
        school=staffed.neighbour, academic_year=staffed.neighbour.academic_years.get()
    )
    fields = _student_fields()
    child = factories.enrolled_student(
        neighbour_class,
        **{k: fields[k] for k in ("last_name", "first_name", "patronymic")},
        birth_date=fields["birth_date"],
    )
    withdraw_student(
        student=child,
        last_day=_today() - datetime.timedelta(days=1),
        category=LeavingCategory.TRANSFERRED,
        destination=str(staffed.school),
        acting_user=staffed.neighbour_admin,
    )
    student = add_student(
        school_class=first, start_date=_today(), acting_user=staffed.admin, **fields
    )
    assert student.pk == child.pk and Student.objects.count() == 1
    assert student.actual_address == "ул. Ленина, 1" and student.large_family
    assert list(
        Enrollment.objects.filter(student=child)
        .order_by("start_date")
        .values_list("school_id", flat=True)
    ) == [staffed.neighbour.pk, staffed.school.pk]
    assert not entries("schools.student.added").exists()
    changed = entries("schools.student.changed").get()
    assert changed.data["on_admission"] and changed.data["new"]["large_family"] is True


def test_only_the_managers_admit_and_transfer(staffed):
    first, second = _classes(staffed)
    with pytest.raises(StudentError, match="администратор и директор"):
        add_student(
            school_class=first,
            start_date=_today(),
            acting_user=staffed.class_teacher,
            **_student_fields(),
        )
    student = factories.enrolled_student(first)
    for user in (staffed.class_teacher, staffed.neighbour_admin):
        with pytest.raises(EnrollmentError, match="администратор и директор"):
            transfer_student(student=student, to_class=second, on_date=_today(), acting_user=user)
        with pytest.raises(EnrollmentError, match="администратор и директор"):
            withdraw_student(
                student=student,
                last_day=_today(),
                category=LeavingCategory.MOVED,
                acting_user=user,
            )
    assert Enrollment.objects.get(student=student).end_date is None


def test_change_student_audits_old_and_new_values_only_of_what_changed(staffed):
    first, _second = _classes(staffed)
    student = factories.enrolled_student(first, low_income=False)
    fields = {
        name: getattr(student, name)
        for name in ("last_name", "first_name", "patronymic", "birth_date")
    }
    assert change_student(
        student=student,
        school=staffed.school,
        acting_user=staffed.director,
        **fields,
        low_income=True,
        actual_address="ул. Мира, 5",
    )
    entry = entries("schools.student.changed").get()
    assert entry.data == {
        "old": {"actual_address": "", "low_income": False},
        "new": {"actual_address": "ул. Мира, 5", "low_income": True},
    }
    assert entry.student_id == student.pk
    # The same again: nothing changes, nothing is logged.
    assert not change_student(
        student=student,
        school=staffed.school,
        acting_user=staffed.director,
        **fields,
        low_income=True,
        actual_address="ул. Мира, 5",
    )
    assert entries("schools.student.changed").count() == 1


def test_a_student_who_moved_to_another_school_is_kept_by_it(staffed):
    first, _second = _classes(staffed)
    neighbour_class = factories.SchoolClassFactory(
        school=staffed.neighbour, academic_year=staffed.neighbour.academic_years.get()
    )
    student = factories.enrolled_student(first)
    transfer_student(student=student, to_class=neighbour_class, on_date=_today(), acting_user=None)
    with pytest.raises(StudentError, match="учится в другой школе"):
        change_student(
            student=student,
            school=staffed.school,
            acting_user=staffed.admin,
            **_student_fields(),
        )
    with pytest.raises(StudentError, match="учится в другой школе"):
        add_guardian(
            student=student, school=staffed.school, acting_user=staffed.admin, **_guardian_fields()
        )


def test_guardians_are_added_changed_and_removed_with_audit(staffed):
    first, _second = _classes(staffed)
    student = factories.enrolled_student(first)
    guardian = add_guardian(
        student=student, school=staffed.school, acting_user=staffed.admin, **_guardian_fields()
    )
    assert guardian.phone == "+7 (900) 123-45-67"
    assert entries("schools.guardian.added").get().student_id == student.pk
    with pytest.raises(StudentError, match="уже записан"):
        add_guardian(
            student=student,
            school=staffed.school,
            acting_user=staffed.admin,
            **_guardian_fields(full_name="петрова анна викторовна"),
        )
    for bad, message in (
        ({"phone": "позвонить вечером"}, "Телефон"),
        ({"phone": "12"}, "Телефон"),
        ({"email": "anna@"}, "почты"),
        ({"relation": "aunt"}, "кем представитель"),
    ):
        with pytest.raises(StudentError, match=message):
            change_guardian(
                guardian=guardian,
                school=staffed.school,
                acting_user=staffed.admin,
                **_guardian_fields(**bad),
            )
    assert change_guardian(
        guardian=guardian,
        school=staffed.school,
        acting_user=staffed.admin,
        **_guardian_fields(phone="8 900 765 43 21"),
    )
    changed = entries("schools.guardian.changed").get()
    assert changed.data == {
        "old": {"phone": "+7 (900) 123-45-67"},
        "new": {"phone": "8 900 765 43 21"},
    }
    remove_guardian(guardian=guardian, school=staffed.school, acting_user=staffed.admin)
    assert not Guardian.objects.exists()
    removed = entries("schools.guardian.removed").get()
    assert removed.data["old"]["full_name"] == "Петрова Анна Викторовна"
    assert removed.data["old"]["phone"] == "8 900 765 43 21"


def test_transfer_within_the_school_closes_the_old_enrollment_the_day_before(staffed):
    first, second = _classes(staffed)
    student = factories.enrolled_student(first)
    day = _today()
    transfer_student(
        student=student,
        to_class=second,
        on_date=day,
        reason="Приказ № 5",
        from_school=staffed.school,
        acting_user=staffed.admin,
    )
    old, new = Enrollment.objects.filter(student=student).order_by("start_date")
    assert old.end_date == day - datetime.timedelta(days=1)
    assert (old.leaving_category, old.leaving_reason) == ("", "Приказ № 5")
    assert (new.school_class, new.start_date, new.end_date) == (second, day, None)
    entry = entries("schools.enrollment.transferred").get()
    assert entry.student_id == student.pk
    assert entry.data["old"]["end_date"] is None
    assert entry.data["new"]["end_date"] == (day - datetime.timedelta(days=1)).isoformat()


def test_withdrawal_to_another_school_needs_the_destination(staffed):
    first, _second = _classes(staffed)
    student = factories.enrolled_student(first)
    with pytest.raises(EnrollmentError, match="укажите, в какую"):
        withdraw_student(
            student=student,
            last_day=_today(),
            category=LeavingCategory.TRANSFERRED,
            acting_user=staffed.admin,
        )
    with pytest.raises(EnrollmentError, match="не зачислен"):
        withdraw_student(
            student=student,
            last_day=_today(),
            category=LeavingCategory.TRANSFERRED,
            destination="МБОУ СОШ № 2",
            school=staffed.neighbour,
            acting_user=None,
        )
    withdraw_student(
        student=student,
        last_day=_today(),
        category=LeavingCategory.TRANSFERRED,
        destination="МБОУ СОШ № 2 г. Улан-Удэ",
        reason="Заявление матери от 01.12.2026",
        school=staffed.school,
        acting_user=staffed.admin,
    )
    enrollment = Enrollment.objects.get(student=student)
    assert enrollment.end_date == _today()
    assert enrollment.leaving_category == LeavingCategory.TRANSFERRED
    assert enrollment.leaving_destination == "МБОУ СОШ № 2 г. Улан-Удэ"
    assert enrollment.leaving_reason == "Заявление матери от 01.12.2026"
    entry = entries("schools.enrollment.ended").get()
    assert entry.data["old"]["leaving_category"] == ""
    assert entry.data["new"]["leaving_category"] == LeavingCategory.TRANSFERRED


# --- Pages ---------------------------------------------------------------------------------


def _url(name, *args):
    return reverse(f"administration:{name}", args=args)


@pytest.mark.parametrize("who", ["admin", "director"])
def test_managers_open_the_pages_others_do_not(client, staffed, who):
    first, _second = _classes(staffed)
    student = factories.enrolled_student(first)
    client.force_login(getattr(staffed, who))
    school = staffed.school.pk
    for url in (
        _url("students", school),
        _url("student_add", school),
        _url("student", school, student.pk),
        _url("student_edit", school, student.pk),
        _url("student_transfer", school, student.pk),
        _url("student_withdraw", school, student.pk),
        _url("student_enrol", school, student.pk),
        _url("guardian_add", school, student.pk),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(staffed.class_teacher)
    assert client.get(_url("students", school)).status_code == 403
    assert client.get(_url("student", school, student.pk)).status_code == 403


def test_another_schools_student_answers_404(client, staffed):
    first, _second = _classes(staffed)
    neighbour_class = factories.SchoolClassFactory(
        school=staffed.neighbour, academic_year=staffed.neighbour.academic_years.get()
    )
    mine = factories.enrolled_student(first)
    theirs = factories.enrolled_student(neighbour_class)
    guardian = factories.GuardianFactory(student=theirs)
    client.force_login(staffed.admin)
    school = staffed.school.pk
    for url in (
        _url("student", school, theirs.pk),
        _url("student_edit", school, theirs.pk),
        _url("student_withdraw", school, theirs.pk),
        _url("guardian_add", school, theirs.pk),
        _url("guardian_edit", school, guardian.pk),
        _url("guardian_remove", school, guardian.pk),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("guardian_remove", school, guardian.pk)).status_code == 404
    # The other school's pages, even about one's own student: 404.
    assert client.get(_url("students", staffed.neighbour.pk)).status_code == 404
    assert client.get(_url("student", staffed.neighbour.pk, mine.pk)).status_code == 404
    assert Guardian.objects.filter(pk=guardian.pk).exists()


def test_list_searches_filters_and_shows_the_current_class(client, staffed):
    first, second = _classes(staffed)
    ivanova = factories.enrolled_student(first, last_name="Иванова", first_name="Ольга")
    petrov = factories.enrolled_student(second, last_name="Петров", first_name="Пётр")
    gone = factories.enrolled_student(first, last_name="Сидоров")
    withdraw_student(
        student=gone,
        last_day=_today() - datetime.timedelta(days=1),
        category=LeavingCategory.MOVED,
        acting_user=None,
    )
    factories.enrolled_student(
        factories.SchoolClassFactory(
            school=staffed.neighbour, academic_year=staffed.neighbour.academic_years.get()
        ),
        last_name="Чужой",
    )
    client.force_login(staffed.admin)
    url = _url("students", staffed.school.pk)

    def names(query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [s.last_name for s in response.context["students"]]

    assert names({}) == ["Иванова", "Петров"]
    assert names({"q": "петр"}) == ["Петров"]
    assert names({"q": "ольга иван"}) == ["Иванова"]
    assert names({"school_class": first.pk}) == ["Иванова"]
    assert names({"status": "left"}) == ["Сидоров"]
    assert names({"status": "all", "school_class": first.pk}) == ["Иванова", "Сидоров"]
    # Bad values are dropped with an error on the form, never a 500.
    assert names({"school_class": "9" * 20, "status": "x", "page": "-1"}) == ["Иванова", "Петров"]
    page = client.get(url).content.decode()
    assert str(first) in page and str(second) in page
    assert ivanova.pk and petrov.pk
    read = entries("administration.students.viewed").latest("pk")
    assert set(read.data["student_ids"]) == {ivanova.pk, petrov.pk}


def test_list_queries_do_not_grow_with_rows(client, staffed):
    first, second = _classes(staffed)
    client.force_login(staffed.admin)
    url = _url("students", staffed.school.pk)

    def fill(n):
        for i in range(n):
            student = factories.enrolled_student(first if i % 2 else second)
            factories.GuardianFactory(student=student)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    fill(3)
    few = queries()
    fill(40)
    many = queries()
    assert many == few, (few, many)
    assert many <= MAX_QUERIES


def test_card_queries_are_bounded(client, staffed, django_assert_max_num_queries):
    first, _second = _classes(staffed)
    student = factories.enrolled_student(first)
    for _ in range(5):
        factories.GuardianFactory(student=student)
    client.force_login(staffed.admin)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(_url("student", staffed.school.pk, student.pk))
    assert response.status_code == 200
    assert entries("administration.student.viewed").get().student_id == student.pk


def test_admin_adds_a_student_and_a_guardian_through_the_pages(client, staffed):
    first, _second = _classes(staffed)
    client.force_login(staffed.admin)
    fields = _student_fields()
    data = {
        **fields,
        "birth_date": fields["birth_date"].isoformat(),
        "large_family": "on",
        "school_class": first.pk,
        "start_date": _today().isoformat(),
        "basis": "Приказ № 7-у",
    }
    response = client.post(_url("student_add", staffed.school.pk), data)
    assert response.status_code == 302
    student = Student.objects.get(last_name="Петров")
    assert response.url == _url("student", staffed.school.pk, student.pk)
    assert student.large_family and not student.low_income
    response = client.post(
        _url("guardian_add", staffed.school.pk, student.pk),
        {**_guardian_fields(), "lives_with_student": "on"},
    )
    assert response.status_code == 302
    guardian = student.guardians.get()
    card = client.get(_url("student", staffed.school.pk, student.pk)).content.decode()
    assert "Петрова Анна Викторовна" in card and "tel:+7 (900) 123-45-67" in card
    # Removal asks first (GET changes nothing), then removes (POST).
    remove = _url("guardian_remove", staffed.school.pk, guardian.pk)
    assert "Удалить законного представителя?" in client.get(remove).content.decode()
    assert Guardian.objects.filter(pk=guardian.pk).exists()
    assert client.post(remove).status_code == 302
    assert not Guardian.objects.filter(pk=guardian.pk).exists()


def test_bad_input_is_a_form_error_not_a_500(client, staffed):
    first, _second = _classes(staffed)
    student = factories.enrolled_student(first)
    client.force_login(staffed.admin)
    school = staffed.school.pk
    cases = [
        (_url("student_add", school), {"last_name": "А", "birth_date": "9999-12-31"}),
        (
            _url("student_add", school),
            {
                **_student_fields(birth_date="2000-01-01"),
                "school_class": first.pk,
                "start_date": _today().isoformat(),
            },
        ),
        (_url("student_edit", school, student.pk), {"first_name": "x" * 10000}),
        (
            _url("guardian_add", school, student.pk),
            {"full_name": "Отец", "relation": "father", "phone": "=cmd|' /C calc'!A0"},
        ),
        (
            _url("student_transfer", school, student.pk),
            {"to_class": first.pk, "on_date": _today().isoformat()},
        ),
        (_url("student_enrol", school, student.pk), {"school_class": first.pk, "start_date": "x"}),
    ]
    for url, data in cases:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert response.context["form"].errors, url
    assert Student.objects.count() == 1
    assert not Guardian.objects.exists()
    assert Enrollment.objects.filter(student=student).count() == 1


def test_transfer_and_withdrawal_through_the_pages(client, staffed):
    first, second = _classes(staffed)
    student = factories.enrolled_student(first)
    client.force_login(staffed.director)
    school = staffed.school.pk
    day = _today()
    response = client.post(
        _url("student_transfer", school, student.pk),
        {"to_class": second.pk, "on_date": day.isoformat(), "reason": "Приказ № 9"},
    )
    assert response.status_code == 302
    current = Enrollment.objects.get(student=student, end_date__isnull=True)
    assert current.school_class == second
    withdraw = _url("student_withdraw", school, student.pk)
    # The category of a transfer is preselected by the card's «Перевести в другую школу».
    form = client.get(withdraw, {"kind": "transfer"}).context["form"]
    assert form.initial["category"] == LeavingCategory.TRANSFERRED
    data = {
        "last_day": day.isoformat(),
        "category": LeavingCategory.TRANSFERRED,
        "reason": "Заявление",
    }
    # Without the confirmation, and without the destination of a transfer: form errors.
    response = client.post(withdraw, data)
    assert "Подтвердите выбытие." in response.content.decode()
    response = client.post(withdraw, {**data, "confirm": "on"})
    assert "укажите, в какую" in response.content.decode()
    current.refresh_from_db()
    assert current.end_date is None
    response = client.post(withdraw, {**data, "confirm": "on", "destination": "Лицей № 1"})
    assert response.status_code == 302
    current.refresh_from_db()
    assert (current.end_date, current.leaving_destination) == (day, "Лицей № 1")
    card = client.get(_url("student", school, student.pk)).content.decode()
    assert "Лицей № 1" in card and "Заявление" in card
