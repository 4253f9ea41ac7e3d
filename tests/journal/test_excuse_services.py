import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from journal.models import ExcuseDocument, Mark, ReasonStatus, ValidReason
from journal.services import JournalError, register_excuse, set_mark, set_reasons, withdraw_excuse
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

MON = datetime.date(2025, 10, 13)


@pytest.fixture
def setup(school_class):
    student = factories.enrolled_student(school_class)
    teacher = class_teacher_for(school_class)
    lessons = [make_lesson(school_class, MON + datetime.timedelta(days=d), 1) for d in range(3)]
    return student, teacher, lessons


def _absent(lesson, student):
    return set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)


def _register(student, teacher, school, **kwargs):
    return register_excuse(
        student=student,
        school=school,
        kind=kwargs.pop("kind", ExcuseDocument.Kind.MEDICAL_CERTIFICATE),
        start_date=kwargs.pop("start_date", MON),
        end_date=kwargs.pop("end_date", MON + datetime.timedelta(days=2)),
        acting_user=teacher,
        **kwargs,
    )


def test_excuse_registered_after_marks_sets_them_valid(setup, school):
    student, teacher, lessons = setup
    for lesson in lessons:
        _absent(lesson, student)
    excuse = _register(student, teacher, school)
    assert set(Mark.objects.values_list("reason_status", "valid_reason", "excuse")) == {
        (ReasonStatus.VALID, ValidReason.ILLNESS, excuse.pk)
    }


def test_excuse_registered_before_marks_covers_later_marks(setup, school):
    student, teacher, lessons = setup
    excuse = _register(student, teacher, school, kind=ExcuseDocument.Kind.ADVANCE_NOTICE)
    for lesson in lessons:
        _absent(lesson, student)
    assert set(Mark.objects.values_list("reason_status", "excuse")) == {
        (ReasonStatus.VALID, excuse.pk)
    }


def test_withdrawing_restores_previous_statuses(setup, school):
    student, teacher, lessons = setup
    marks = [_absent(lesson, student) for lesson in lessons]
    set_reasons(marks=marks[:1], status=ReasonStatus.INVALID, acting_user=teacher)
    excuse = _register(student, teacher, school)
    withdraw_excuse(excuse=excuse, acting_user=teacher, reason="Справка поддельная")
    statuses = dict(Mark.objects.values_list("lesson_id", "reason_status"))
    assert statuses == {
        lessons[0].pk: ReasonStatus.INVALID,
        lessons[1].pk: ReasonStatus.UNKNOWN,
        lessons[2].pk: ReasonStatus.UNKNOWN,
    }
    assert not Mark.objects.filter(excuse__isnull=False).exists()


def test_withdrawing_falls_back_to_another_covering_document(setup, school):
    student, teacher, lessons = setup
    for lesson in lessons:
        _absent(lesson, student)
    first = _register(student, teacher, school)
    second = _register(student, teacher, school, kind=ExcuseDocument.Kind.PARENT_NOTE, end_date=MON)
    withdraw_excuse(excuse=first, acting_user=teacher)
    by_lesson = {m.lesson_id: m for m in Mark.objects.all()}
    assert by_lesson[lessons[0].pk].excuse_id == second.pk
    assert by_lesson[lessons[0].pk].reason_status == ReasonStatus.VALID
    assert by_lesson[lessons[1].pk].reason_status == ReasonStatus.UNKNOWN


def test_excuse_for_chosen_lessons_covers_only_them(setup, school):
    student, teacher, lessons = setup
    for lesson in lessons:
        _absent(lesson, student)
    _register(student, teacher, school, kind=ExcuseDocument.Kind.ORDER, lessons=[lessons[1]])
    valid = set(
        Mark.objects.filter(reason_status=ReasonStatus.VALID).values_list("lesson_id", flat=True)
    )
    assert valid == {lessons[1].pk}


def test_manual_reason_does_not_override_an_active_document(setup, school):
    student, teacher, lessons = setup
    mark = _absent(lessons[0], student)
    _register(student, teacher, school)
    set_reasons(marks=[mark], status=ReasonStatus.INVALID, acting_user=teacher)
    mark.refresh_from_db()
    assert mark.reason_status == ReasonStatus.VALID
    assert mark.manual_reason_status == ReasonStatus.INVALID


def test_scan_with_executable_content_is_refused(setup, school):
    student, teacher, _ = setup
    fake = SimpleUploadedFile("spravka.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    with pytest.raises(JournalError, match="PDF, JPEG или PNG"):
        _register(student, teacher, school, scan=fake)
    assert not ExcuseDocument.objects.exists()


def test_oversized_scan_is_refused(setup, school, settings):
    student, teacher, _ = setup
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 2048, "application/pdf")
    with pytest.raises(JournalError, match="слишком большой"):
        _register(student, teacher, school, scan=big)
    assert not ExcuseDocument.objects.exists()


def test_the_schools_upload_limit_applies(setup, school):
    from accounts.roles import Role
    from policy.services import set_setting

    student, teacher, _ = setup
    admin = factories.staff_user(Role.SCHOOL_ADMIN, school)
    set_setting(key="security.upload_max_mb", value=1, acting_user=admin, school=school)
    scan = SimpleUploadedFile(
        "scan.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "application/pdf"
    )
    with pytest.raises(JournalError, match="не более 1 МБ"):
        _register(student, teacher, school, scan=scan)
    assert not ExcuseDocument.objects.exists()


def test_pdf_scan_is_stored_under_a_random_name(setup, school):
    student, teacher, _ = setup
    pdf = SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4\n%test\n", "text/plain")
    excuse = _register(student, teacher, school, scan=pdf)
    assert excuse.scan_content_type == "application/pdf"
    assert excuse.scan_original_name.endswith("passwd.pdf")
    assert "passwd" not in excuse.scan.name and ".." not in excuse.scan.name
    assert excuse.scan.read().startswith(b"%PDF")


def test_excuse_for_another_schools_student_is_refused(setup, other_school):
    student, teacher, _ = setup
    with pytest.raises(JournalError, match="не числится"):
        _register(student, teacher, other_school)
    assert not ExcuseDocument.objects.exists()
