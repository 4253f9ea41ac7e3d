"""The case (R-C-1): opened by hand, its status and responsible staff, its page with the
timeline, the contacts logged from it, the audit of reads and the dossier PDF (R-C-10)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from alerts.models import Alert, Rule, Task
from audit.models import AuditEntry
from casework.models import Body, Case, ParentContact, Referral
from casework.services import (
    CaseworkError,
    CaseworkPermissionDenied,
    change_case_status,
    open_case,
    open_case_by_hand,
    set_responsible,
)
from tests import factories
from tests.journal.helpers import class_teacher_for


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def student(school_class):
    student = factories.enrolled_student(school_class)
    factories.GuardianFactory(student=student, full_name="Петрова Анна Ивановна")
    return student


@pytest.fixture
def case(school, student, teacher):
    return open_case(
        student_id=student.pk,
        school_id=school.pk,
        reason="Систематические пропуски",
        responsible=[teacher.pk],
    )


def test_opening_by_hand_makes_the_opener_responsible_and_is_audited(school, student, teacher):
    case = open_case_by_hand(
        student=student, school=school, reason="Жалобы на травлю", acting_user=teacher
    )
    assert list(case.responsible.all()) == [teacher]
    assert AuditEntry.objects.filter(action="casework.case.opened", object_id=str(case.pk))
    with pytest.raises(CaseworkError, match="уже есть открытое дело"):
        open_case_by_hand(student=student, school=school, reason="ещё раз", acting_user=teacher)


def test_a_subject_teacher_cannot_open_a_case(school, school_class, student):
    subject_teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    with pytest.raises(CaseworkPermissionDenied):
        open_case_by_hand(
            student=student, school=school, reason="пропуски", acting_user=subject_teacher
        )
    assert not Case.objects.exists()


def test_closing_needs_a_reason_and_cancels_the_open_tasks(school, student, teacher, case):
    task = Task.objects.create(
        school=school,
        student=student,
        kind=Task.Kind.FAMILY_CONTACT,
        assignee_role=Role.CLASS_TEACHER,
        assignee=teacher,
        due_date=timezone.localdate(),
        recurrence_days=7,
    )
    with pytest.raises(CaseworkError):
        change_case_status(case=case, status=Case.Status.CLOSED, acting_user=teacher)
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN

    change_case_status(
        case=case, status=Case.Status.CLOSED, reason="Вернулся к учёбе", acting_user=teacher
    )
    case.refresh_from_db()
    task.refresh_from_db()
    assert (case.status, case.closed_by, case.close_reason) == (
        Case.Status.CLOSED,
        teacher,
        "Вернулся к учёбе",
    )
    assert task.status == Task.Status.CANCELLED
    with pytest.raises(CaseworkError, match="Дело закрыто"):
        change_case_status(case=case, status=Case.Status.OPEN, acting_user=teacher)


def test_responsible_staff_must_work_in_the_school(school, other_school, case, teacher):
    outsider = factories.staff_user(Role.SOCIAL_PEDAGOGUE, other_school)
    with pytest.raises(CaseworkError, match="не работает в этой школе"):
        set_responsible(case=case, users=[teacher, outsider], acting_user=teacher)
    assert list(case.responsible.all()) == [teacher]


def test_a_call_from_the_case_page_completes_the_phone_task(client, school, student, teacher, case):
    alert = Alert.objects.create(
        school=school,
        student=student,
        rule=Rule.UNKNOWN_REASON,
        episode="d",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    task = Task.objects.create(
        school=school,
        student=student,
        alert=alert,
        kind=Task.Kind.PHONE_PARENTS,
        assignee_role=Role.CLASS_TEACHER,
        assignee=teacher,
        due_date=timezone.localdate(),
    )
    client.force_login(teacher)
    response = client.post(
        reverse("casework:case_contact", args=[case.pk]),
        {
            "student": student.pk,
            "contact_type": "phone_call",
            "guardian_name": "Петрова Анна Ивановна",
            "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "result": "reached",
            "stated_reason": "болел, справка будет",
        },
    )
    assert response.status_code == 302
    contact = ParentContact.objects.get(student=student)
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.result == contact
    page = client.get(reverse("casework:case_detail", args=[case.pk]))
    assert "болел, справка будет" in page.content.decode()


def test_a_contact_in_the_future_is_refused_and_nothing_is_saved(client, student, teacher, case):
    client.force_login(teacher)
    future = timezone.localtime() + datetime.timedelta(days=2)
    client.post(
        reverse("casework:case_contact", args=[case.pk]),
        {
            "student": student.pk,
            "contact_type": "phone_call",
            "guardian_name": "Петрова Анна Ивановна",
            "contacted_at": future.strftime("%Y-%m-%dT%H:%M"),
            "result": "reached",
        },
    )
    assert not ParentContact.objects.exists()


def test_the_case_page_shows_the_timeline_and_logs_the_read(client, student, teacher, case):
    client.force_login(teacher)
    response = client.get(reverse("casework:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert "Дело открыто" in response.content.decode()
    entry = AuditEntry.objects.get(action="casework.case.viewed")
    assert (entry.actor, entry.student_id) == (teacher, student.pk)


def test_the_case_page_asks_a_bounded_number_of_queries(
    client, school, student, teacher, case, django_assert_max_num_queries
):
    for day in range(10):
        ParentContact.objects.create(
            student=student,
            school=school,
            contacted_at=timezone.now() - datetime.timedelta(days=day),
            staff=teacher,
            guardian_name="Петрова",
            result="reached",
        )
    client.force_login(teacher)
    with django_assert_max_num_queries(60) as counted:
        client.get(reverse("casework:case_detail", args=[case.pk]))
    few = len(counted.captured_queries)
    for day in range(10, 40):
        ParentContact.objects.create(
            student=student,
            school=school,
            contacted_at=timezone.now() - datetime.timedelta(days=day),
            staff=teacher,
            guardian_name="Петрова",
            result="reached",
        )
    with django_assert_max_num_queries(few):
        client.get(reverse("casework:case_detail", args=[case.pk]))


def test_a_psychologist_reads_the_case_only_once_it_is_referred_to_them(
    client, school, case, teacher
):
    psychologist = factories.staff_user(Role.PSYCHOLOGIST, school)
    client.force_login(psychologist)
    url = reverse("casework:case_detail", args=[case.pk])
    assert client.get(url).status_code == 404
    Referral.objects.create(
        case=case,
        school=school,
        body=Body.PSYCHOLOGIST,
        psychologist=psychologist,
        purpose=Referral.Purpose.HELP,
    )
    assert client.get(url).status_code == 200
    card = client.get(reverse("journal:student_card", args=[case.student_id]))
    assert card.status_code == 200


def test_another_schools_case_answers_404(client, other_school, case):
    deputy = factories.staff_user(Role.DEPUTY, other_school)
    client.force_login(deputy)
    assert client.get(reverse("casework:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("casework:case_dossier", args=[case.pk])).status_code == 404


def test_the_dossier_is_a_pdf_with_the_childs_name_and_its_sections(
    client, school, student, teacher, case
):
    ParentContact.objects.create(
        student=student,
        school=school,
        contacted_at=timezone.now(),
        staff=teacher,
        guardian_name="Петрова Анна Ивановна",
        result="reached",
        stated_reason="семейные обстоятельства",
    )
    client.force_login(teacher)
    response = client.get(reverse("casework:case_dossier", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert student.last_name in text
    for heading in (
        "Материалы профилактического дела",
        "Посещаемость по месяцам",
        "Контакты с родителями",
        "Совете профилактики",
        "Индивидуальная профилактическая работа",
        "семейные обстоятельства",
    ):
        assert heading in text, heading
    assert AuditEntry.objects.filter(action="casework.dossier.viewed", student=student).exists()


def test_the_contact_form_offers_the_absences_the_parents_were_not_told_of(
    client, school, school_class, student, teacher, case
):
    from alerts.models import StudentDay

    today = timezone.localdate()
    for offset in (1, 2):
        StudentDay.objects.create(
            student=student,
            school_class=school_class,
            school=school,
            date=today - datetime.timedelta(days=offset),
            valid=0,
            invalid=0,
            unknown=6,
            late=0,
            lessons=6,
        )
    client.force_login(teacher)
    url = reverse("casework:case_detail", args=[case.pk])
    form = client.get(url).context["contact_form"]
    days = [f"{today - datetime.timedelta(days=offset)}" for offset in (2, 1)]
    assert [value for value, _ in form.fields["absences_told"].choices] == days
    client.post(
        reverse("casework:case_contact", args=[case.pk]),
        {
            "student": student.pk,
            "contact_type": "phone_call",
            "guardian_name": "Петрова Анна Ивановна",
            "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "result": "reached",
            "absences_told": days,
        },
    )
    assert ParentContact.objects.get().absences_told == days
    assert "absences_told" not in client.get(url).context["contact_form"].fields


def test_the_students_case_page_offers_to_open_one_and_opens_it(client, school, student):
    deputy = factories.staff_user(Role.DEPUTY, school)
    client.force_login(deputy)
    url = reverse("casework:student_case", args=[student.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # the form's error
    assert not Case.objects.exists()
    response = client.post(url, {"reason": "Пропуски без уважительной причины"})
    case = Case.objects.get(student=student)
    assert response.url == reverse("casework:case_detail", args=[case.pk])
    assert client.get(url).url == reverse("casework:case_detail", args=[case.pk])
