"""The individual prevention plan (R-C-6): plan, measures, weekly control, overdue measures
in the responsible person's inbox, the plan's PDF and page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.models import Notification, Task
from audit.models import AuditEntry
from casework.models import MeasureKind, PlanControl, PlanMeasure, PreventionPlan
from casework.services import (
    CaseworkError,
    CaseworkPermissionDenied,
    add_control,
    add_measure,
    complete_plan,
    create_plan,
    flag_overdue_measures,
    open_case,
    record_measure_outcome,
    update_measure,
)
from tests import factories
from tests.journal.helpers import class_teacher_for
from tests.pdf import pdf_text

TODAY = datetime.date(2026, 2, 10)


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def student(school_class):
    return factories.enrolled_student(
        school_class, last_name="Сидоров", first_name="Пётр", patronymic="Ильич"
    )


@pytest.fixture
def case(student, school, teacher):
    return open_case(
        student_id=student.pk, school_id=school.pk, reason="Пропуски", responsible=[teacher.pk]
    )


@pytest.fixture
def psychologist(school):
    return factories.staff_user(Role.PSYCHOLOGIST, school, last_name="Психологова")


@pytest.fixture
def plan(case, teacher):
    return create_plan(
        case=case,
        goal="Вернуть к регулярному посещению",
        start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=90),
        acting_user=teacher,
    )


def _task(student, school, kind, **kwargs):
    alert = factories.AlertFactory(school=school, student=student, rule="criterion_22")
    return factories.TaskFactory(alert=alert, kind=kind, sequence=1, **kwargs)


def _measure(plan, user, **kwargs):
    params = {
        "kind": MeasureKind.DIAGNOSTICS,
        "description": "",
        "responsible": user,
        "due_date": TODAY + datetime.timedelta(days=14),
    }
    return add_measure(plan=plan, acting_user=user, **(params | kwargs))


# The plan.


def test_saving_the_plan_completes_the_prevention_plan_task(case, student, school, teacher):
    task = _task(student, school, Task.Kind.PREVENTION_PLAN)

    plan = create_plan(case=case, goal="", start_date=TODAY, end_date=TODAY, acting_user=teacher)

    task.refresh_from_db()
    assert (task.status, task.result, task.done_by) == (Task.Status.DONE, plan, teacher)
    assert AuditEntry.objects.filter(action="casework.plan.created", object_id=str(plan.pk))


def test_plan_ending_before_it_starts_is_refused(case, teacher):
    with pytest.raises(CaseworkError, match="не может быть раньше даты начала"):
        create_plan(
            case=case,
            goal="",
            start_date=TODAY,
            end_date=TODAY - datetime.timedelta(days=1),
            acting_user=teacher,
        )
    assert not PreventionPlan.objects.exists()


def test_second_active_plan_is_refused_until_the_first_is_completed(case, plan, teacher):
    with pytest.raises(CaseworkError, match="уже есть действующий план"):
        create_plan(case=case, goal="", start_date=TODAY, end_date=TODAY, acting_user=teacher)

    complete_plan(plan=plan, summary="Посещает регулярно", acting_user=teacher)
    second = create_plan(case=case, goal="", start_date=TODAY, end_date=TODAY, acting_user=teacher)

    assert list(case.plans.values_list("status", flat=True).order_by("pk")) == [
        "completed",
        "active",
    ]
    assert second.status == PreventionPlan.Status.ACTIVE


def test_subject_teacher_may_not_draw_up_a_plan(case, school):
    outsider = factories.staff_user(Role.SUBJECT_TEACHER, school)
    with pytest.raises(CaseworkPermissionDenied):
        create_plan(case=case, goal="", start_date=TODAY, end_date=TODAY, acting_user=outsider)


# Measures.


def test_measure_from_the_catalogue_with_a_responsible_and_deadline(plan, teacher, psychologist):
    measure = _measure(plan, teacher, responsible=psychologist, description="тревожность")

    assert (measure.kind, measure.responsible, measure.status) == (
        MeasureKind.DIAGNOSTICS,
        psychologist,
        PlanMeasure.Status.PLANNED,
    )


def test_measure_without_a_deadline_is_refused_and_nothing_saved(plan, teacher):
    with pytest.raises(CaseworkError, match="Укажите срок выполнения мероприятия"):
        _measure(plan, teacher, due_date=None)
    assert not PlanMeasure.objects.exists()


def test_another_schools_user_cannot_be_responsible(plan, teacher, other_school):
    stranger = factories.staff_user(Role.PSYCHOLOGIST, other_school, last_name="Чужая")
    with pytest.raises(
        CaseworkError,
        match="Чужая Анна Петровна не работает в этой школе: ответственным может быть",
    ):
        _measure(plan, teacher, responsible=stranger)
    assert not PlanMeasure.objects.exists()


def test_other_measure_needs_its_text(plan, teacher):
    with pytest.raises(CaseworkError, match="для «иного» содержание обязательно"):
        _measure(plan, teacher, kind=MeasureKind.OTHER, description="  ")
    measure = _measure(plan, teacher, kind=MeasureKind.OTHER, description="Поход в музей")
    assert measure.description == "Поход в музей"


def test_measure_form_without_deadline_shows_a_russian_error(client, plan, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("casework:plan_measure_create", args=[plan.pk]),
        {"kind": "diagnostics", "responsible": teacher.pk, "due_date": ""},
    )
    assert response.status_code == 200
    assert "Укажите срок выполнения мероприятия." in response.content.decode()
    assert not PlanMeasure.objects.exists()


def test_measure_form_refuses_another_schools_responsible(client, plan, teacher, other_school):
    stranger = factories.staff_user(Role.PSYCHOLOGIST, other_school)
    client.force_login(teacher)
    response = client.post(
        reverse("casework:plan_measure_create", args=[plan.pk]),
        {"kind": "diagnostics", "responsible": stranger.pk, "due_date": f"{TODAY}"},
    )
    assert "Ответственным может быть только сотрудник школы ребёнка." in response.content.decode()
    assert not PlanMeasure.objects.exists()


def test_measure_form_with_malformed_input_changes_nothing(client, plan, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("casework:plan_measure_create", args=[plan.pk]),
        {"kind": "nonsense", "responsible": "9" * 30, "due_date": "31.02.2026"},
    )
    assert response.status_code == 200
    assert not PlanMeasure.objects.exists()


def test_responsible_marks_their_measure_done(plan, teacher, psychologist, case):
    # The psychologist works the case once it is referred to them (named responsible).
    case.responsible.add(psychologist)
    measure = _measure(plan, teacher, responsible=psychologist)

    record_measure_outcome(
        measure=measure, status="done", result="Проведена диагностика", acting_user=psychologist
    )

    measure.refresh_from_db()
    assert (measure.status, measure.done_on) == (PlanMeasure.Status.DONE, timezone.localdate())


def test_someone_elses_measure_cannot_be_marked_by_a_psychologist(
    plan, teacher, psychologist, case
):
    case.responsible.add(psychologist)
    measure = _measure(plan, teacher)
    with pytest.raises(CaseworkPermissionDenied):
        record_measure_outcome(measure=measure, status="done", acting_user=psychologist)


# Weekly control.


def test_control_completes_the_weekly_task_and_opens_the_next(plan, student, school, teacher):
    task = _task(
        student,
        school,
        Task.Kind.PLAN_CONTROL,
        recurrence_days=7,
        due_date=timezone.localdate(),
    )

    control = add_control(
        plan=plan, date=timezone.localdate(), text="Посещает, долгов нет", acting_user=teacher
    )

    task.refresh_from_db()
    assert (task.status, task.result) == (Task.Status.DONE, control)
    following = Task.objects.get(alert=task.alert, kind=Task.Kind.PLAN_CONTROL, sequence=2)
    assert following.status == Task.Status.OPEN
    assert following.due_date == task.due_date + datetime.timedelta(days=7)


def test_control_in_the_future_is_refused(plan, teacher):
    with pytest.raises(CaseworkError, match="не может быть в будущем"):
        add_control(
            plan=plan,
            date=timezone.localdate() + datetime.timedelta(days=1),
            text="…",
            acting_user=teacher,
        )
    assert not PlanControl.objects.exists()


# Overdue measures.


def test_overdue_measure_goes_to_the_responsible_inbox_once(plan, teacher, psychologist):
    overdue = _measure(plan, teacher, responsible=psychologist, due_date=TODAY)
    _measure(plan, teacher, due_date=TODAY + datetime.timedelta(days=3))  # not yet due
    done = _measure(plan, teacher, due_date=TODAY)
    record_measure_outcome(measure=done, status="done", acting_user=teacher)
    later = TODAY + datetime.timedelta(days=1)

    assert flag_overdue_measures(today=later) == 1
    assert flag_overdue_measures(today=later) == 0

    overdue.refresh_from_db()
    task = overdue.overdue_task
    assert (task.kind, task.assignee, task.due_date, task.status) == (
        Task.Kind.PLAN_MEASURE,
        psychologist,
        later,
        Task.Status.OPEN,
    )
    assert "психологическая диагностика" in task.details
    assert Notification.objects.filter(user=psychologist, task=task).count() == 1
    assert Task.objects.filter(kind=Task.Kind.PLAN_MEASURE).count() == 1


def test_done_measure_completes_its_overdue_task(plan, teacher):
    measure = _measure(plan, teacher, due_date=TODAY)
    flag_overdue_measures(today=TODAY + datetime.timedelta(days=2))
    measure.refresh_from_db()

    record_measure_outcome(measure=measure, status="done", result="Сделано", acting_user=teacher)

    measure.overdue_task.refresh_from_db()
    assert measure.overdue_task.status == Task.Status.DONE


def test_deadline_moved_later_cancels_the_overdue_task_and_flags_again(plan, teacher):
    measure = _measure(plan, teacher, due_date=TODAY)
    flag_overdue_measures(today=TODAY + datetime.timedelta(days=2))
    measure.refresh_from_db()
    first = measure.overdue_task

    new_due = timezone.localdate() + datetime.timedelta(days=5)
    update_measure(
        measure=measure,
        kind=measure.kind,
        description="",
        responsible=teacher,
        due_date=new_due,
        acting_user=teacher,
    )

    first.refresh_from_db()
    measure.refresh_from_db()
    assert (first.status, measure.overdue_task) == (Task.Status.CANCELLED, None)
    assert flag_overdue_measures(today=new_due + datetime.timedelta(days=1)) == 1


def test_measures_of_closed_cases_are_not_flagged(plan, teacher, case):
    _measure(plan, teacher, due_date=TODAY)
    case.status = "closed"
    case.save()
    assert flag_overdue_measures(today=TODAY + datetime.timedelta(days=1)) == 0


def test_celery_task_flags_overdue_measures(plan, teacher):
    from casework.tasks import flag_overdue_measures_daily

    _measure(plan, teacher, due_date=timezone.localdate() - datetime.timedelta(days=1))
    assert flag_overdue_measures_daily.apply().get() == 1


# Pages and PDF.


def test_plan_page_and_case_block_show_overdue_measures_in_red(client, plan, teacher, case):
    measure = _measure(plan, teacher, due_date=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(teacher)

    page = client.get(reverse("casework:plan_detail", args=[plan.pk])).content.decode()
    assert f'data-measure="{measure.pk}" data-overdue="1"' in page
    assert "просрочено" in page

    case_page = client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    assert 'data-overdue="1"' in case_page
    assert reverse("casework:plan_control", args=[plan.pk]) in case_page


def test_control_posted_from_the_case_page_returns_to_it(client, plan, teacher, case):
    client.force_login(teacher)
    response = client.post(
        reverse("casework:plan_control", args=[plan.pk]),
        {"back": "case", "control-date": f"{timezone.localdate()}", "control-text": "Всё идёт"},
    )
    assert response.url == reverse("casework:case_detail", args=[case.pk])
    assert PlanControl.objects.get().text == "Всё идёт"


def test_plan_pdf_has_the_child_and_the_form_and_is_audited(client, plan, teacher, case):
    _measure(plan, teacher, kind=MeasureKind.OTHER, description="Беседа с инспектором ПДН")
    done = _measure(plan, teacher, kind=MeasureKind.CLUBS, description="секция самбо")
    record_measure_outcome(measure=done, status="done", result="Записан", acting_user=teacher)
    add_control(plan=plan, date=timezone.localdate(), text="Пропусков нет", acting_user=teacher)
    client.force_login(teacher)

    response = client.get(reverse("casework:plan_pdf", args=[plan.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Сидоров Пётр Ильич",
        "План индивидуальной профилактической работы",
        "УТВЕРЖДАЮ",
        "Отметка о выполнении",
        "Беседа с инспектором ПДН",
        "Вовлечение в кружки, секции: секция самбо",
        f"выполнено {timezone.localdate():%d.%m.%Y}: Записан",
        "Контроль выполнения плана",
        "Пропусков нет",
    ):
        assert expected in text
    entry = AuditEntry.objects.get(action="casework.plan.viewed")
    assert (entry.actor, entry.student_id) == (teacher, case.student_id)


def test_other_schools_plan_and_measure_answer_404(client, plan, teacher, other_school):
    measure = _measure(plan, teacher)
    stranger = factories.staff_user(Role.DIRECTOR, other_school)
    client.force_login(stranger)
    for url in (
        reverse("casework:plan_detail", args=[plan.pk]),
        reverse("casework:plan_pdf", args=[plan.pk]),
        reverse("casework:plan_measure_edit", args=[measure.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("casework:plan_measure_outcome", args=[measure.pk]), {"m-status": "done"}
        ).status_code
        == 404
    )


def test_huge_ids_answer_404(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("casework:plan_detail", args=[10**20])).status_code == 404


def test_case_page_plan_block_asks_the_same_queries_for_more_measures(
    client, plan, teacher, case, django_assert_max_num_queries
):
    _measure(plan, teacher)
    client.force_login(teacher)
    url = reverse("casework:case_detail", args=[case.pk])
    with django_assert_max_num_queries(80) as counted:
        client.get(url)
    few = len(counted.captured_queries)
    for day in range(10):
        _measure(plan, teacher, due_date=TODAY + datetime.timedelta(days=day))
        add_control(plan=plan, date=timezone.localdate(), text=f"Неделя {day}", acting_user=teacher)
    with django_assert_max_num_queries(few):
        client.get(url)
