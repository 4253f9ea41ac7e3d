"""Excuse document pages (R-J-3): register, withdraw, scans only through a checked view."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from journal.models import ExcuseDocument, Mark, ReasonStatus, ValidReason
from journal.services import register_excuse, set_mark, set_reasons
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

MON = datetime.date(2025, 10, 13)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Scans go to an empty directory of this test, so «nothing stored» can be checked."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(school_class)


@pytest.fixture
def lessons(school_class):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    return [
        make_lesson(school_class, MON + datetime.timedelta(days=d), 1, teacher=teacher)
        for d in range(3)
    ]


def absent(lesson, student):
    return set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)


def add_url(student):
    return reverse("journal:excuse_add", args=[student.pk])


def form_data(**overrides):
    data = {
        "kind": ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        "start_date": f"{MON:%Y-%m-%d}",
        "end_date": f"{MON + datetime.timedelta(days=2):%Y-%m-%d}",
        "number": "117",
        "issued_by": "ГБУЗ «Детская поликлиника № 3»",
        "issued_on": f"{MON + datetime.timedelta(days=3):%Y-%m-%d}",
    }
    data.update(overrides)
    return data


def pdf(name="справка.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# Registering and withdrawing through the pages.


def test_excuse_registered_after_the_marks_makes_every_covered_absence_valid(
    client, teacher, student, lessons, private_storage
):
    marks = [absent(lesson, student) for lesson in lessons]
    client.force_login(teacher)

    response = client.post(add_url(student), form_data(scan=pdf()))

    assert response.status_code == 302
    assert response["Location"] == reverse("journal:excuse_list", args=[student.pk])
    excuse = ExcuseDocument.objects.get()
    assert (excuse.number, excuse.valid_reason, excuse.received_by) == (
        "117",
        ValidReason.ILLNESS,
        teacher,
    )
    assert (excuse.scan_content_type, excuse.scan_original_name) == (
        "application/pdf",
        "справка.pdf",
    )
    assert "справка" not in excuse.scan.name  # stored under a random name
    assert len(stored_files(private_storage)) == 1
    assert set(
        Mark.objects.filter(pk__in=[m.pk for m in marks]).values_list("reason_status", "excuse")
    ) == {(ReasonStatus.VALID, excuse.pk)}


def test_excuse_registered_before_the_marks_makes_later_absences_valid(
    client, teacher, student, lessons
):
    client.force_login(teacher)
    client.post(add_url(student), form_data(kind=ExcuseDocument.Kind.ADVANCE_NOTICE))

    marks = [absent(lesson, student) for lesson in lessons]

    excuse = ExcuseDocument.objects.get()
    assert excuse.valid_reason == ValidReason.FAMILY_EMERGENCY
    assert {Mark.objects.get(pk=m.pk).reason_status for m in marks} == {ReasonStatus.VALID}


def test_excuse_for_chosen_lessons_only_covers_them(
    client, school_class, teacher, student, lessons
):
    second = make_lesson(school_class, MON, 2)
    covered, uncovered = absent(lessons[0], student), absent(second, student)
    client.force_login(teacher)

    client.post(
        add_url(student),
        form_data(
            kind=ExcuseDocument.Kind.ORDER,
            end_date=f"{MON:%Y-%m-%d}",
            lessons=[lessons[0].pk],
        ),
    )

    covered.refresh_from_db()
    uncovered.refresh_from_db()
    assert (covered.reason_status, uncovered.reason_status) == (
        ReasonStatus.VALID,
        ReasonStatus.UNKNOWN,
    )


def test_show_lessons_renders_the_period_without_saving(
    client, school_class, teacher, student, lessons
):
    client.force_login(teacher)
    response = client.post(add_url(student), {**form_data(), "show_lessons": "1"})
    assert response.status_code == 200
    assert list(response.context["form"].fields["lessons"].queryset) == lessons
    assert not ExcuseDocument.objects.exists()


def test_withdrawing_restores_the_previous_statuses_including_a_manual_invalid(
    client, teacher, student, lessons
):
    marks = [absent(lesson, student) for lesson in lessons]
    set_reasons(marks=[marks[0]], status=ReasonStatus.INVALID, acting_user=teacher)
    client.force_login(teacher)
    client.post(add_url(student), form_data())
    excuse = ExcuseDocument.objects.get()
    assert {Mark.objects.get(pk=m.pk).reason_status for m in marks} == {ReasonStatus.VALID}

    response = client.post(
        reverse("journal:excuse_withdraw", args=[excuse.pk]), {"reason": "справка поддельная"}
    )

    assert response.status_code == 302
    excuse.refresh_from_db()
    assert (excuse.is_active, excuse.withdraw_reason) == (False, "справка поддельная")
    assert [Mark.objects.get(pk=m.pk).reason_status for m in marks] == [
        ReasonStatus.INVALID,
        ReasonStatus.UNKNOWN,
        ReasonStatus.UNKNOWN,
    ]
    page = client.get(reverse("journal:excuse_list", args=[student.pk]))
    assert "отозван" in page.text
    assert "справка поддельная" in page.text


def test_withdraw_needs_a_reason(client, teacher, student, lessons):
    client.force_login(teacher)
    client.post(add_url(student), form_data())
    excuse = ExcuseDocument.objects.get()
    response = client.post(reverse("journal:excuse_withdraw", args=[excuse.pk]), follow=True)
    assert "Укажите причину отзыва документа." in response.text
    excuse.refresh_from_db()
    assert excuse.is_active


# Refused uploads store nothing.


def _assert_nothing_stored(private_storage):
    assert not ExcuseDocument.objects.exists()
    assert stored_files(private_storage) == []
    assert set(Mark.objects.values_list("reason_status", flat=True)) <= {ReasonStatus.UNKNOWN}


def test_renamed_executable_is_refused_and_nothing_is_stored(
    client, teacher, student, lessons, private_storage
):
    absent(lessons[0], student)
    client.force_login(teacher)

    response = client.post(add_url(student), form_data(scan=pdf("scan.pdf", EXECUTABLE)))

    assert response.status_code == 200
    assert "Допускаются только сканы в форматах PDF, JPEG или PNG" in response.text
    _assert_nothing_stored(private_storage)


def test_oversized_scan_is_refused_and_nothing_is_stored(
    client, settings, teacher, student, lessons, private_storage
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(teacher)

    big = PDF + b"0" * (1024 * 1024)
    response = client.post(add_url(student), form_data(scan=pdf(content=big)))

    assert "Файл слишком большой" in response.text
    assert "не более 1 МБ" in response.text
    _assert_nothing_stored(private_storage)


def test_refusal_by_the_service_is_shown_and_stores_nothing(
    client, teacher, student, lessons, private_storage
):
    client.force_login(teacher)
    response = client.post(
        add_url(student), form_data(start_date="2024-01-01", end_date="2025-10-15", scan=pdf())
    )
    assert "Документ не может охватывать больше года." in response.text
    _assert_nothing_stored(private_storage)


def test_end_before_start_is_refused(client, teacher, student, private_storage):
    client.force_login(teacher)
    response = client.post(add_url(student), form_data(end_date="2025-10-01"))
    assert "Дата окончания раньше даты начала." in response.text
    _assert_nothing_stored(private_storage)


def test_scan_for_another_schools_student_is_404_and_nothing_is_stored(
    client, other_school, teacher, private_storage
):
    foreign = factories.enrolled_student(factories.SchoolClassFactory(school=other_school))
    client.force_login(teacher)

    response = client.post(add_url(foreign), form_data(scan=pdf()))

    assert response.status_code == 404
    _assert_nothing_stored(private_storage)


def test_same_school_user_without_rights_cannot_register(client, school, student, private_storage):
    client.force_login(factories.staff_user(Role.DIRECTOR, school))
    assert client.get(add_url(student)).status_code == 403
    assert client.post(add_url(student), form_data(scan=pdf())).status_code == 403
    _assert_nothing_stored(private_storage)


# Scan download.


@pytest.fixture
def excuse_with_scan(school, teacher, student):
    return register_excuse(
        student=student,
        school=school,
        kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        start_date=MON,
        end_date=MON,
        acting_user=teacher,
        scan=pdf("Справка Иванова.pdf"),
    )


def test_scan_is_sent_as_an_attachment_with_its_type_and_the_read_is_logged(
    client, teacher, excuse_with_scan
):
    client.force_login(teacher)

    response = client.get(reverse("journal:excuse_scan", args=[excuse_with_scan.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="journal.excuse.scan_downloaded")
    assert entry.actor == teacher


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("deputy", 200),
        ("director", 200),
        ("social_pedagogue", 200),
        ("subject_teacher", 403),
        ("other_class_teacher", 403),
        ("other_school_deputy", 404),
        ("other_school_class_teacher", 404),
    ],
)
def test_scan_download_permissions(client, school, other_school, excuse_with_scan, who, expected):
    users = {
        "deputy": lambda: factories.staff_user(Role.DEPUTY, school),
        "director": lambda: factories.staff_user(Role.DIRECTOR, school),
        "social_pedagogue": lambda: factories.staff_user(Role.SOCIAL_PEDAGOGUE, school),
        "subject_teacher": lambda: factories.staff_user(Role.SUBJECT_TEACHER, school),
        "other_class_teacher": lambda: class_teacher_for(
            factories.SchoolClassFactory(school=school)
        ),
        "other_school_deputy": lambda: factories.staff_user(Role.DEPUTY, other_school),
        "other_school_class_teacher": lambda: class_teacher_for(
            factories.SchoolClassFactory(school=other_school)
        ),
    }
    client.force_login(users[who]())
    response = client.get(reverse("journal:excuse_scan", args=[excuse_with_scan.pk]))
    assert response.status_code == expected
    logged = AuditEntry.objects.filter(action="journal.excuse.scan_downloaded").exists()
    assert logged is (expected == 200)


def test_scan_download_needs_login(client, excuse_with_scan):
    response = client.get(reverse("journal:excuse_scan", args=[excuse_with_scan.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_document_without_scan_has_no_download(client, school, teacher, student):
    excuse = register_excuse(
        student=student,
        school=school,
        kind=ExcuseDocument.Kind.PARENT_NOTE,
        start_date=MON,
        end_date=MON,
        acting_user=teacher,
    )
    client.force_login(teacher)
    assert client.get(reverse("journal:excuse_scan", args=[excuse.pk])).status_code == 404


def test_withdraw_by_another_school_is_404_and_changes_nothing(
    client, other_school, excuse_with_scan
):
    client.force_login(factories.staff_user(Role.DEPUTY, other_school))
    response = client.post(
        reverse("journal:excuse_withdraw", args=[excuse_with_scan.pk]), {"reason": "ошибка"}
    )
    assert response.status_code == 404
    excuse_with_scan.refresh_from_db()
    assert excuse_with_scan.is_active


def test_excuse_list_shows_documents_and_download_links(client, teacher, student, excuse_with_scan):
    client.force_login(teacher)
    page = client.get(reverse("journal:excuse_list", args=[student.pk]))
    assert page.status_code == 200
    assert "медицинская справка" in page.text
    assert reverse("journal:excuse_scan", args=[excuse_with_scan.pk]) in page.text
