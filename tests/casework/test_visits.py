"""Home visits and the act of inspection of living conditions (R-C-3, seed 003 alg. 4–5)."""

import datetime
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from alerts.models import Notification, Task
from audit.models import AuditEntry
from casework.models import HomeVisit
from casework.selectors.visits import act_initial
from casework.services import (
    CaseworkError,
    CaseworkPermissionDenied,
    agree_visit,
    cancel_visit,
    open_case,
    plan_visit,
    record_parents_informed,
    save_act,
)
from schools.models import Guardian
from tests import factories
from tests.journal.helpers import class_teacher_for

TODAY = timezone.localdate


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def pedagogue(school):
    return factories.staff_user(Role.SOCIAL_PEDAGOGUE, school, last_name="Соцпедагогова")


@pytest.fixture
def deputy(school):
    return factories.staff_user(Role.DEPUTY, school, last_name="Завучева")


@pytest.fixture
def director(school):
    return factories.staff_user(Role.DIRECTOR, school)


@pytest.fixture
def student(school_class):
    student = factories.enrolled_student(
        school_class,
        last_name="Прогульщиков",
        first_name="Пётр",
        patronymic="Ильич",
        birth_date=datetime.date(2013, 4, 2),
        actual_address="г. Курган, ул. Ленина, д. 1, кв. 2",
        registration_address="г. Курган, ул. Мира, д. 5",
        disability=False,
    )
    factories.GuardianFactory(
        student=student,
        full_name="Прогульщикова Ольга Петровна",
        relation=Guardian.Relation.MOTHER,
        birth_date=datetime.date(1985, 1, 10),
        workplace="ООО «Ромашка», продавец",
        work_schedule="сменный",
        education="среднее профессиональное",
        phone="+7 900 111-22-33",
    )
    factories.GuardianFactory(
        student=student,
        full_name="Прогульщикова Анна Ивановна",
        relation=Guardian.Relation.OTHER,
        birth_date=datetime.date(1955, 6, 1),
    )
    return student


@pytest.fixture
def case(school, student, teacher):
    return open_case(
        student_id=student.pk, school_id=school.pk, reason="Пропуски", responsible=[teacher.pk]
    )


def _task(case, kind, assignee=None):
    return Task.objects.create(
        school=case.school,
        student=case.student,
        kind=kind,
        assignee_role=Role.CLASS_TEACHER,
        assignee=assignee,
        due_date=TODAY(),
    )


def _plan(case, user, *members, **kwargs):
    return plan_visit(
        case=case,
        planned_for=kwargs.pop("planned_for", TODAY() + datetime.timedelta(days=2)),
        members=members or [user],
        acting_user=user,
        **kwargs,
    )


def _act(**kwargs):
    return {
        "visited_on": TODAY(),
        "sanitary_state": "satisfactory",
        "child_conditions": ["sleeping_place", "study_place"],
        "school_contact": ["come_when_called"],
        "parental_control": "irregular",
        "relations": ["friendly"],
        "family_problems": ["low_literacy"],
        "responsibility_explained": True,
        "measures_proposed": "Обеспечить ежедневное посещение школы.",
        **kwargs,
    }


# --- Planning and agreement ---------------------------------------------------------------


def test_planning_opens_the_agreement_task_for_the_deputy(case, teacher, pedagogue, deputy):
    visit = _plan(case, teacher, teacher, pedagogue, other_members="Иванов И. И., инспектор ПДН")

    assert visit.status == HomeVisit.Status.PLANNED
    assert set(visit.members.all()) == {teacher, pedagogue}
    task = Task.objects.get(kind=Task.Kind.AGREE_HOME_VISIT)
    assert (task.assignee, task.assignee_role, task.status) == (deputy, Role.DEPUTY, "open")
    assert task.student == case.student
    assert Notification.objects.filter(user=deputy, task=task).exists()
    assert AuditEntry.objects.filter(action="casework.visit.planned", object_id=str(visit.pk))


def test_without_a_deputy_the_director_agrees(case, teacher, director):
    _plan(case, teacher)
    assert Task.objects.get(kind=Task.Kind.AGREE_HOME_VISIT).assignee == director


def test_another_schools_staff_is_refused_and_nothing_is_planned(
    case, teacher, other_school, deputy
):
    stranger = factories.staff_user(
        Role.SOCIAL_PEDAGOGUE, other_school, last_name="Чужая", first_name="Мария", patronymic=""
    )
    with pytest.raises(CaseworkError, match="«Чужая Мария» не работает в школе ребёнка"):
        _plan(case, teacher, teacher, stranger)
    assert not HomeVisit.objects.exists()
    assert not Task.objects.filter(kind=Task.Kind.AGREE_HOME_VISIT).exists()


def test_a_second_planned_visit_is_refused(case, teacher):
    _plan(case, teacher)
    with pytest.raises(CaseworkError, match="уже запланировано"):
        _plan(case, teacher, planned_for=TODAY() + datetime.timedelta(days=5))
    assert HomeVisit.objects.count() == 1


def test_a_visit_in_the_past_cannot_be_planned(case, teacher):
    with pytest.raises(CaseworkError, match="уже прошла"):
        _plan(case, teacher, planned_for=TODAY() - datetime.timedelta(days=1))


def test_subject_teacher_cannot_plan_a_visit(case, school):
    outsider = factories.staff_user(Role.SUBJECT_TEACHER, school)
    with pytest.raises(CaseworkPermissionDenied):
        _plan(case, outsider)


def test_deputy_agrees_the_visit_and_completes_the_task(case, teacher, deputy):
    visit = _plan(case, teacher)
    agree_visit(visit=visit, acting_user=deputy)

    visit.refresh_from_db()
    assert visit.agreed_by == deputy and visit.agreed_at is not None
    task = Task.objects.get(kind=Task.Kind.AGREE_HOME_VISIT)
    assert (task.status, task.done_by, task.result) == ("done", deputy, visit)
    with pytest.raises(CaseworkError, match="уже согласовано"):
        agree_visit(visit=visit, acting_user=deputy)


def test_class_teacher_cannot_agree_a_visit(case, teacher, deputy):
    visit = _plan(case, teacher)
    with pytest.raises(CaseworkPermissionDenied):
        agree_visit(visit=visit, acting_user=teacher)
    visit.refresh_from_db()
    assert visit.agreed_at is None


def test_parents_informed_completes_the_inform_task(case, teacher):
    task = _task(case, Task.Kind.INFORM_HOME_VISIT, teacher)
    visit = _plan(case, teacher)
    record_parents_informed(visit=visit, on=TODAY(), acting_user=teacher)

    visit.refresh_from_db()
    task.refresh_from_db()
    assert visit.parents_informed_on == TODAY()
    assert (task.status, task.result) == ("done", visit)


def test_parents_cannot_be_informed_tomorrow(case, teacher):
    visit = _plan(case, teacher)
    with pytest.raises(CaseworkError, match="не может быть в будущем"):
        record_parents_informed(
            visit=visit, on=TODAY() + datetime.timedelta(days=1), acting_user=teacher
        )


def test_cancelling_cancels_the_agreement_task(case, teacher, deputy):
    visit = _plan(case, teacher)
    cancel_visit(visit=visit, reason="Семья переехала", acting_user=teacher)

    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == ("cancelled", "Семья переехала")
    assert Task.objects.get(kind=Task.Kind.AGREE_HOME_VISIT).status == "cancelled"
    with pytest.raises(CaseworkError):
        save_act(visit=visit, data=_act(), acting_user=teacher)


# --- The act ------------------------------------------------------------------------------


def test_act_is_prefilled_from_the_records(case, teacher, school_class):
    visit = _plan(case, teacher, planned_for=TODAY())
    initial = act_initial(visit)

    assert initial["student_name"] == "Прогульщиков Пётр Ильич"
    assert initial["birth_year"] == 2013
    assert initial["class_name"] == str(school_class)
    assert initial["disability"] == "нет"
    assert initial["address"] == "г. Курган, ул. Ленина, д. 1, кв. 2"
    assert initial["mother_name"] == "Прогульщикова Ольга Петровна"
    assert initial["mother_age"] == TODAY().year - 1985 - (
        TODAY() < TODAY().replace(month=1, day=10)
    )
    assert (initial["mother_work"], initial["mother_schedule"]) == (
        "ООО «Ромашка», продавец",
        "сменный",
    )
    assert initial["mother_education"] == "среднее профессиональное"
    assert initial["mother_phone"] == "+7 900 111-22-33"
    assert "father_name" not in initial
    assert initial["other_relatives"] == (
        "Прогульщикова Анна Ивановна, 1955 г. р., иной законный представитель"
    )
    assert initial["members"] == [teacher.pk]


def test_saving_the_act_completes_the_home_visit_task(case, teacher, pedagogue, school_class):
    task = _task(case, Task.Kind.HOME_VISIT, teacher)
    visit = _plan(case, teacher, teacher, pedagogue)
    save_act(visit=visit, data=_act(student_name="Прогульщиков Пётр"), acting_user=pedagogue)

    visit.refresh_from_db()
    task.refresh_from_db()
    assert (visit.status, visit.visited_on, visit.act_by) == ("done", TODAY(), pedagogue)
    assert visit.class_name == str(school_class)  # snapshot of the class of the day
    assert visit.child_conditions == ["sleeping_place", "study_place"]
    assert (task.status, task.result, task.done_by) == ("done", visit, pedagogue)
    entry = AuditEntry.objects.get(action="casework.visit.act_saved")
    assert entry.student_id == case.student_id


def test_act_dated_in_the_future_is_refused_and_nothing_changes(case, teacher):
    task = _task(case, Task.Kind.HOME_VISIT, teacher)
    visit = _plan(case, teacher)
    with pytest.raises(CaseworkError, match="Дата посещения не может быть в будущем"):
        save_act(
            visit=visit,
            data=_act(visited_on=TODAY() + datetime.timedelta(days=1)),
            acting_user=teacher,
        )
    visit.refresh_from_db()
    task.refresh_from_db()
    assert (visit.status, visit.visited_on, visit.act_by) == ("planned", None, None)
    assert task.status == "open"
    assert not AuditEntry.objects.filter(action__startswith="casework.visit.act").exists()


def test_act_long_before_the_case_is_refused(case, teacher):
    visit = _plan(case, teacher)
    with pytest.raises(CaseworkError, match="слишком ранняя"):
        save_act(
            visit=visit,
            data=_act(visited_on=TODAY() - datetime.timedelta(days=400)),
            acting_user=teacher,
        )


def test_act_with_another_schools_member_changes_nothing(case, teacher, other_school):
    visit = _plan(case, teacher)
    stranger = factories.staff_user(Role.DEPUTY, other_school)
    with pytest.raises(CaseworkError, match="не работает в школе ребёнка"):
        save_act(visit=visit, data=_act(members=[teacher, stranger]), acting_user=teacher)
    visit.refresh_from_db()
    assert visit.status == "planned"
    assert list(visit.members.all()) == [teacher]


def test_author_corrects_the_act_with_old_and_new_values_audited(case, teacher, pedagogue):
    visit = _plan(case, teacher, teacher, pedagogue)
    save_act(visit=visit, data=_act(), acting_user=teacher)
    visit.refresh_from_db()
    save_act(
        visit=visit,
        data=_act(sanitary_state="good", relations=["friendly", "trusting"]),
        acting_user=pedagogue,
    )

    visit.refresh_from_db()
    assert (visit.sanitary_state, visit.act_by) == ("good", teacher)
    entry = AuditEntry.objects.get(action="casework.visit.act_changed")
    assert entry.actor == pedagogue
    assert entry.data["changes"] == {
        "sanitary_state": ["satisfactory", "good"],
        "relations": [["friendly"], ["friendly", "trusting"]],
    }
    # The same data again changes and logs nothing.
    save_act(
        visit=visit,
        data=_act(sanitary_state="good", relations=["friendly", "trusting"]),
        acting_user=pedagogue,
    )
    assert AuditEntry.objects.filter(action="casework.visit.act_changed").count() == 1


def test_only_the_authors_correct_an_act(case, teacher, deputy):
    visit = _plan(case, teacher)
    save_act(visit=visit, data=_act(), acting_user=teacher)
    visit.refresh_from_db()
    with pytest.raises(CaseworkPermissionDenied):
        save_act(visit=visit, data=_act(sanitary_state="good"), acting_user=deputy)
    visit.refresh_from_db()
    assert visit.sanitary_state == "satisfactory"


# --- Pages --------------------------------------------------------------------------------


@pytest.fixture
def done_visit(case, teacher, pedagogue):
    visit = _plan(case, teacher, teacher, pedagogue, other_members="Сидоров С. С., инспектор ПДН")
    save_act(
        visit=visit,
        data=_act(
            student_name="Прогульщиков Пётр Ильич",
            birth_year=2013,
            class_name="5 «А»",
            mother_name="Прогульщикова Ольга Петровна",
            mother_age=41,
            family_income="заработная плата матери, пособие",
            housing_type="apartment",
            housing="2 комнаты, 48 кв. м, благоустроенная",
            parents_present="Прогульщикова Ольга Петровна",
        ),
        acting_user=teacher,
    )
    visit.refresh_from_db()
    return visit


def test_plan_page_refuses_another_schools_staff_in_russian(client, case, teacher, other_school):
    stranger = factories.staff_user(Role.SOCIAL_PEDAGOGUE, other_school)
    client.force_login(teacher)
    response = client.post(
        reverse("casework:visit_plan", args=[case.pk]),
        {
            "planned_for": f"{TODAY() + datetime.timedelta(days=1)}",
            "purpose": "обследование",
            "members": [teacher.pk, stranger.pk],
        },
    )
    assert response.status_code == 200
    assert "только сотрудников школы ребёнка" in response.content.decode()
    assert not HomeVisit.objects.exists()


def test_plan_page_plans_and_redirects_to_the_visit(client, case, teacher, deputy):
    client.force_login(teacher)
    response = client.post(
        reverse("casework:visit_plan", args=[case.pk]),
        {
            "planned_for": f"{TODAY() + datetime.timedelta(days=1)}",
            "purpose": "обследование",
            "members": [teacher.pk],
            "other_members": "Петров П. П., родительский комитет",
        },
    )
    visit = HomeVisit.objects.get()
    assert response.url == reverse("casework:visit_detail", args=[visit.pk])
    assert visit.other_members == "Петров П. П., родительский комитет"


def test_act_form_shows_russian_errors_and_changes_nothing(client, case, teacher):
    visit = _plan(case, teacher)
    client.force_login(teacher)
    response = client.post(
        reverse("casework:visit_act", args=[visit.pk]),
        {
            "visited_on": f"{TODAY() + datetime.timedelta(days=3)}",
            "mother_age": "сорок",
            "members": [teacher.pk],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Дата посещения не может быть в будущем." in page
    assert "Введите целое число." in page
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_act_page_has_every_section_of_the_form_prefilled(client, case, teacher):
    visit = _plan(case, teacher)
    client.force_login(teacher)
    page = client.get(reverse("casework:visit_act", args=[visit.pk])).content.decode()
    headings = [
        "Сведения о матери / мачехе",
        "Сведения об отце / отчиме",
        "Сведения о других родственниках",
        "Общий доход семьи",
        "Жилищные условия",
        "Санитарно-гигиеническое состояние жилой площади",
        "Жилищно-бытовые условия обучающегося",
        "Соблюдение обучающимся режима дня",
        "Связь родителей со школой",
        "Отношения родителей",
        "Проблемы семьи",
        "Дополнительные сведения",
        "Подписи членов комиссии",
    ]
    positions = [page.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert 'value="Прогульщиков Пётр Ильич"' in page
    assert 'value="Прогульщикова Ольга Петровна"' in page


def test_act_posted_from_the_page_is_saved(client, case, teacher):
    visit = _plan(case, teacher)
    client.force_login(teacher)
    response = client.post(
        reverse("casework:visit_act", args=[visit.pk]),
        {
            "visited_on": f"{TODAY()}",
            "student_name": "Прогульщиков Пётр Ильич",
            "sanitary_state": "good",
            "child_conditions": ["own_room", "books"],
            "responsibility_explained": "on",
            "members": [teacher.pk],
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.sanitary_state, visit.child_conditions) == (
        "done",
        "good",
        ["own_room", "books"],
    )


def test_another_schools_visit_answers_404(client, done_visit, other_school):
    outsider = factories.staff_user(Role.SOCIAL_PEDAGOGUE, other_school)
    client.force_login(outsider)
    for name in ("visit_detail", "visit_act", "visit_act_pdf"):
        assert client.get(reverse(f"casework:{name}", args=[done_visit.pk])).status_code == 404
    response = client.post(reverse("casework:visit_agree", args=[done_visit.pk]))
    assert response.status_code == 404


def test_huge_visit_id_answers_404(client, teacher, case):
    client.force_login(teacher)
    assert client.get(f"/casework/visits/{2**70}/").status_code == 404


def test_case_page_lists_the_visits_with_their_buttons(client, done_visit, teacher):
    client.force_login(teacher)
    page = client.get(reverse("casework:case_detail", args=[done_visit.case_id])).content.decode()
    assert reverse("casework:visit_act_pdf", args=[done_visit.pk]) in page
    assert reverse("casework:visit_plan", args=[done_visit.case_id]) in page


def test_act_pdf_has_the_form_and_the_child(client, done_visit, teacher):
    client.force_login(teacher)
    response = client.get(reverse("casework:visit_act_pdf", args=[done_visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in (
        "Акт",
        "обследования жилищно-бытовых условий",
        "Прогульщиков Пётр Ильич",
        "Санитарно-гигиеническое состояние",
        "удовлетворительное",
        "Подписи членов комиссии",
        "Сидоров С. С., инспектор ПДН",
        "Подпись родителей",
    ):
        assert expected in text, expected
    entry = AuditEntry.objects.get(action="casework.visit_act.viewed")
    assert (entry.actor, entry.student_id) == (teacher, done_visit.student_id)
    directory = os.environ.get("PDF_OUTPUT")
    if directory:
        with open(os.path.join(directory, "visit_act.pdf"), "wb") as file:
            file.write(response.content)


def test_planned_visit_has_no_pdf(client, case, teacher):
    visit = _plan(case, teacher)
    client.force_login(teacher)
    assert client.get(reverse("casework:visit_act_pdf", args=[visit.pk])).status_code == 404
