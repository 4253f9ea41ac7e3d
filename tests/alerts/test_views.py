"""Pages of the threshold engine: inbox, tasks, alert, school overview and recalculation."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import roles_of
from alerts.context_processors import navigation_counts
from alerts.models import Alert, EvaluationRun, Notification, Rule, Task
from alerts.services import evaluate
from audit.models import AuditEntry
from journal.models import ReasonStatus
from schools.models import School, SchoolClass, Student
from tests import factories

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Side:
    """One school: a class led by ``class_teacher`` and taught by ``subject_teacher``."""

    school: School
    school_class: SchoolClass
    other_class: SchoolClass
    student: Student
    other_student: Student
    class_teacher: object
    other_class_teacher: object
    subject_teacher: object
    social_pedagogue: object
    deputy: object
    director: object
    psychologist: object
    school_admin: object
    alert: Alert
    task: Task


def build_side() -> Side:
    school = factories.SchoolFactory()
    class_teacher = factories.staff_user(Role.CLASS_TEACHER, school)
    other_class_teacher = factories.staff_user(Role.CLASS_TEACHER, school)
    school_class = factories.SchoolClassFactory(school=school, class_teacher=class_teacher)
    other_class = factories.SchoolClassFactory(school=school, class_teacher=other_class_teacher)
    subject_teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    factories.TimetableEntryFactory(school_class=school_class, teacher=subject_teacher)
    student = factories.enrolled_student(school_class)
    alert = factories.AlertFactory(school=school, student=student)
    return Side(
        school=school,
        school_class=school_class,
        other_class=other_class,
        student=student,
        other_student=factories.enrolled_student(other_class),
        class_teacher=class_teacher,
        other_class_teacher=other_class_teacher,
        subject_teacher=subject_teacher,
        social_pedagogue=factories.staff_user(Role.SOCIAL_PEDAGOGUE, school),
        deputy=factories.staff_user(Role.DEPUTY, school),
        director=factories.staff_user(Role.DIRECTOR, school),
        psychologist=factories.staff_user(Role.PSYCHOLOGIST, school),
        school_admin=factories.staff_user(Role.SCHOOL_ADMIN, school),
        alert=alert,
        task=factories.TaskFactory(
            alert=alert, assignee=class_teacher, due_date=timezone.localdate() - 2 * DAY
        ),
    )


@pytest.fixture
def a(db):
    return build_side()


@pytest.fixture
def b(db):
    return build_side()


def signed_in(client, user):
    client.force_login(user)
    return client


def task_for(side, *, student=None, **kwargs) -> Task:
    """A task of a new alert about ``student`` (the side's student by default)."""
    alert = factories.AlertFactory(school=side.school, student=student or side.student)
    return factories.TaskFactory(alert=alert, **kwargs)


def badge(html: str, testid: str) -> int | None:
    found = re.search(rf'data-testid="{testid}"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else None


# --- the inbox -----------------------------------------------------------------------------


def test_inbox_shows_own_notifications_newest_first_with_unread_highlighted(client, a, b):
    older = factories.NotificationFactory(user=a.deputy, alert=a.alert, text="Первое")
    newer = factories.NotificationFactory(
        user=a.deputy, alert=None, task=a.task, text="Второе", read_at=timezone.now()
    )
    factories.NotificationFactory(user=a.class_teacher, alert=a.alert, text="Чужое")
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - DAY)

    response = signed_in(client, a.deputy).get(reverse("alerts:inbox"))

    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [newer.pk, older.pk]
    html = response.content.decode()
    assert "Чужое" not in html
    assert f'id="notification-{older.pk}" data-unread="1"' in html
    assert f'id="notification-{newer.pk}" data-unread="0"' in html
    assert html.count("list-group-item-warning") == 1
    # Both link to the student's alert (the task's through its alert).
    assert html.count(f'href="{reverse("alerts:alert", args=[a.alert.pk])}"') == 2
    assert a.student.full_name in html


def test_marking_one_notification_read(client, a):
    notification = factories.NotificationFactory(user=a.deputy, alert=a.alert)
    other = factories.NotificationFactory(user=a.deputy, alert=None, task=a.task)

    response = signed_in(client, a.deputy).post(
        reverse("alerts:notification_read", args=[notification.pk])
    )

    assert response.status_code == 302 and response.url == reverse("alerts:inbox")
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_another_users_notification_cannot_be_marked_read(client, a):
    notification = factories.NotificationFactory(user=a.class_teacher, alert=a.alert)
    response = signed_in(client, a.deputy).post(
        reverse("alerts:notification_read", args=[notification.pk])
    )
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_refuses_get_and_foreign_next(client, a):
    notification = factories.NotificationFactory(user=a.deputy, alert=a.alert)
    url = reverse("alerts:notification_read", args=[notification.pk])
    assert signed_in(client, a.deputy).get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example.org/"})
    assert response.url == reverse("alerts:inbox")


def test_marking_all_read_leaves_other_users_alone(client, a):
    mine = [factories.NotificationFactory(user=a.deputy) for _ in range(3)]
    theirs = factories.NotificationFactory(user=a.director)

    response = signed_in(client, a.deputy).post(reverse("alerts:inbox_read_all"))

    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_needs_sign_in(client):
    response = client.get(reverse("alerts:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_inbox_queries_do_not_grow_with_notifications(client, a, django_assert_max_num_queries):
    def add(count):
        for index in range(count):
            task = task_for(a, assignee=a.class_teacher)
            if index % 2:
                factories.NotificationFactory(user=a.class_teacher, alert=None, task=task)
            else:
                factories.NotificationFactory(user=a.class_teacher, alert=task.alert)

    signed_in(client, a.class_teacher)
    add(3)
    with django_assert_max_num_queries(6) as few:
        response = client.get(reverse("alerts:inbox"))
    assert len(response.context["page"]) == 3
    add(27)
    with django_assert_max_num_queries(6) as many:
        response = client.get(reverse("alerts:inbox"))
    assert len(response.context["page"]) == 30
    assert len(many) == len(few)


# --- the navigation bar --------------------------------------------------------------------


def test_navbar_shows_unread_and_overdue_counts(client, a, b):
    today = timezone.localdate()
    factories.NotificationFactory(user=a.class_teacher, alert=a.alert)
    factories.NotificationFactory(user=a.class_teacher, alert=None, task=a.task)
    factories.NotificationFactory(
        user=a.class_teacher, alert=task_for(a).alert, read_at=timezone.now()
    )
    # Overdue for the class teacher: the fixture's task (assigned), an unassigned task of a
    # student of their class; not: due today, done, another teacher's, another class's.
    task_for(a, assignee=None, due_date=today - DAY)
    task_for(a, assignee=a.class_teacher, due_date=today)
    task_for(a, assignee=a.class_teacher, due_date=today - DAY, status=Task.Status.DONE)
    task_for(a, assignee=a.other_class_teacher, due_date=today - DAY)
    task_for(a, student=a.other_student, assignee=None, due_date=today - DAY)

    html = signed_in(client, a.class_teacher).get(reverse("alerts:tasks")).content.decode()

    assert badge(html, "nav-unread") == 2
    assert badge(html, "nav-overdue") == 2
    assert 'data-testid="nav-school-alerts"' not in html


def test_navbar_hides_zero_counts_and_shows_school_alerts_to_deputy(client, a):
    html = signed_in(client, a.deputy).get(reverse("alerts:inbox")).content.decode()
    assert 'data-testid="nav-inbox"' in html
    assert badge(html, "nav-unread") is None
    assert badge(html, "nav-overdue") is None
    assert 'data-testid="nav-school-alerts"' in html


def test_navbar_counts_cost_one_query_and_nothing_for_anonymous(a, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert navigation_counts(request) == {}

    request.user = a.class_teacher
    factories.NotificationFactory(user=a.class_teacher, alert=a.alert)
    roles_of(a.class_teacher)  # the roles are loaded once per request by accounts' processor
    counts = navigation_counts(request)["alerts_counts"]
    with django_assert_num_queries(1):
        assert (counts.unread, counts.overdue) == (1, 1)
        assert (counts.unread, counts.overdue) == (1, 1)


# --- tasks ---------------------------------------------------------------------------------


def test_tasks_are_grouped_overdue_today_upcoming(client, a):
    today = timezone.localdate()
    due_today = task_for(a, assignee=a.class_teacher, due_date=today)
    upcoming = task_for(a, assignee=a.class_teacher, due_date=today + 3 * DAY)

    response = signed_in(client, a.class_teacher).get(reverse("alerts:tasks"))

    groups = {g.key: [t.pk for t in g.tasks] for g in response.context["groups"]}
    assert groups == {"overdue": [a.task.pk], "today": [due_today.pk], "upcoming": [upcoming.pk]}
    html = response.content.decode()
    overdue_row = html.split(f'id="task-{a.task.pk}"')[0].rsplit("<li", 1)[1]
    assert "list-group-item-danger" in overdue_row
    assert "просрочена" in html
    assert reverse("journal:student_card", args=[a.student.pk]) in html
    assert reverse("alerts:alert", args=[a.alert.pk]) in html
    assert str(Rule(a.alert.rule).label) in html
    assert a.task.due_date.strftime("%d.%m.%Y") in html
    assert f"{a.school_class.grade} «{a.school_class.letter}»" in html
    assert html.count("Выполнено</button>") == 3


def test_unassigned_task_reaches_the_holders_of_its_role_in_its_school(client, a, b):
    mine = task_for(a, assignee=None, assignee_role=Role.SOCIAL_PEDAGOGUE)
    task_for(b, assignee=None, assignee_role=Role.SOCIAL_PEDAGOGUE)
    task_for(a, assignee=None, assignee_role=Role.DEPUTY)

    response = signed_in(client, a.social_pedagogue).get(reverse("alerts:tasks"))

    assert [t.pk for t in response.context["rows"]] == [mine.pk]


def test_subject_teacher_sees_no_tasks_of_the_class(client, a):
    response = signed_in(client, a.subject_teacher).get(reverse("alerts:tasks"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Открытых задач нет" in response.content.decode()


@pytest.mark.parametrize("role", ["deputy", "director"])
def test_overseers_see_every_open_task_of_their_school_and_filter_by_assignee(client, a, b, role):
    unassigned = task_for(a, assignee=None, assignee_role=Role.SOCIAL_PEDAGOGUE)
    colleague = task_for(a, student=a.other_student, assignee=a.other_class_teacher)
    user = getattr(a, role)
    signed_in(client, user)
    url = reverse("alerts:tasks")

    everything = client.get(url)
    assert {t.pk for t in everything.context["rows"]} == {a.task.pk, unassigned.pk, colleague.pk}
    assert everything.context["overseer"]
    assert a.other_class_teacher.short_name in everything.content.decode()

    by_teacher = client.get(url, {"assignee": str(a.other_class_teacher.pk)})
    assert [t.pk for t in by_teacher.context["rows"]] == [colleague.pk]
    nobody = client.get(url, {"assignee": "none"})
    assert [t.pk for t in nobody.context["rows"]] == [unassigned.pk]
    own = client.get(url, {"assignee": "me"})
    assert own.context["rows"] == []
    # Another school's teacher is no choice: the filter is ignored, not obeyed.
    foreign = client.get(url, {"assignee": str(b.class_teacher.pk)})
    assert {t.pk for t in foreign.context["rows"]} == {a.task.pk, unassigned.pk, colleague.pk}


def test_tasks_filter_by_kind_and_status(client, a):
    today = timezone.localdate()
    call = task_for(a, assignee=a.class_teacher, kind=Task.Kind.PHONE_PARENTS, due_date=today)
    signed_in(client, a.class_teacher)
    url = reverse("alerts:tasks")

    by_kind = client.get(url, {"kind": Task.Kind.PHONE_PARENTS})
    assert [t.pk for t in by_kind.context["rows"]] == [call.pk]
    overdue = client.get(url, {"status": "overdue"})
    assert [t.pk for t in overdue.context["rows"]] == [a.task.pk]
    due_today = client.get(url, {"status": "today"})
    assert [t.pk for t in due_today.context["rows"]] == [call.pk]
    nonsense = client.get(url, {"kind": "nonsense"})
    assert {t.pk for t in nonsense.context["rows"]} == {a.task.pk, call.pk}


def test_history_shows_who_when_why(client, a):
    done = task_for(
        a,
        assignee=a.class_teacher,
        status=Task.Status.DONE,
        done_by=a.class_teacher,
        done_at=timezone.make_aware(datetime.datetime(2025, 10, 20, 15, 30)),
        note="Мама обещала привести справку",
    )
    resolved = factories.AlertFactory(
        school=a.school,
        student=a.student,
        status=Alert.Status.RESOLVED,
        resolved_at=timezone.make_aware(datetime.datetime(2025, 10, 21, 9, 0)),
    )
    cancelled = factories.TaskFactory(
        alert=resolved,
        assignee=a.class_teacher,
        status=Task.Status.CANCELLED,
        cancel_reason="Сигнал снят: пропуски оправданы.",
    )
    signed_in(client, a.class_teacher)

    response = client.get(reverse("alerts:tasks"), {"tab": "history"})

    assert response.context["tab"] == "history"
    assert [t.pk for t in response.context["rows"]] == [cancelled.pk, done.pk]
    html = response.content.decode()
    assert "Мама обещала привести справку" in html
    assert "20.10.2025 15:30" in html and a.class_teacher.short_name in html
    assert "Причина отмены: Сигнал снят: пропуски оправданы." in html
    assert "21.10.2025 09:00" in html
    assert "Выполнено</button>" not in html
    only_done = client.get(reverse("alerts:tasks"), {"status": "done"})
    assert [t.pk for t in only_done.context["rows"]] == [done.pk]
    # The open tab no longer lists them.
    open_tab = client.get(reverse("alerts:tasks"))
    assert {t.pk for t in open_tab.context["rows"]} == {a.task.pk}


def test_completing_a_task_from_the_page_marks_it_done(client, a):
    url = reverse("alerts:tasks")
    response = signed_in(client, a.class_teacher).post(
        reverse("alerts:task_done", args=[a.task.pk]),
        {"note": "Родители приглашены на 21.10", "next": url + "?status=overdue"},
    )

    assert response.status_code == 302 and response.url == url + "?status=overdue"
    a.task.refresh_from_db()
    assert a.task.status == Task.Status.DONE
    assert a.task.done_by == a.class_teacher
    assert a.task.note == "Родители приглашены на 21.10"
    assert a.task.done_at is not None
    page = client.get(url).content.decode()
    assert "Выполнено: " in page
    assert f'id="task-{a.task.pk}"' not in page


def test_completing_a_recurring_task_opens_the_next_instance(client, a):
    weekly = factories.TaskFactory(
        alert=a.alert,
        kind=Task.Kind.PLAN_CONTROL,
        assignee=a.class_teacher,
        recurrence_days=7,
        sequence=1,
        due_date=timezone.localdate() - DAY,
    )

    signed_in(client, a.class_teacher).post(reverse("alerts:task_done", args=[weekly.pk]))

    weekly.refresh_from_db()
    assert weekly.status == Task.Status.DONE
    following = Task.objects.get(alert=a.alert, kind=Task.Kind.PLAN_CONTROL, sequence=2)
    assert following.status == Task.Status.OPEN
    assert following.due_date == weekly.due_date + 7 * DAY
    assert following.assignee == a.class_teacher
    rows = client.get(reverse("alerts:tasks")).context["rows"]
    assert following.pk in {t.pk for t in rows}


def test_completing_a_closed_task_changes_nothing(client, a):
    url = reverse("alerts:task_done", args=[a.task.pk])
    signed_in(client, a.class_teacher).post(url, {"note": "первый раз"})
    response = client.post(url, {"note": "второй раз"}, follow=True)
    a.task.refresh_from_db()
    assert a.task.note == "первый раз"
    assert "Задача уже закрыта." in response.content.decode()


def test_deputy_may_complete_a_teachers_task_and_others_may_not(client, a, b):
    url = reverse("alerts:task_done", args=[a.task.pk])
    assert signed_in(client, a.subject_teacher).post(url).status_code == 403
    assert signed_in(client, a.other_class_teacher).post(url).status_code == 403
    assert signed_in(client, a.social_pedagogue).post(url).status_code == 403
    assert signed_in(client, b.deputy).post(url).status_code == 404
    assert signed_in(client, a.deputy).get(url).status_code == 405
    a.task.refresh_from_db()
    assert a.task.status == Task.Status.OPEN
    assert client.post(url).status_code == 302
    a.task.refresh_from_db()
    assert a.task.done_by == a.deputy


def test_too_long_note_is_refused(client, a):
    response = signed_in(client, a.class_teacher).post(
        reverse("alerts:task_done", args=[a.task.pk]), {"note": "x" * 501}, follow=True
    )
    a.task.refresh_from_db()
    assert a.task.status == Task.Status.OPEN
    assert "не длиннее 500 знаков" in response.content.decode()


@pytest.mark.parametrize("role", ["class_teacher", "deputy"])
def test_tasks_page_queries_do_not_grow_with_tasks(client, a, role, django_assert_max_num_queries):
    today = timezone.localdate()

    def add(count):
        for index in range(count):
            student = factories.enrolled_student(a.school_class)
            task_for(
                a,
                student=student,
                assignee=a.class_teacher if index % 3 else None,
                due_date=today + (index % 5 - 2) * DAY,
            )

    signed_in(client, getattr(a, role))
    add(2)
    with django_assert_max_num_queries(7) as few:
        response = client.get(reverse("alerts:tasks"))
    assert len(response.context["rows"]) == 3
    add(27)
    with django_assert_max_num_queries(7) as many:
        response = client.get(reverse("alerts:tasks"))
    assert len(response.context["rows"]) == 30
    assert len(many) == len(few)


# --- one alert -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("class_teacher", 200),
        ("social_pedagogue", 200),
        ("deputy", 200),
        ("director", 200),
        ("subject_teacher", 403),
        ("other_class_teacher", 403),
        ("psychologist", 403),
        ("school_admin", 403),
    ],
)
def test_alert_page_is_for_the_students_carers(client, a, role, status):
    response = signed_in(client, getattr(a, role)).get(reverse("alerts:alert", args=[a.alert.pk]))
    assert response.status_code == status


def test_another_schools_alert_does_not_exist(client, a, b):
    response = signed_in(client, a.deputy).get(reverse("alerts:alert", args=[b.alert.pk]))
    assert response.status_code == 404


def test_alert_page_shows_rule_student_period_evidence_and_tasks(client, a):
    response = signed_in(client, a.class_teacher).get(reverse("alerts:alert", args=[a.alert.pk]))
    html = response.content.decode()
    assert "Пропуск учебных дней подряд без уважительной причины: вызов родителей" in html
    assert a.student.full_name in html
    assert "13.10.2025 – 15.10.2025" in html
    assert "Дни пропусков" in html
    assert "Пн, 13.10.2025" in html and "Ср, 15.10.2025" in html
    assert "Учебных дней подряд" in html
    assert "открыт" in html
    assert "Пригласить родителей на профилактическую беседу" in html
    assert "Выполнено</button>" in html
    assert "dates" not in html  # no raw JSON keys


def test_alert_page_renders_hours_evidence_with_share(client, a):
    alert = factories.AlertFactory(
        school=a.school,
        student=a.student,
        rule=Rule.INSTRUCTIONAL_TIME_MONTH,
        evidence={"hours_without_valid": 40, "hours_scheduled": 120},
    )
    html = signed_in(client, a.deputy).get(reverse("alerts:alert", args=[alert.pk]))
    html = html.content.decode()
    assert "Уроков пропущено без уважительной причины" in html
    assert "Уроков по расписанию за период" in html
    assert "33,3 %" in html


def test_resolved_alert_shows_reason_time_and_cancelled_tasks(client, a):
    a.alert.status = Alert.Status.RESOLVED
    a.alert.resolved_at = timezone.make_aware(datetime.datetime(2025, 10, 22, 11, 5))
    a.alert.resolution = "Представлена справка"
    a.alert.save()
    Task.objects.filter(pk=a.task.pk).update(
        status=Task.Status.CANCELLED, cancel_reason="Сигнал снят"
    )
    html = signed_in(client, a.class_teacher).get(reverse("alerts:alert", args=[a.alert.pk]))
    html = html.content.decode()
    assert 'data-status="resolved"' in html
    assert "22.10.2025 11:05" in html
    assert "Причина: Представлена справка" in html
    assert "Причина отмены: Сигнал снят" in html
    assert "Выполнено</button>" not in html


def test_opening_an_alert_reads_its_notifications(client, a):
    about_alert = factories.NotificationFactory(user=a.class_teacher, alert=a.alert)
    about_task = factories.NotificationFactory(user=a.class_teacher, alert=None, task=a.task)
    unrelated = factories.NotificationFactory(user=a.class_teacher)
    signed_in(client, a.class_teacher).get(reverse("alerts:alert", args=[a.alert.pk]))
    assert Notification.objects.get(pk=about_alert.pk).read_at is not None
    assert Notification.objects.get(pk=about_task.pk).read_at is not None
    assert Notification.objects.get(pk=unrelated.pk).read_at is None


# --- alerts fired by the engine ------------------------------------------------------------


def test_an_evaluated_streak_reaches_the_class_teachers_pages(client, make_world):
    world = make_world()
    msk = ZoneInfo("Europe/Moscow")
    days = [datetime.date(2025, 10, 13), datetime.date(2025, 10, 14), datetime.date(2025, 10, 15)]
    world.miss(days, ReasonStatus.INVALID)
    evaluate(school_ids=[world.school.pk], now=datetime.datetime(2025, 12, 20, 10, tzinfo=msk))
    alert = Alert.objects.get(student=world.student, rule=Rule.STREAK_INVITE)
    signed_in(client, world.class_teacher)

    tasks = client.get(reverse("alerts:tasks"))
    [overdue] = [g for g in tasks.context["groups"] if g.key == "overdue"]
    assert {t.alert_id for t in overdue.tasks} >= {alert.pk}
    assert client.get(reverse("alerts:inbox")).context["page"].paginator.count >= 1
    page = client.get(reverse("alerts:alert", args=[alert.pk])).content.decode()
    assert "Пн, 13.10.2025" in page and world.student.full_name in page


# --- the school overview and recalculation -------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("deputy", 200),
        ("director", 200),
        ("social_pedagogue", 200),
        ("class_teacher", 403),
        ("subject_teacher", 403),
        ("psychologist", 403),
        ("school_admin", 403),
    ],
)
def test_school_overview_is_for_whole_school_staff(client, a, role, status):
    response = signed_in(client, getattr(a, role)).get(reverse("alerts:school_alerts"))
    assert response.status_code == status


def test_school_overview_of_another_school_does_not_exist(client, a, b):
    url = reverse("alerts:school_alerts")
    assert signed_in(client, a.deputy).get(url, {"school": b.school.pk}).status_code == 404
    assert client.get(url, {"school": "x"}).status_code == 404
    assert client.get(url, {"school": a.school.pk}).status_code == 200


def test_school_overview_counts_open_alerts_by_rule_and_filters(client, a, b):
    factories.AlertFactory(school=a.school, student=a.other_student, rule=Rule.STREAK_INVITE)
    factories.AlertFactory(school=a.school, student=a.student, rule=Rule.STREAK_HOME_VISIT)
    factories.AlertFactory(school=a.school, student=a.student, status=Alert.Status.RESOLVED)
    factories.AlertFactory(school=b.school, student=b.student)
    signed_in(client, a.social_pedagogue)
    url = reverse("alerts:school_alerts")

    response = client.get(url)
    counts = {row["rule"]: row["count"] for row in response.context["by_rule"]}
    assert counts == {Rule.STREAK_INVITE: 2, Rule.STREAK_HOME_VISIT: 1}
    assert list(counts) == [Rule.STREAK_INVITE, Rule.STREAK_HOME_VISIT]  # in the order of §4
    assert response.context["page"].paginator.count == 3
    html = response.content.decode()
    assert str(Rule.STREAK_HOME_VISIT.label) in html
    assert 'data-testid="recalculate"' not in html  # the social pedagogue does not recalculate

    by_rule = client.get(url, {"rule": Rule.STREAK_HOME_VISIT})
    assert [al.rule for al in by_rule.context["page"]] == [Rule.STREAK_HOME_VISIT]
    by_class = client.get(url, {"school_class": a.other_class.pk})
    assert [al.student_id for al in by_class.context["page"]] == [a.other_student.pk]
    assert by_class.context["total"] == 1
    assert str(a.other_class) in by_class.content.decode()


def test_recalculate_button_shown_to_deputy_and_director(client, a):
    for user in (a.deputy, a.director):
        html = signed_in(client, user).get(reverse("alerts:school_alerts")).content.decode()
        assert 'data-testid="recalculate"' in html
        assert reverse("alerts:recalculate") in html


def test_recalculation_is_refused_to_others(client, a, b):
    url = reverse("alerts:recalculate")
    assert (
        signed_in(client, a.social_pedagogue).post(url, {"school": a.school.pk}).status_code == 403
    )
    assert signed_in(client, a.class_teacher).post(url, {"school": a.school.pk}).status_code == 403
    assert signed_in(client, a.deputy).post(url, {"school": b.school.pk}).status_code == 404
    assert client.post(url, {}).status_code == 400
    assert client.get(url).status_code == 405
    assert not EvaluationRun.objects.exists()


def test_a_run_under_way_is_reused_and_a_dead_one_is_not(
    client, a, django_capture_on_commit_callbacks
):
    url = reverse("alerts:recalculate")
    signed_in(client, a.deputy)
    running = EvaluationRun.objects.create(school=a.school, status=EvaluationRun.Status.RUNNING)

    response = client.post(url, {"school": a.school.pk}, follow=True)
    assert response.redirect_chain[0][0] == reverse("alerts:run", args=[running.pk])
    assert "Пересчёт по школе уже выполняется." in response.content.decode()
    assert EvaluationRun.objects.count() == 1

    # A run queued over half an hour ago died with its worker: a new one starts.
    EvaluationRun.objects.filter(pk=running.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"school": a.school.pk})
    fresh = EvaluationRun.objects.exclude(pk=running.pk).get()
    assert response.url == reverse("alerts:run", args=[fresh.pk])
    assert fresh.status == EvaluationRun.Status.DONE


def test_recalculation_runs_and_its_page_shows_progress_and_summary(
    client, a, django_capture_on_commit_callbacks
):
    # An alert no attendance supports any more: the full evaluation resolves it.
    stale = factories.AlertFactory(
        school=a.school,
        student=a.student,
        rule=Rule.STREAK_INVITE,
        period_start=timezone.localdate() - 12 * DAY,
        period_end=timezone.localdate() - 10 * DAY,
    )
    signed_in(client, a.deputy)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("alerts:recalculate"), {"school": a.school.pk})

    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("alerts:run", args=[run.pk])
    assert (run.school, run.requested_by) == (a.school, a.deputy)
    assert run.status == EvaluationRun.Status.DONE
    assert run.progress == 100
    assert run.summary["resolved"] == 1
    stale.refresh_from_db()
    assert stale.status == Alert.Status.RESOLVED
    entry = AuditEntry.objects.get(action="alerts.evaluation.requested")
    assert (entry.actor, entry.school, entry.object_id) == (a.deputy, a.school, str(run.pk))

    page = client.get(response.url)
    html = page.content.decode()
    assert 'data-status="done"' in html
    assert "100 %" in html
    assert "Снято сигналов" in html
    assert 'hx-trigger="every 2s"' not in html  # finished: polling stops
    fragment = client.get(response.url, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="run-progress"')
    assert "<html" not in fragment


def test_run_page_polls_while_the_run_is_under_way(client, a):
    run = EvaluationRun.objects.create(
        school=a.school, requested_by=a.deputy, status=EvaluationRun.Status.RUNNING, progress=40
    )
    html = signed_in(client, a.director).get(reverse("alerts:run", args=[run.pk])).content
    html = html.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{reverse("alerts:run", args=[run.pk])}"' in html
    assert 'aria-valuenow="40"' in html and 'data-progress="40"' in html


def test_a_second_click_joins_the_run_under_way(client, a):
    run = EvaluationRun.objects.create(school=a.school, requested_by=a.director)
    response = signed_in(client, a.deputy).post(
        reverse("alerts:recalculate"), {"school": a.school.pk}
    )
    assert response.url == reverse("alerts:run", args=[run.pk])
    assert EvaluationRun.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [("deputy", 200), ("social_pedagogue", 200), ("class_teacher", 403), ("subject_teacher", 403)],
)
def test_run_page_permissions(client, a, role, status):
    run = EvaluationRun.objects.create(school=a.school)
    response = signed_in(client, getattr(a, role)).get(reverse("alerts:run", args=[run.pk]))
    assert response.status_code == status


def test_another_schools_run_and_the_nightly_run_do_not_exist_for_staff(client, a, b):
    foreign = EvaluationRun.objects.create(school=b.school)
    nightly = EvaluationRun.objects.create(school=None)
    signed_in(client, a.deputy)
    assert client.get(reverse("alerts:run", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("alerts:run", args=[nightly.pk])).status_code == 404


@override_settings(NAVIGATION_COUNTS_CACHE_SECONDS=60)
def test_navbar_counts_are_cached_and_forgotten_when_the_user_reads_or_completes(client, a):
    other = task_for(a).alert
    factories.NotificationFactory(user=a.class_teacher, alert=a.alert)
    factories.NotificationFactory(user=a.class_teacher, alert=None, task=a.task)
    signed_in(client, a.class_teacher)
    page = reverse("alerts:tasks")
    html = client.get(page).content.decode()
    assert (badge(html, "nav-unread"), badge(html, "nav-overdue")) == (2, 1)

    # What others do (a new notification) shows within the cache's minute, not at once.
    factories.NotificationFactory(user=a.class_teacher, alert=other)
    assert badge(client.get(page).content.decode(), "nav-unread") == 2

    # The user's own reading and completing count again at once.
    client.get(reverse("alerts:alert", args=[a.alert.pk]))
    assert badge(client.get(page).content.decode(), "nav-unread") == 1
    client.post(reverse("alerts:inbox_read_all"))
    assert badge(client.get(page).content.decode(), "nav-unread") is None
    client.post(reverse("alerts:task_done", args=[a.task.pk]), {"note": "Позвонили"})
    assert badge(client.get(page).content.decode(), "nav-overdue") is None


# A Redis nobody listens on: the cache is down.
CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/1",
    }
}


@override_settings(NAVIGATION_COUNTS_CACHE_SECONDS=60, CACHES=CACHE_DOWN)
def test_navbar_counts_come_from_the_database_when_the_cache_is_down(client, a):
    factories.NotificationFactory(user=a.class_teacher, alert=a.alert)
    signed_in(client, a.class_teacher)
    response = client.get(reverse("alerts:tasks"))
    assert response.status_code == 200
    assert badge(response.content.decode(), "nav-unread") == 1
    # Reading still works; the badge is counted again from the database.
    assert client.post(reverse("alerts:inbox_read_all")).status_code == 302
    assert badge(client.get(reverse("alerts:tasks")).content.decode(), "nav-unread") is None
