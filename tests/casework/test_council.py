"""The prevention council (R-C-4): sessions, hearings, assignments, conclusions, repeat
hearings, the protocol and the conclusion PDFs, and the pages that drive them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Notification, Task
from audit.models import AuditEntry
from casework.models import (
    Conclusion,
    CouncilAssignment,
    CouncilHearing,
    CouncilSession,
    RegistryPlacement,
)
from casework.services import (
    CaseworkError,
    CaseworkPermissionDenied,
    approve_conclusion,
    create_session,
    open_case,
    put_on_session,
    record_hearing,
    reject_conclusion,
    schedule_repeat_hearings,
    update_session,
)
from casework.services.council import AssignmentData
from policy.services import set_setting
from tests import factories
from tests.pdf import pdf_text

D = datetime.date
TODAY = timezone.localdate()


class School:
    """A school with its council's people, a class and a child with an open case."""

    def __init__(self):
        self.school = factories.SchoolFactory()
        self.deputy = factories.staff_user(Role.DEPUTY, self.school, last_name="Замова")
        self.director = factories.staff_user(Role.DIRECTOR, self.school, last_name="Директорова")
        self.social = factories.staff_user(Role.SOCIAL_PEDAGOGUE, self.school, last_name="Соцпед")
        self.psychologist = factories.staff_user(Role.PSYCHOLOGIST, self.school)
        self.teacher = factories.staff_user(Role.CLASS_TEACHER, self.school, last_name="Классная")
        self.school_class = factories.SchoolClassFactory(
            school=self.school, class_teacher=self.teacher
        )
        self.student = factories.enrolled_student(
            self.school_class, last_name="Петров", first_name="Пётр"
        )
        self.case = open_case(
            student_id=self.student.pk, school_id=self.school.pk, reason="Пропуски"
        )

    def session(self, day=None, **kwargs):
        params = {
            "school": self.school,
            "date": day or TODAY - datetime.timedelta(days=1),
            "acting_user": self.deputy,
            "number": "3",
            "chair": self.director,
            "secretary": self.social,
            "members": [self.deputy, self.social, self.teacher],
            "invited": "Инспектор ПДН Сидорова Н. Н.",
            "agenda": "1. О посещаемости за ноябрь.",
        }
        return create_session(**params | kwargs)

    def heard(self, session=None, **kwargs):
        session = session or self.session()
        hearing = put_on_session(session=session, case=self.case, acting_user=self.deputy)
        params = {
            "hearing": hearing,
            "acting_user": self.deputy,
            "parents_present": True,
            "decision": CouncilHearing.Decision.HELP,
            "discussion": "Классный руководитель о пропусках",
            "recommendations_child": "Посещать уроки",
            "recommendations_parents": "Контролировать посещение",
            "review_date": session.date + datetime.timedelta(days=30),
        }
        return record_hearing(**params | kwargs)


@pytest.fixture
def s(db):
    return School()


# Sessions ---------------------------------------------------------------------------------


def test_session_is_created_with_members_of_the_school_and_audited(s):
    session = s.session()
    assert session.status == CouncilSession.Status.PLANNED
    assert set(session.members_present.all()) == {s.deputy, s.social, s.teacher}
    entry = AuditEntry.objects.get(action="casework.council.session_created")
    assert (entry.actor, entry.school, entry.object_id) == (s.deputy, s.school, str(session.pk))


def test_session_refuses_a_member_of_another_school(s):
    stranger = factories.staff_user(Role.DEPUTY, factories.SchoolFactory())
    with pytest.raises(CaseworkError, match="не работает в этой школе"):
        s.session(members=[s.deputy, stranger])
    with pytest.raises(CaseworkError, match="не работает в этой школе"):
        s.session(chair=stranger)
    assert not CouncilSession.objects.exists()


def test_session_needs_the_council_permission(s):
    with pytest.raises(CaseworkPermissionDenied):
        s.session(acting_user=s.teacher)
    assert not CouncilSession.objects.exists()


def test_session_date_cannot_change_once_a_case_is_heard(s):
    session = s.session()
    s.heard(session)
    with pytest.raises(CaseworkError, match="дату изменить нельзя"):
        update_session(session=session, acting_user=s.deputy, date=TODAY)
    update_session(
        session=session, acting_user=s.deputy, date=session.date, number="4", members=[s.deputy]
    )
    session.refresh_from_db()
    assert session.number == "4" and list(session.members_present.all()) == [s.deputy]


# Hearings ---------------------------------------------------------------------------------


def test_case_is_put_on_a_session_once(s):
    session = s.session()
    put_on_session(session=session, case=s.case, acting_user=s.deputy)
    with pytest.raises(CaseworkError, match="уже включено"):
        put_on_session(session=session, case=s.case, acting_user=s.deputy)
    assert CouncilHearing.objects.count() == 1


def test_case_of_another_school_is_not_put_on_the_session(s):
    other = School()
    with pytest.raises(CaseworkError, match="другой школы"):
        put_on_session(session=s.session(), case=other.case, acting_user=s.deputy)


def test_hearing_with_parents_present_records_recommendations_and_assignments(s):
    candidate = Task.objects.create(
        school=s.school,
        student=s.student,
        kind=Task.Kind.COUNCIL_CANDIDATE,
        assignee_role=Role.DEPUTY,
        assignee=s.deputy,
        due_date=TODAY,
    )
    due = TODAY + datetime.timedelta(days=14)
    hearing = s.heard(
        assignments=[
            AssignmentData(s.psychologist, "Провести диагностику", due),
            AssignmentData(None, "", None),  # an empty row of the form is ignored
        ]
    )
    assert hearing.held and not hearing.in_absentia
    assert hearing.session.status == CouncilSession.Status.HELD
    [assignment] = CouncilAssignment.objects.filter(hearing=hearing)
    task = assignment.task
    assert (task.kind, task.assignee, task.due_date, task.details) == (
        Task.Kind.COUNCIL_ASSIGNMENT,
        s.psychologist,
        due,
        "Провести диагностику",
    )
    assert Notification.objects.filter(user=s.psychologist, task=task).exists()
    candidate.refresh_from_db()
    assert candidate.status == Task.Status.DONE and candidate.result == hearing
    assert not Task.objects.filter(kind=Task.Kind.NOTIFY_ABSENT_PARENTS).exists()
    assert not Conclusion.objects.exists()
    assert AuditEntry.objects.filter(action="casework.council.hearing_recorded").count() == 1


def test_parents_absent_make_the_decision_in_absentia_and_open_the_notification(s):
    session = s.session(day=D(2025, 12, 5))  # a Friday
    hearing = s.heard(session, parents_present=False)
    assert hearing.in_absentia
    task = Task.objects.get(kind=Task.Kind.NOTIFY_ABSENT_PARENTS)
    assert (task.assignee, task.due_date) == (s.teacher, D(2025, 12, 8))  # next working day


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"parents_present": None}, "присутствовали ли родители"),
        ({"decision": ""}, "решение"),
        ({"review_date": None}, "срок исполнения рекомендаций"),
        ({"review_date": TODAY - datetime.timedelta(days=1)}, "позже даты заседания"),
        ({"decision": CouncilHearing.Decision.REGISTRY, "work_until": None}, "профилактической"),
    ],
)
def test_hearing_with_missing_facts_is_refused_and_changes_nothing(s, change, message):
    with pytest.raises(CaseworkError, match=message):
        s.heard(**change)
    assert not CouncilHearing.objects.filter(held=True).exists()
    assert not Task.objects.exists()


def test_assignment_needs_a_due_date_and_staff_of_the_school(s):
    stranger = factories.staff_user(Role.SOCIAL_PEDAGOGUE, factories.SchoolFactory())
    hearing = put_on_session(session=s.session(), case=s.case, acting_user=s.deputy)
    record = {
        "hearing": hearing,
        "acting_user": s.deputy,
        "parents_present": True,
        "decision": CouncilHearing.Decision.POSITIVE,
    }
    with pytest.raises(CaseworkError, match="срок исполнения поручения"):
        record_hearing(**record, assignments=[AssignmentData(s.social, "Посетить семью", None)])
    with pytest.raises(CaseworkError, match="не работает в этой школе"):
        record_hearing(**record, assignments=[AssignmentData(stranger, "Посетить семью", TODAY)])
    assert not CouncilAssignment.objects.exists() and not Task.objects.exists()


def test_hearing_is_recorded_once(s):
    hearing = s.heard()
    with pytest.raises(CaseworkError, match="уже записано"):
        record_hearing(
            hearing=hearing,
            acting_user=s.deputy,
            parents_present=False,
            decision=CouncilHearing.Decision.HELP,
            review_date=TODAY + datetime.timedelta(days=3),
        )
    assert not Task.objects.filter(kind=Task.Kind.NOTIFY_ABSENT_PARENTS).exists()


def test_session_in_the_future_cannot_be_recorded(s):
    session = s.session(day=TODAY + datetime.timedelta(days=2))
    with pytest.raises(CaseworkError, match="ещё не состоялось"):
        s.heard(session)


def test_class_teacher_cannot_record_a_hearing(s):
    hearing = put_on_session(session=s.session(), case=s.case, acting_user=s.deputy)
    with pytest.raises(CaseworkPermissionDenied):
        record_hearing(
            hearing=hearing,
            acting_user=s.teacher,
            parents_present=True,
            decision=CouncilHearing.Decision.POSITIVE,
        )


# Conclusions and the registry -------------------------------------------------------------


def _registry_hearing(s, **kwargs):
    return s.heard(
        decision=CouncilHearing.Decision.REGISTRY,
        decision_text="Поставить на учёт на полугодие",
        work_until=TODAY + datetime.timedelta(days=180),
        **kwargs,
    )


def test_registry_decision_drafts_the_conclusion_for_the_director(s):
    hearing = _registry_hearing(s)
    conclusion = hearing.conclusion
    assert conclusion.status == Conclusion.Status.DRAFT
    assert "Петров Пётр" in conclusion.text and "Поставить на учёт на полугодие" in conclusion.text
    task = Task.objects.get(kind=Task.Kind.APPROVE_CONCLUSION)
    assert task.assignee == s.director
    assert not RegistryPlacement.objects.exists()


def test_director_approves_and_the_child_is_placed_with_the_conclusion_as_basis(s):
    conclusion = _registry_hearing(s).conclusion
    approve_conclusion(conclusion=conclusion, acting_user=s.director)
    conclusion.refresh_from_db()
    assert (conclusion.status, conclusion.decided_by) == (Conclusion.Status.APPROVED, s.director)
    placement = RegistryPlacement.objects.get()
    assert (placement.student, placement.conclusion, placement.placed_on) == (
        s.student,
        conclusion,
        TODAY,
    )
    assert Task.objects.get(kind=Task.Kind.APPROVE_CONCLUSION).status == Task.Status.DONE
    assert AuditEntry.objects.filter(action="casework.registry.placed").exists()


def test_approving_twice_is_refused_and_changes_nothing(s):
    conclusion = _registry_hearing(s).conclusion
    approve_conclusion(conclusion=conclusion, acting_user=s.director)
    with pytest.raises(CaseworkError, match="уже рассмотрено"):
        approve_conclusion(conclusion=conclusion, acting_user=s.director)
    with pytest.raises(CaseworkError, match="уже рассмотрено"):
        reject_conclusion(conclusion=conclusion, acting_user=s.director, comment="Нет")
    assert RegistryPlacement.objects.count() == 1
    assert AuditEntry.objects.filter(action="casework.council.conclusion_approved").count() == 1


def test_only_the_director_of_the_school_approves(s):
    conclusion = _registry_hearing(s).conclusion
    other_director = factories.staff_user(Role.DIRECTOR, factories.SchoolFactory())
    for user in (s.deputy, other_director):
        with pytest.raises(CaseworkPermissionDenied):
            approve_conclusion(conclusion=conclusion, acting_user=user)
    conclusion.refresh_from_db()
    assert conclusion.status == Conclusion.Status.DRAFT
    assert not RegistryPlacement.objects.exists()


def test_rejection_needs_a_comment_and_places_nobody(s):
    conclusion = _registry_hearing(s).conclusion
    with pytest.raises(CaseworkError, match="почему"):
        reject_conclusion(conclusion=conclusion, acting_user=s.director, comment=" ")
    reject_conclusion(conclusion=conclusion, acting_user=s.director, comment="Нужны меры помощи")
    conclusion.refresh_from_db()
    assert (conclusion.status, conclusion.decision_comment) == (
        Conclusion.Status.REJECTED,
        "Нужны меры помощи",
    )
    assert not RegistryPlacement.objects.exists()


def test_approval_places_nobody_where_the_region_places_at_criterion_22(s):
    set_setting(
        key="casework.registry_placement",
        value="criterion_22",
        acting_user=factories.UserFactory(is_superuser=True),
        region=s.school.municipality.region,
    )
    conclusion = _registry_hearing(s).conclusion
    approve_conclusion(conclusion=conclusion, acting_user=s.director)
    assert not RegistryPlacement.objects.exists()


# Repeat hearings --------------------------------------------------------------------------


def test_repeat_hearing_is_queued_once_when_the_deadline_passes(s):
    hearing = s.heard(review_date=TODAY + datetime.timedelta(days=10))
    assert schedule_repeat_hearings(today=TODAY + datetime.timedelta(days=10)) == []
    later = TODAY + datetime.timedelta(days=11)
    [repeat] = schedule_repeat_hearings(today=later)
    assert (repeat.previous, repeat.session, repeat.held) == (hearing, None, False)
    task = Task.objects.get(kind=Task.Kind.REPEAT_HEARING)
    assert task.assignee == s.deputy
    assert schedule_repeat_hearings(today=later) == []
    assert (
        CouncilHearing.objects.count() == 2
        and Task.objects.filter(kind=Task.Kind.REPEAT_HEARING).count() == 1
    )


def test_no_repeat_for_a_closed_case_or_a_decision_without_deadline(s):
    s.heard(decision=CouncilHearing.Decision.POSITIVE, review_date=None)
    assert schedule_repeat_hearings(today=TODAY + datetime.timedelta(days=400)) == []


def test_repeat_hearing_is_put_on_a_session_and_needs_the_analysis(s):
    s.heard(
        session=s.session(day=TODAY - datetime.timedelta(days=40)),
        review_date=TODAY - datetime.timedelta(days=5),
    )
    [repeat] = schedule_repeat_hearings(today=TODAY)
    session = s.session(number="9")
    hearing = put_on_session(session=session, case=s.case, acting_user=s.deputy)
    assert hearing == repeat and hearing.session == session
    params = {
        "hearing": hearing,
        "acting_user": s.deputy,
        "parents_present": True,
        "decision": CouncilHearing.Decision.POSITIVE,
    }
    with pytest.raises(CaseworkError, match="анализ"):
        record_hearing(**params)
    record_hearing(**params, analysis="Пропусков за месяц нет, мать на связи")
    assert Task.objects.get(kind=Task.Kind.REPEAT_HEARING).status == Task.Status.DONE


# Pages and PDFs ---------------------------------------------------------------------------


def test_protocol_pdf_has_the_form_and_every_case_and_is_audited(s, client):
    session = s.session(day=D(2025, 12, 5))
    hearing = s.heard(
        session,
        parents_present=False,
        assignments=[AssignmentData(s.psychologist, "Провести диагностику", D(2025, 12, 19))],
    )
    client.force_login(s.social)
    response = client.get(reverse("casework:council_protocol", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, "council-protocol")
    for expected in (
        "Протокол заседания Совета профилактики безнадзорности и правонарушений",
        "№ 3",
        "05.12.2025",
        "Директорова",
        "Соцпед",
        "Инспектор ПДН Сидорова",
        "О посещаемости за ноябрь",
        "Петров Пётр",
        "Слушали",
        "Выступили",
        "Постановили",
        "Посещать уроки",
        "Контролировать посещение",
        "Провести диагностику",
        "19.12.2025",
        "заочно",
    ):
        assert expected.lower() in text.lower(), expected
    entry = AuditEntry.objects.get(action="casework.council_protocol.viewed")
    assert (entry.actor, entry.student_id) == (s.social, s.student.pk)
    assert hearing.held


def test_conclusion_pdf_has_the_approval_block_basis_and_period(s, client):
    conclusion = _registry_hearing(s).conclusion
    approve_conclusion(conclusion=conclusion, acting_user=s.director)
    client.force_login(s.deputy)
    response = client.get(reverse("casework:council_conclusion_pdf", args=[conclusion.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, "conclusion")
    for expected in (
        "УТВЕРЖДАЮ",
        "Директор",
        "Директорова",
        "(подпись)",
        "ЗАКЛЮЧЕНИЕ",
        "Петров Пётр",
        "Основание",
        "протокол № 3",
        "индивидуальной профилактической работы",
        "внутришкольный учёт",
        f"{conclusion.work_until:%d.%m.%Y}",
    ):
        assert expected in text, expected
    assert AuditEntry.objects.filter(
        action="casework.conclusion.viewed", actor=s.deputy, student_id=s.student.pk
    ).exists()


def test_session_form_refuses_another_schools_member_and_creates_nothing(s, client):
    stranger = factories.staff_user(Role.DEPUTY, factories.SchoolFactory())
    client.force_login(s.deputy)
    url = reverse("casework:council_session_create") + f"?school={s.school.pk}"
    response = client.post(url, {"date": "2025-12-05", "members": [stranger.pk]})
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not CouncilSession.objects.exists()
    response = client.post(url, {"date": "05.12.2025x"})
    assert response.status_code == 200 and not CouncilSession.objects.exists()


def test_hearing_page_records_assignments_and_the_absence(s, client):
    session = s.session(day=D(2025, 12, 5))
    hearing = put_on_session(session=session, case=s.case, acting_user=s.deputy)
    client.force_login(s.deputy)
    url = reverse("casework:council_hearing", args=[hearing.pk])
    assert "hearing-form" in client.get(url).content.decode()
    data = {
        "parents_present": "no",
        "decision": "help",
        "recommendations_child": "Посещать уроки",
        "review_date": "2026-01-16",
        "assignments-TOTAL_FORMS": "2",
        "assignments-INITIAL_FORMS": "0",
        "assignments-0-assignee": s.social.pk,
        "assignments-0-text": "Посетить семью",
        "assignments-0-due_date": "2025-12-12",
        "assignments-1-assignee": "",
        "assignments-1-text": "",
        "assignments-1-due_date": "",
    }
    without_due = data | {"assignments-0-due_date": ""}
    response = client.post(url, without_due)
    assert response.status_code == 200 and "Укажите срок исполнения поручения" in (
        response.content.decode()
    )
    assert not Task.objects.exists()
    assert client.post(url, data).status_code == 302
    hearing.refresh_from_db()
    assert hearing.in_absentia
    assert set(Task.objects.values_list("kind", flat=True)) == {
        Task.Kind.COUNCIL_ASSIGNMENT,
        Task.Kind.NOTIFY_ABSENT_PARENTS,
    }


def test_director_approves_on_the_conclusion_page_once(s, client):
    conclusion = _registry_hearing(s).conclusion
    client.force_login(s.director)
    url = reverse("casework:council_conclusion", args=[conclusion.pk])
    assert client.post(url, {"decision": "approved"}).status_code == 302
    assert client.post(url, {"decision": "rejected", "comment": "нет"}).status_code == 302
    conclusion.refresh_from_db()
    assert conclusion.status == Conclusion.Status.APPROVED
    assert RegistryPlacement.objects.count() == 1


def test_case_page_shows_the_council_block_with_hearings_and_placement(s, client):
    conclusion = _registry_hearing(s).conclusion
    approve_conclusion(conclusion=conclusion, acting_user=s.director)
    s.session(number="7", day=TODAY)
    client.force_login(s.social)
    page = client.get(reverse("casework:case_detail", args=[s.case.pk])).content.decode()
    assert 'data-testid="case-council"' in page
    assert "на внутришкольном учёте" in page
    assert reverse("casework:council_conclusion", args=[conclusion.pk]) in page
    assert 'data-testid="case-council-form"' in page


def test_daily_celery_task_queues_repeat_hearings_and_is_in_the_beat_schedule(s, settings):
    from casework.tasks import schedule_repeat_hearings_daily

    entry = settings.CELERY_BEAT_SCHEDULE["casework-repeat-hearings"]
    assert entry["task"] == "casework.tasks.schedule_repeat_hearings_daily"
    s.heard(
        session=s.session(day=TODAY - datetime.timedelta(days=40)),
        review_date=TODAY - datetime.timedelta(days=2),
    )
    assert schedule_repeat_hearings_daily() == 1
    assert schedule_repeat_hearings_daily() == 0


def test_session_page_reads_a_bounded_number_of_queries(s, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = s.session()
    s.heard(session, assignments=[AssignmentData(s.social, "Посетить семью", TODAY)])
    client.force_login(s.deputy)
    url = reverse("casework:council_session", args=[session.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        child = factories.enrolled_student(s.school_class, last_name=f"Ребёнок{n}")
        case = open_case(student_id=child.pk, school_id=s.school.pk, reason="Пропуски")
        put_on_session(session=session, case=case, acting_user=s.deputy)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(one)
