"""Bulk import from XLSX and CSV (issue #15 point 3): a file with an error in row 17
changes nothing; the same file twice adds nothing; a formula-like cell is stored as text;
CSV and XLSX; the report in Russian; who may import; staff and timetable."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from administration.imports.students import CLASS as CLASS_COLUMN
from administration.imports.students import COLUMNS as STUDENT_COLUMNS
from administration.models import ImportJob
from audit.models import AuditEntry
from journal.models import TimetableEntry
from printing.xlsx import cell_value
from schools.models import Enrollment, Guardian, Student
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Пол",
    "Класс",
    "Представитель 1: ФИО",
    "Представитель 1: кем приходится",
    "Представитель 1: телефон",
]
FORMULA = "=cmd|' /C calc'!A0"


def student_rows(count: int, cls: str = "5А") -> list[list]:
    return [
        [
            f"Импортов{n}",
            "Пётр",
            "Сергеевич",
            datetime.date(2014, 1 + n % 12, 1 + n % 28),
            "м",
            cls,
            f"Импортова Мария {n}",
            "мать",
            "+7 900 123-45-67",
        ]
        for n in range(count)
    ]


def xlsx(headers, rows) -> bytes:
    """An XLSX as a spreadsheet program saves it (openpyxl writes a text starting with «=»
    as a formula, as Excel would store one typed into a cell)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows, encoding="utf-8-sig") -> bytes:
    def text(value):
        return f"{value:%d.%m.%Y}" if isinstance(value, datetime.date) else str(value)

    lines = [";".join(headers)] + [";".join(text(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def school_class(staffed):
    return factories.SchoolClassFactory(
        school=staffed.school, academic_year=staffed.year, grade=5, letter="А"
    )


def upload(client, staffed, content: bytes, name="ученики.xlsx", kind="students", **extra):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content), **extra}
    response = client.post(reverse("administration:import", args=[staffed.school.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def apply(client, job) -> ImportJob:
    response = client.post(reverse("administration:import_apply", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def counts() -> tuple:
    return (
        Student.objects.count(),
        Guardian.objects.count(),
        Enrollment.objects.count(),
        # The import's own entries (the upload, the apply) aside.
        AuditEntry.objects.exclude(action__startswith="administration.import.").count(),
    )


def test_template_has_russian_headers_and_a_sample_row(client, staffed):
    client.force_login(staffed.admin)
    url = reverse("administration:import_template", args=[staffed.school.pk, "students"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.title for c in STUDENT_COLUMNS]
    assert rows[1][0] == "Иванов"
    for kind in ("staff", "timetable"):
        url = reverse("administration:import_template", args=[staffed.school.pk, kind])
        assert client.get(url).status_code == 200
    url = reverse("administration:import_template", args=[staffed.school.pk, "nothing"])
    assert client.get(url).status_code == 404


def test_error_in_row_17_changes_nothing(client, staffed, school_class):
    client.force_login(staffed.admin)
    rows = student_rows(20)
    rows[15][3] = "31.02.2014"  # file row 17: the header is row 1
    before = counts()
    job = upload(client, staffed, xlsx(HEADERS, rows))
    assert job.status == ImportJob.Status.INVALID
    assert job.content == b""  # a refused file is not kept
    assert job.errors == [
        {
            "row": 17,
            "column": "Дата рождения",
            "message": "«31.02.2014» — не дата; нужна дата вида 01.09.2015.",
        }
    ]
    page = client.get(reverse("administration:import_job", args=[job.pk])).content.decode()
    assert "Ошибки в 1 строке." in page
    assert "Ничего не загружено: исправьте файл и загрузите его снова." in page
    # An invalid job cannot be applied.
    job = apply(client, job)
    assert job.status == ImportJob.Status.INVALID
    assert counts() == before


def test_failure_while_writing_rolls_everything_back(client, staffed, school_class, monkeypatch):
    from administration.imports import students
    from schools.services import EnrollmentError

    client.force_login(staffed.admin)
    job = upload(client, staffed, xlsx(HEADERS, student_rows(20)))
    assert job.status == ImportJob.Status.CHECKED

    def refuse(**kwargs):
        raise EnrollmentError("Дата вне учебного года.")

    monkeypatch.setattr(students, "enroll_new_students", refuse)
    before = counts()
    job = apply(client, job)
    assert job.status == ImportJob.Status.FAILED
    assert job.failure == "Ничего не загружено: Дата вне учебного года."
    assert counts() == before


def test_same_file_twice_adds_nothing(client, staffed, school_class):
    client.force_login(staffed.admin)
    content = xlsx(HEADERS, student_rows(25))
    job = apply(client, upload(client, staffed, content))
    assert job.status == ImportJob.Status.DONE, job.failure
    assert job.summary["students_created"] == 25
    assert job.summary["guardians_created"] == 25
    assert Enrollment.objects.filter(school_class=school_class).count() == 25
    assert AuditEntry.objects.filter(action="schools.student.added").count() == 25
    assert AuditEntry.objects.filter(action="schools.enrollment.created").count() == 25
    assert job.content == b""  # the file is not kept once applied
    assert AuditEntry.objects.filter(action="administration.import.uploaded").count() == 1
    applied = AuditEntry.objects.get(action="administration.import.applied")
    assert (applied.actor, applied.data["students_created"]) == (staffed.admin, 25)
    after_first = counts()

    again = upload(client, staffed, content)
    assert again.status == ImportJob.Status.CHECKED
    assert again.summary["students_created"] == 0
    assert again.summary["students_unchanged"] == 25
    again = apply(client, again)
    assert again.status == ImportJob.Status.DONE
    assert counts() == after_first


def test_known_student_with_a_new_guardian_gains_only_the_guardian(client, staffed, school_class):
    student = factories.enrolled_student(
        school_class,
        last_name="Ёлкина",
        first_name="Анна",
        patronymic="",
        birth_date=datetime.date(2014, 5, 6),
    )
    client.force_login(staffed.admin)
    rows = [["елкина", "АННА", "", "06.05.2014", "ж", "5 а", "Ёлкина Ольга", "мать", ""]]
    job = apply(client, upload(client, staffed, csv_bytes(HEADERS, rows), name="a.csv"))
    assert job.status == ImportJob.Status.DONE
    assert Student.objects.filter(last_name__iexact="Ёлкина").count() == 1
    assert list(student.guardians.values_list("full_name", flat=True)) == ["Ёлкина Ольга"]


def test_formula_cells_are_stored_as_text_and_exported_neutralised(client, staffed, school_class):
    client.force_login(staffed.admin)
    rows = student_rows(1)
    rows[0][0] = FORMULA
    rows[0][2] = "@SUM(A1:A2)"
    rows[0][6] = "+Родителев-Формулов"
    job = apply(client, upload(client, staffed, xlsx(HEADERS, rows)))
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert student.last_name == FORMULA
    assert student.patronymic == "@SUM(A1:A2)"
    assert student.guardians.get().full_name == "+Родителев-Формулов"
    assert cell_value(student.last_name) == "'" + FORMULA


def test_csv_in_windows_1251_with_semicolons(client, staffed, school_class):
    client.force_login(staffed.admin)
    rows = student_rows(3)
    rows[1][0] = FORMULA
    content = csv_bytes(HEADERS, rows, encoding="cp1251")
    job = apply(client, upload(client, staffed, content, name="ученики.csv"))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.file_format == "csv"
    assert set(Student.objects.values_list("last_name", flat=True)) == {
        "Импортов0",
        FORMULA,
        "Импортов2",
    }
    assert Student.objects.get(last_name="Импортов0").birth_date == datetime.date(2014, 1, 1)


def test_errors_name_row_column_and_reason_in_russian(client, staffed, school_class):
    client.force_login(staffed.admin)
    rows = student_rows(5)
    rows[0][0] = ""  # row 2: no surname
    rows[1][5] = "9Я"  # row 3: no such class
    rows[2][7] = "сосед"  # row 4: unknown relation
    rows[3][4] = "x"  # row 5: gender
    rows[4] = list(rows[0])
    rows[4][0] = "Импортов0"  # row 6: valid
    rows.append(list(rows[4]))  # row 7: repeats row 6
    job = upload(client, staffed, csv_bytes(HEADERS, rows), name="a.csv")
    found = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert found == {
        (2, "Фамилия"): "Не заполнено.",
        (3, "Класс"): "Класса «9Я» нет в текущем учебном году школы.",
        (4, "Представитель 1: кем приходится"): (
            "Укажите, кем приходится: мать, отец, опекун, приёмный родитель, иной."
        ),
        (5, "Пол"): "Укажите «м» или «ж».",
        (7, "Фамилия"): "Этот обучающийся уже есть в строке 6 файла.",
    }
    page = client.get(reverse("administration:import_job", args=[job.pk])).content.decode()
    assert "Класса «9Я» нет в текущем учебном году школы." in page
    report = client.get(reverse("administration:import_report", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True) if row[0] == 3]
    assert values == [(3, "Класс", "Класса «9Я» нет в текущем учебном году школы.")]


def test_missing_columns_and_unreadable_files(client, staffed, school_class):
    client.force_login(staffed.admin)
    job = upload(client, staffed, xlsx(["Ф.И.О.", "Класс"], [["Иванов", "5А"]]))
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["message"].startswith(
        "В файле нет обязательных столбцов: «Фамилия», «Имя», «Дата рождения»."
    )
    job = upload(client, staffed, b"PK\x03\x04 broken zip", name="x.xlsx")
    assert job.errors[0]["message"] == (
        "Файл не удалось прочитать: он повреждён или это не XLSX и не CSV."
    )


def test_upload_type_and_size_are_checked(client, staffed, settings):
    client.force_login(staffed.admin)
    url = reverse("administration:import", args=[staffed.school.pk])
    png = SimpleUploadedFile("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    response = client.post(url, {"kind": "students", "file": png})
    assert response.status_code == 200
    assert "Допускаются только файлы XLSX (Excel) и CSV" in response.content.decode()
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.csv", b"a;b\r\n" * 1000)
    response = client.post(url, {"kind": "students", "file": big})
    assert "Файл слишком большой" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_permissions(client, staffed, school_class):
    url = reverse("administration:import", args=[staffed.school.pk])
    client.force_login(staffed.subject_teacher)
    assert client.get(url).status_code == 403
    client.force_login(staffed.director)
    job = upload(client, staffed, xlsx(HEADERS, student_rows(2)))
    assert job.status == ImportJob.Status.CHECKED
    client.force_login(staffed.neighbour_admin)
    for name in ("import_job", "import_report"):
        assert client.get(reverse(f"administration:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("administration:import_apply", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    client.force_login(staffed.municipal)
    assert client.get(url).status_code == 404


STAFF_HEADERS = ["Фамилия", "Имя", "Отчество", "Логин", "E-mail", "Роли"]


def test_staff_import_grants_roles_within_the_rules(client, staffed):
    client.force_login(staffed.admin)
    rows = [
        [
            "Смирнова",
            "Анна",
            "Викторовна",
            "smirnova.av",
            "smirnova@example.ru",
            "учитель-предметник, классный руководитель",
        ],
        # Known by e-mail: gains a role, keeps the account.
        [
            staffed.subject_teacher.last_name,
            staffed.subject_teacher.first_name,
            "",
            "",
            staffed.subject_teacher.email.upper() or "x@example.ru",
            "педагог-психолог",
        ],
    ]
    staffed.subject_teacher.email = "teacher@example.ru"
    staffed.subject_teacher.save()
    rows[1][4] = "TEACHER@example.ru"
    job = upload(client, staffed, xlsx(STAFF_HEADERS, rows), kind="staff")
    assert job.status == ImportJob.Status.CHECKED, job.errors
    job = apply(client, job)
    assert job.status == ImportJob.Status.DONE, job.failure
    new = User.objects.get(username="smirnova.av")
    assert set(
        RoleAssignment.objects.filter(user=new, school=staffed.school).values_list(
            "role", flat=True
        )
    ) == {Role.SUBJECT_TEACHER, Role.CLASS_TEACHER}
    assert RoleAssignment.objects.filter(
        user=staffed.subject_teacher, role=Role.PSYCHOLOGIST, school=staffed.school
    ).exists()
    # The temporary password is shown once to whoever imported, then wiped.
    page = client.get(reverse("administration:import_job", args=[job.pk])).content.decode()
    assert "smirnova.av" in page and "Временный пароль" in page
    job.refresh_from_db()
    assert job.credentials == []
    assert (
        "Временный пароль"
        not in client.get(reverse("administration:import_job", args=[job.pk])).content.decode()
    )
    # Twice adds nothing.
    users, roles = User.objects.count(), RoleAssignment.objects.count()
    again = apply(client, upload(client, staffed, xlsx(STAFF_HEADERS, rows), kind="staff"))
    assert again.summary["staff_unchanged"] == 2
    assert (User.objects.count(), RoleAssignment.objects.count()) == (users, roles)


def test_staff_import_refuses_what_the_importer_may_not_grant(client, staffed):
    rows = [["Директорова", "Ирина", "", "direktorova", "", "директор"]]
    client.force_login(staffed.admin)
    job = upload(client, staffed, xlsx(STAFF_HEADERS, rows), kind="staff")
    assert job.errors == [
        {
            "row": 2,
            "column": "Роли",
            "message": "Роли директора, заместителя директора и администратора назначает и "
            "снимает специалист муниципального органа управления образованием.",
        }
    ]
    rows = [["Новикова", "Ольга", "", "", "", "учитель, дворник"]]
    job = upload(client, staffed, xlsx(STAFF_HEADERS, rows), kind="staff")
    messages = [e["message"] for e in job.errors]
    assert messages[0].startswith("Неизвестная роль: «дворник».")
    assert not User.objects.filter(last_name__in=["Директорова", "Новикова"]).exists()


TIMETABLE_HEADERS = ["Класс", "Подгруппа", "День недели", "Урок №", "Предмет", "Учитель"]


def test_timetable_import_twice_adds_nothing_and_never_overwrites(client, staffed, school_class):
    math = factories.SubjectFactory(school=staffed.school, name="Математика")
    factories.SubjectFactory(school=staffed.school, name="Русский язык", short_name="Рус. яз.")
    teacher = staffed.subject_teacher
    rows = [
        ["5А", "", "пн", 1, "математика", teacher.username],
        ["5 а", "", "Вторник", 2, "Рус. яз.", teacher.full_name],
    ]
    client.force_login(staffed.admin)
    job = apply(client, upload(client, staffed, xlsx(TIMETABLE_HEADERS, rows), kind="timetable"))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert TimetableEntry.objects.filter(school_class=school_class).count() == 2
    entry = TimetableEntry.objects.get(weekday=1)
    assert (entry.subject, entry.teacher, entry.valid_from) == (
        math,
        teacher,
        staffed.year.start_date,
    )
    again = apply(client, upload(client, staffed, xlsx(TIMETABLE_HEADERS, rows), kind="timetable"))
    assert again.summary["entries_unchanged"] == 2
    assert TimetableEntry.objects.count() == 2
    rows = [
        ["5А", "", "пн", 1, "Рус. яз.", teacher.username],
        ["5А", "", "вс", 9, "Химия", "Никто"],
    ]
    job = upload(client, staffed, xlsx(TIMETABLE_HEADERS, rows), kind="timetable")
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(2, "Урок №"), (3, "День недели"), (3, "Предмет"), (3, "Учитель")}
    assert TimetableEntry.objects.get(weekday=1).subject == math


def test_progress_is_polled_while_a_job_runs(client, staffed, school_class):
    client.force_login(staffed.admin)
    job = upload(client, staffed, xlsx(HEADERS, student_rows(3)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.APPLYING, total=3000, done=1500, stage="check"
    )
    url = reverse("administration:import_job", args=[job.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert "1500 из 3000 строк (50 %)" in fragment
    assert "<html" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in fragment and "Файл загружен." in fragment


def test_import_page_queries_do_not_grow_with_jobs(client, staffed, school_class):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staffed.admin)
    url = reverse("administration:import", args=[staffed.school.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_jobs(count):
        for n in range(count):
            teacher = factories.staff_user(Role.SCHOOL_ADMIN, staffed.school)
            ImportJob.objects.create(
                school=staffed.school,
                kind=ImportJob.Kind.STAFF,
                created_by=teacher,
                file_name=f"{n}.csv",
                file_format="csv",
            )

    add_jobs(2)
    few = queries()
    add_jobs(20)
    assert queries() == few
    assert client.get(url).content.decode().count("/administration/import/") == 10


def test_the_templates_sample_row_is_not_imported(client, staffed, school_class):
    client.force_login(staffed.admin)
    url = reverse("administration:import_template", args=[staffed.school.pk, "students"])
    template = client.get(url).content
    sheet = load_workbook(io.BytesIO(template)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    rows[1][STUDENT_COLUMNS.index(CLASS_COLUMN)] = "5А"
    mine = list(rows[1])
    mine[0], mine[1] = "Сидорова", "Анна"
    job = upload(client, staffed, xlsx(rows[0], [rows[1], mine]))
    assert job.errors == [
        {
            "row": 2,
            "column": "Фамилия",
            "message": "Это строка-образец из шаблона: замените её своими данными.",
        }
    ]
