"""Referrals and notifications to outside bodies (R-C-7): drafts with the letter prefilled
from the case, sent and answered, the family centre's status, the referral to the school
psychologist (their access to the case), the СОП marking (seed 003 alg. 23) and the letter
PDF."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Alert, Rule, Task
from audit.models import AuditEntry
from casework.models import Body, FamilyCentreStatus, Referral
from casework.services import (
    CaseworkError,
    CaseworkPermissionDenied,
    create_referral,
    log_parent_contact,
    mark_referral_sent,
    mark_sop,
    open_case,
    record_referral_answer,
    update_referral,
)
from journal.models import Mark
from tests import factories
from tests.journal.helpers import make_lesson
from tests.pdf import pdf_text

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def current_year(school):
    start = datetime.date(TODAY.year if TODAY.month >= 9 else TODAY.year - 1, 9, 1)
    return factories.AcademicYearFactory(
        school=school,
        name=f"{start.year}/{start.year + 1}",
        start_date=start,
        end_date=datetime.date(start.year + 1, 5, 31),
    )


class School:
    """A school with its staff, a class of the current year and a child with an open case."""

    def __init__(self):
        self.school = factories.SchoolFactory(
            address="640000, г. Курган, ул. Школьная, 1", phone="+7 (3522) 00-00-00"
        )
        self.director = factories.staff_user(
            Role.DIRECTOR, self.school, last_name="Директорова", first_name="Дина"
        )
        self.deputy = factories.staff_user(Role.DEPUTY, self.school, last_name="Замова")
        self.social = factories.staff_user(
            Role.SOCIAL_PEDAGOGUE, self.school, last_name="Соцпедова", phone="+7 900 111-22-33"
        )
        self.psychologist = factories.staff_user(
            Role.PSYCHOLOGIST, self.school, last_name="Психологова"
        )
        self.teacher = factories.staff_user(Role.CLASS_TEACHER, self.school, last_name="Классная")
        self.school_class = factories.SchoolClassFactory(
            school=self.school,
            academic_year=current_year(self.school),
            class_teacher=self.teacher,
            grade=7,
            letter="Б",
        )
        self.student = factories.enrolled_student(
            self.school_class,
            last_name="Петров",
            first_name="Пётр",
            patronymic="Сергеевич",
            gender="m",
            birth_date=datetime.date(2013, 4, 5),
            actual_address="г. Курган, ул. Ленина, д. 5, кв. 7",
        )
        self.mother = factories.GuardianFactory(
            student=self.student, full_name="Петрова Ольга Ивановна", relation="mother"
        )
        self.case = open_case(
            student_id=self.student.pk,
            school_id=self.school.pk,
            reason="Систематические пропуски",
            responsible=[self.teacher.pk],
        )

    def referral(self, body=Body.KDN, purpose=Referral.Purpose.INFORMATION, **kwargs):
        return create_referral(
            case=self.case, body=body, purpose=purpose, acting_user=self.social, **kwargs
        )

    def task(self, kind, due=TODAY):
        return Task.objects.create(
            school=self.school,
            student=self.student,
            kind=kind,
            assignee_role=Role.SOCIAL_PEDAGOGUE,
            assignee=self.social,
            due_date=due,
        )


@pytest.fixture
def s(db):
    return School()


# The letter text ---------------------------------------------------------------------


def test_letter_is_prefilled_with_the_child_absences_and_measures(s):
    month = TODAY.replace(day=1)
    for day in range(3):
        lesson = make_lesson(s.school_class, month + datetime.timedelta(days=day))
        Mark.objects.create(
            lesson=lesson,
            student=s.student,
            school=s.school,
            date=lesson.date,
            kind="absent",
            reason_status="unknown",
        )
    Alert.objects.create(
        school=s.school,
        student=s.student,
        rule=Rule.INSTRUCTIONAL_TIME_MONTH,
        episode=f"{month:%Y-%m}",
        period_start=month,
        period_end=month + datetime.timedelta(days=27),
        evidence={"hours_without_valid": 3, "hours_scheduled": 10},
    )
    log_parent_contact(
        student=s.student,
        school=s.school,
        acting_user=s.teacher,
        contact_type="phone_call",
        contacted_at=timezone.now() - datetime.timedelta(hours=1),
        result="reason_unclear",
        guardian=s.mother,
    )

    text = s.referral().text

    assert "Петров Пётр Сергеевич, 05.04.2013 года рождения" in text
    assert "7Б класса" in text
    assert "г. Курган, ул. Ленина, д. 5, кв. 7" in text
    assert "Петрова Ольга Ивановна (мать)" in text
    assert "3 урока из 10 уроков (30 % учебного времени)" in text
    assert "телефонный звонок" in text
    assert "административной ответственности" not in text


def test_kdn_liability_letter_proposes_administrative_liability(s):
    referral = s.referral(purpose=Referral.Purpose.LIABILITY)

    assert "административной ответственности" in referral.text
    assert "5.35 КоАП РФ" in referral.text
    assert referral.addressee.startswith("В комиссию по делам несовершеннолетних")
    assert referral.status == Referral.Status.DRAFT


def test_liability_is_proposed_to_kdn_or_police_only(s):
    with pytest.raises(CaseworkError, match="КДН и ЗП, ПДН или отдел полиции"):
        s.referral(body=Body.GUARDIANSHIP, purpose=Referral.Purpose.LIABILITY)
    assert not Referral.objects.exists()


def test_a_text_given_by_hand_is_kept_and_an_emptied_one_is_drafted_anew(s):
    referral = s.referral(text="Своё письмо", addressee="Председателю КДН Иванову И.И.")
    assert (referral.text, referral.addressee) == ("Своё письмо", "Председателю КДН Иванову И.И.")

    referral = update_referral(referral=referral, acting_user=s.social, addressee="", text="")
    assert "Петров Пётр Сергеевич" in referral.text
    assert referral.addressee.startswith("В комиссию")


def test_a_sent_letter_is_not_edited(s):
    referral = mark_referral_sent(
        referral=s.referral(), sent_on=TODAY, outgoing_number="1", acting_user=s.social
    )
    with pytest.raises(CaseworkError, match="уже направлено"):
        update_referral(referral=referral, acting_user=s.social, addressee="x", text="y")
    referral.refresh_from_db()
    assert referral.text != "y"


def test_psychologist_letter_without_an_address_says_nothing_of_it(s):
    s.case.student.actual_address = ""
    s.case.student.save()
    referral = s.referral(body=Body.PSYCHOLOGIST, purpose="help", psychologist=s.psychologist)
    assert "по адресу" not in referral.text
    assert "Для оказания психолого-педагогической помощи направляется" in referral.text


def test_other_body_needs_an_addressee(s):
    with pytest.raises(CaseworkError, match="Укажите адресата"):
        s.referral(body=Body.OTHER)


def test_referral_is_created_with_an_audit_entry(s):
    referral = s.referral()
    entry = AuditEntry.objects.get(action="casework.referral.created")
    assert (entry.actor, entry.object_id, entry.student_id) == (
        s.social,
        str(referral.pk),
        s.student.pk,
    )


def test_class_teacher_may_not_send_referrals(s):
    with pytest.raises(CaseworkPermissionDenied):
        create_referral(case=s.case, body=Body.KDN, purpose="information", acting_user=s.teacher)


# Sent and answered ---------------------------------------------------------------------


def test_sending_to_kdn_completes_the_outside_notifications_task(s):
    task = s.task(Task.Kind.OUTSIDE_NOTIFICATIONS)
    referral = mark_referral_sent(
        referral=s.referral(), sent_on=TODAY, outgoing_number="01-15/123", acting_user=s.social
    )

    assert (referral.status, referral.sent_on, referral.outgoing_number) == (
        Referral.Status.SENT,
        TODAY,
        "01-15/123",
    )
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.result == referral


def test_sending_to_the_family_centre_leaves_the_outside_notifications_task(s):
    task = s.task(Task.Kind.OUTSIDE_NOTIFICATIONS)
    mark_referral_sent(
        referral=s.referral(body=Body.FAMILY_CENTRE, purpose="help"),
        sent_on=TODAY,
        outgoing_number="7",
        acting_user=s.social,
    )
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_sent_date_in_the_future_is_refused(s):
    referral = s.referral()
    with pytest.raises(CaseworkError, match="не может быть в будущем"):
        mark_referral_sent(
            referral=referral, sent_on=TOMORROW, outgoing_number="1", acting_user=s.social
        )
    referral.refresh_from_db()
    assert (referral.status, referral.sent_on) == (Referral.Status.DRAFT, None)


def test_sending_needs_an_outgoing_number(s):
    with pytest.raises(CaseworkError, match="исходящий номер"):
        mark_referral_sent(
            referral=s.referral(), sent_on=TODAY, outgoing_number=" ", acting_user=s.social
        )


def test_answer_before_the_sent_date_is_refused(s):
    referral = mark_referral_sent(
        referral=s.referral(), sent_on=TODAY, outgoing_number="1", acting_user=s.social
    )
    with pytest.raises(CaseworkError, match="раньше даты отправки"):
        record_referral_answer(
            referral=referral, answer_on=YESTERDAY, answer="Принято", acting_user=s.social
        )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT


def test_answer_of_a_draft_is_refused(s):
    with pytest.raises(CaseworkError, match="Сначала отметьте"):
        record_referral_answer(
            referral=s.referral(), answer_on=TODAY, answer="Принято", acting_user=s.social
        )


def test_answer_is_recorded(s):
    referral = mark_referral_sent(
        referral=s.referral(), sent_on=YESTERDAY, outgoing_number="1", acting_user=s.social
    )
    referral = record_referral_answer(
        referral=referral,
        answer_on=TODAY,
        answer="Родители вызваны на заседание КДН",
        acting_user=s.social,
    )
    assert (referral.status, referral.answer_on, referral.answer) == (
        Referral.Status.ANSWERED,
        TODAY,
        "Родители вызваны на заседание КДН",
    )
    assert AuditEntry.objects.filter(action="casework.referral.answered").count() == 1


def test_family_centre_answer_sets_the_case_status_and_completes_its_task(s):
    task = s.task(Task.Kind.FAMILY_CENTRE_STATUS)
    referral = mark_referral_sent(
        referral=s.referral(body=Body.FAMILY_CENTRE, purpose="help"),
        sent_on=YESTERDAY,
        outgoing_number="7",
        acting_user=s.social,
    )
    assert "подтверждении или неподтверждении" in referral.text

    referral = record_referral_answer(
        referral=referral,
        answer_on=TODAY,
        answer="",
        family_centre_status=FamilyCentreStatus.CONFIRMED,
        acting_user=s.social,
    )

    assert referral.family_centre_status == FamilyCentreStatus.CONFIRMED
    s.case.refresh_from_db()
    assert s.case.family_centre_status == FamilyCentreStatus.CONFIRMED
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


def test_family_centre_answer_needs_its_status(s):
    referral = mark_referral_sent(
        referral=s.referral(body=Body.FAMILY_CENTRE, purpose="help"),
        sent_on=TODAY,
        outgoing_number="7",
        acting_user=s.social,
    )
    with pytest.raises(CaseworkError, match="подтверждён или не подтверждён"):
        record_referral_answer(
            referral=referral, answer_on=TODAY, answer="Ответ", acting_user=s.social
        )
    s.case.refresh_from_db()
    assert s.case.family_centre_status == ""


# The school psychologist ----------------------------------------------------------------


def test_referral_to_the_psychologist_gives_them_the_case(s, client):
    url = reverse("casework:case_detail", args=[s.case.pk])
    client.force_login(s.psychologist)
    assert client.get(url).status_code == 404

    referral = s.referral(body=Body.PSYCHOLOGIST, purpose="help", psychologist=s.psychologist)

    assert (referral.status, referral.sent_on) == (Referral.Status.SENT, TODAY)
    assert referral.addressee.endswith(s.psychologist.full_name)
    assert client.get(url).status_code == 200


def test_psychologist_of_another_school_is_refused(s):
    stranger = factories.staff_user(Role.PSYCHOLOGIST, factories.SchoolFactory())
    with pytest.raises(CaseworkError, match="не педагог-психолог этой школы"):
        s.referral(body=Body.PSYCHOLOGIST, purpose="help", psychologist=stranger)
    assert not Referral.objects.exists()


def test_a_teacher_is_not_a_psychologist(s):
    with pytest.raises(CaseworkError, match="не педагог-психолог этой школы"):
        s.referral(body=Body.PSYCHOLOGIST, purpose="help", psychologist=s.teacher)


# СОП (alg. 23) --------------------------------------------------------------------------


def sop(s, **kwargs):
    params = {"circumstances": "В квартире нет еды, ребёнок без присмотра", "found_on": TODAY}
    return mark_sop(case=s.case, acting_user=s.social, **params | kwargs)


def test_sop_marks_the_student_and_creates_four_notifications_due_today(s):
    referrals = sop(s)

    s.student.refresh_from_db()
    assert s.student.socially_dangerous_position is True
    assert sorted(r.body for r in referrals) == sorted(
        [Body.KDN, Body.GUARDIANSHIP, Body.SOCIAL_PROTECTION, Body.POLICE]
    )
    tasks = Task.objects.filter(kind=Task.Kind.SOP_NOTIFICATION, student=s.student)
    assert tasks.count() == 4
    assert {(t.due_date, t.assignee, t.status) for t in tasks} == {
        (TODAY, s.director, Task.Status.OPEN)
    }
    assert {t.details for t in tasks} == {
        "Проинформировать: КДН и ЗП",
        "Проинформировать: орган опеки и попечительства",
        "Проинформировать: учреждение социальной защиты",
        "Проинформировать: отдел полиции",
    }
    for referral in referrals:
        assert referral.purpose == Referral.Purpose.SOP
        assert referral.task.kind == Task.Kind.SOP_NOTIFICATION
        assert "В квартире нет еды" in referral.text
        assert "социально опасном положении" in referral.text
    entry = AuditEntry.objects.get(action="casework.sop.marked")
    assert (entry.data["old"], entry.data["new"]) == (False, True)


def test_sending_a_sop_notification_completes_its_task_only(s):
    kdn, *others = sop(s)
    mark_referral_sent(referral=kdn, sent_on=TODAY, outgoing_number="5", acting_user=s.social)

    kdn.task.refresh_from_db()
    assert kdn.task.status == Task.Status.DONE
    assert kdn.task.result == kdn
    for referral in others:
        referral.task.refresh_from_db()
        assert referral.task.status == Task.Status.OPEN


def test_sop_tasks_go_to_a_deputy_when_there_is_no_director(s):
    s.director.role_assignments.all().delete()
    sop(s)
    assert set(
        Task.objects.filter(kind=Task.Kind.SOP_NOTIFICATION).values_list("assignee", flat=True)
    ) == {s.deputy.pk}


def test_marking_sop_twice_does_not_duplicate(s):
    sop(s)
    with pytest.raises(CaseworkError, match="уже отмечена"):
        sop(s)
    assert Referral.objects.filter(purpose=Referral.Purpose.SOP).count() == 4
    assert Task.objects.filter(kind=Task.Kind.SOP_NOTIFICATION).count() == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"circumstances": "  "}, "Опишите выявленные обстоятельства"),
        ({"found_on": TOMORROW}, "не может быть в будущем"),
    ],
)
def test_sop_bad_input_changes_nothing(s, kwargs, message):
    with pytest.raises(CaseworkError, match=message):
        sop(s, **kwargs)
    s.student.refresh_from_db()
    assert s.student.socially_dangerous_position is False
    assert not Referral.objects.exists()


def test_class_teacher_may_not_mark_sop(s):
    with pytest.raises(CaseworkPermissionDenied):
        mark_sop(case=s.case, circumstances="x", found_on=TODAY, acting_user=s.teacher)


# Pages --------------------------------------------------------------------------------


def test_letter_pdf_names_the_child_and_is_audited(s, client):
    referral = mark_referral_sent(
        referral=s.referral(purpose=Referral.Purpose.LIABILITY),
        sent_on=TODAY,
        outgoing_number="01-15/77",
        acting_user=s.social,
    )
    client.force_login(s.social)

    response = client.get(reverse("casework:referral_letter", args=[referral.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Информация" in text
    assert "Петров Пётр Сергеевич" in text
    assert "01-15/77" in text
    assert "административной" in text
    assert s.school.name in text.replace("\n", " ")
    assert AuditEntry.objects.filter(
        action="casework.referral_letter.viewed", actor=s.social, student_id=s.student.pk
    ).exists()


def test_sop_letter_pdf_has_its_title(s, client):
    kdn = sop(s)[0]
    client.force_login(s.director)
    text = pdf_text(client.get(reverse("casework:referral_letter", args=[kdn.pk])).content)
    assert "Информация" in text
    assert "социально опасном положении" in text.replace("\n", " ")


def test_referral_form_creates_a_draft_and_opens_it(s, client):
    client.force_login(s.social)
    response = client.post(
        reverse("casework:referral_new", args=[s.case.pk]),
        {"body": Body.POLICE, "purpose": Referral.Purpose.LIABILITY},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:referral_detail", args=[referral.pk])
    assert "административной ответственности" in referral.text
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Отметить направленным" in page.content.decode()


def test_referral_form_refuses_a_psychologist_of_another_school(s, client):
    stranger = factories.staff_user(Role.PSYCHOLOGIST, factories.SchoolFactory())
    client.force_login(s.social)
    response = client.post(
        reverse("casework:referral_new", args=[s.case.pk]),
        {"body": Body.PSYCHOLOGIST, "purpose": "help", "psychologist": stranger.pk},
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_another_schools_case_and_referral_answer_404(s, client):
    other = School()
    referral = other.referral()
    client.force_login(s.social)
    assert client.get(reverse("casework:referral_new", args=[other.case.pk])).status_code == 404
    assert client.get(reverse("casework:referral_detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("casework:referral_letter", args=[referral.pk])).status_code == 404
    response = client.post(
        reverse("casework:referral_sent", args=[referral.pk]),
        {"sent_on": f"{TODAY}", "outgoing_number": "1"},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT


def test_huge_and_malformed_input_answers_cleanly(s, client):
    client.force_login(s.social)
    assert client.get(reverse("casework:referral_detail", args=[10**20])).status_code == 404
    referral = s.referral()
    response = client.post(
        reverse("casework:referral_sent", args=[referral.pk]),
        {"sent_on": "2026-13-45", "outgoing_number": "1"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT


def test_sent_and_answer_pages_flow(s, client):
    referral = s.referral()
    client.force_login(s.social)
    client.post(
        reverse("casework:referral_sent", args=[referral.pk]),
        {"sent_on": f"{TOMORROW}", "outgoing_number": "1"},
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT
    client.post(
        reverse("casework:referral_sent", args=[referral.pk]),
        {"sent_on": f"{TODAY}", "outgoing_number": "1"},
    )
    client.post(
        reverse("casework:referral_answer", args=[referral.pk]),
        {"answer_on": f"{TODAY}", "answer": "Принято к сведению"},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.answer) == (
        Referral.Status.ANSWERED,
        "Принято к сведению",
    )


def test_sop_page_marks_and_the_case_block_shows_the_banner(s, client):
    client.force_login(s.social)
    case_url = reverse("casework:case_detail", args=[s.case.pk])
    assert 'data-testid="sop-button"' in client.get(case_url).content.decode()

    response = client.post(
        reverse("casework:case_sop", args=[s.case.pk]),
        {"found_on": f"{TODAY}", "circumstances": "Ребёнок без присмотра"},
    )

    assert response.status_code == 302
    page = client.get(case_url).content.decode()
    assert 'data-testid="sop-banner"' in page
    assert "Незамедлительно проинформируйте" in page
    assert 'data-testid="sop-button"' not in page


def test_sop_page_twice_shows_the_message(s, client):
    sop(s)
    client.force_login(s.social)
    response = client.post(
        reverse("casework:case_sop", args=[s.case.pk]),
        {"found_on": f"{TODAY}", "circumstances": "Ещё раз"},
    )
    assert response.status_code == 200
    assert "уже отмечена" in response.content.decode()
    assert Referral.objects.count() == 4


def test_case_page_referrals_block_has_bounded_queries(s, client, django_assert_max_num_queries):
    sop(s)
    s.referral(body=Body.PSYCHOLOGIST, purpose="help", psychologist=s.psychologist)
    client.force_login(s.social)
    url = reverse("casework:case_detail", args=[s.case.pk])
    client.get(url)
    with django_assert_max_num_queries(80) as few:
        client.get(url)
    for _ in range(5):
        s.referral()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
