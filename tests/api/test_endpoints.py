"""The API's endpoints: what they answer, bad input, another school's objects, the
integration token's school, and query counts that do not grow with the rows."""

import pytest
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AuditEntry
from journal.models import Lesson, Mark, MarkRequest
from journal.services import set_mark
from journal.services.history import ACTIONS
from tests import factories
from tests.api.conftest import add_alerts_and_tasks, add_students
from tests.api.helpers import auth, integration_token, personal_token
from tests.journal.helpers import make_lesson

pytestmark = pytest.mark.django_db


def _mark_url(lesson, student) -> str:
    return reverse("api:v1_lesson_mark", args=[lesson.pk, student.pk])


def _put(api, url, body, secret, **headers):
    return api.put(url, body, content_type="application/json", **auth(secret), **headers)


# Lessons and marks ---------------------------------------------------------------------


def test_a_mark_written_with_a_token_reads_back(api, lesson):
    student = factories.enrolled_student(lesson.school_class)
    secret = personal_token(lesson.teacher)
    response = _put(
        api,
        _mark_url(lesson, student),
        {"kind": "late", "minutes_late": 7},
        secret,
        HTTP_IDEMPOTENCY_KEY="3f1c-1",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "lesson": lesson.pk,
        "student": student.pk,
        "kind": "late",
        "minutes_late": 7,
        "client_key": "3f1c-1",
    }
    detail = api.get(reverse("api:v1_lesson", args=[lesson.pk]), **auth(secret)).json()
    assert detail["can_mark"] is True and detail["refusal"] == ""
    (row,) = detail["roster"]
    assert row["student"]["id"] == student.pk
    assert (row["kind"], row["minutes_late"]) == ("late", 7)


def test_the_same_key_twice_stores_one_mark_and_one_audit_entry(api, lesson):
    student = factories.enrolled_student(lesson.school_class)
    secret = personal_token(lesson.teacher)
    url = _mark_url(lesson, student)
    first = _put(api, url, {"kind": "absent", "client_key": "k-42"}, secret)
    again = _put(api, url, {"kind": "absent", "client_key": "k-42"}, secret)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert (first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == ("false", "true")
    assert Mark.objects.filter(lesson=lesson, student=student).count() == 1
    assert AuditEntry.objects.filter(student=student, action__in=ACTIONS).count() == 1


def test_a_key_reused_for_another_mark_answers_409(api, lesson):
    student = factories.enrolled_student(lesson.school_class)
    secret = personal_token(lesson.teacher)
    url = _mark_url(lesson, student)
    _put(api, url, {"kind": "absent"}, secret, HTTP_IDEMPOTENCY_KEY="k")
    response = _put(api, url, {"kind": "present"}, secret, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 409
    assert "уже использован" in response.json()["detail"]
    assert Mark.objects.get(student=student).kind == Mark.Kind.ABSENT


@pytest.mark.parametrize(
    ("body", "headers", "fragment"),
    [
        ({"kind": "absent"}, {}, "ключ запроса"),
        ({"kind": "absent", "client_key": "a"}, {"HTTP_IDEMPOTENCY_KEY": "b"}, "различается"),
        ({"kind": "sick", "client_key": "a"}, {}, "допустимых"),
        ({"kind": "late", "minutes_late": "много", "client_key": "a"}, {}, "число"),
        ({"kind": "late", "minutes_late": 10**12, "client_key": "a"}, {}, ""),
        ({"kind": "absent", "client_key": "ключ"}, {}, "ключ запроса"),
        ({}, {"HTTP_IDEMPOTENCY_KEY": "a"}, "обязательно"),
    ],
)
def test_bad_mark_input_answers_400_in_russian_and_changes_nothing(
    api, lesson, body, headers, fragment
):
    student = factories.enrolled_student(lesson.school_class)
    response = _put(
        api, _mark_url(lesson, student), body, personal_token(lesson.teacher), **headers
    )
    assert response.status_code == 400, response.json()
    detail = response.json()["detail"]
    assert fragment.lower() in detail.lower()
    assert not Mark.objects.exists() and not MarkRequest.objects.exists()


def test_malformed_json_answers_400(api, lesson):
    student = factories.enrolled_student(lesson.school_class)
    response = api.put(
        _mark_url(lesson, student),
        "{kind:",
        content_type="application/json",
        **auth(personal_token(lesson.teacher)),
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_a_refused_mark_answers_422_with_the_journals_reason(api, lesson, school_class):
    outsider = factories.enrolled_student(factories.SchoolClassFactory(school=school_class.school))
    response = _put(
        api,
        _mark_url(lesson, outsider),
        {"kind": "absent", "client_key": "x"},
        personal_token(lesson.teacher),
    )
    assert response.status_code == 422
    assert "не числится" in response.json()["detail"]


def test_a_reader_who_may_not_mark_gets_403(api, lesson, school):
    director = factories.staff_user(Role.DIRECTOR, school)
    student = factories.enrolled_student(lesson.school_class)
    response = _put(
        api,
        _mark_url(lesson, student),
        {"kind": "absent", "client_key": "x"},
        personal_token(director),
    )
    assert response.status_code == 403
    assert "не можете отмечать" in response.json()["detail"]


def test_huge_ids_answer_400_not_500(api, lesson):
    secret = personal_token(lesson.teacher)
    huge = 10**25
    assert api.get(f"/api/v1/lessons/{huge}/", **auth(secret)).status_code == 400
    url = f"/api/v1/lessons/{lesson.pk}/marks/{huge}/"
    response = _put(api, url, {"kind": "absent", "client_key": "x"}, secret)
    assert response.status_code == 400
    assert api.get(f"/api/v1/schools/{huge}/students/", **auth(secret)).status_code == 400


@pytest.mark.parametrize("value", ["2025-13-01", "вчера", "9999-12-31", "0001-01-01"])
def test_a_bad_date_answers_400(api, lesson, value):
    response = api.get(
        reverse("api:v1_my_lessons") + f"?date={value}", **auth(personal_token(lesson.teacher))
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_my_lessons_of_a_day(api, lesson, today):
    make_lesson(lesson.school_class, today, period=2, teacher=lesson.teacher)
    factories.enrolled_student(lesson.school_class)
    secret = personal_token(lesson.teacher)
    rows = api.get(reverse("api:v1_my_lessons"), **auth(secret)).json()
    assert [row["period"] for row in rows] == [1, 2]
    other_day = api.get(reverse("api:v1_my_lessons") + "?date=2025-01-15", **auth(secret))
    assert other_day.json() == []


# Another school ------------------------------------------------------------------------


def test_another_schools_objects_answer_404(api, lesson, other_school):
    secret = personal_token(lesson.teacher)
    foreign_class = factories.SchoolClassFactory(school=other_school)
    foreign = make_lesson(foreign_class, lesson.date)
    student = factories.enrolled_student(foreign_class)
    assert api.get(reverse("api:v1_lesson", args=[foreign.pk]), **auth(secret)).status_code == 404
    response = _put(api, _mark_url(foreign, student), {"kind": "absent", "client_key": "x"}, secret)
    assert response.status_code == 404
    for name in ("api:v1_school_students", "api:v1_school_alerts", "api:v1_school_tasks"):
        url = reverse(name, args=[other_school.pk])
        assert api.get(url, **auth(secret)).status_code == 404, name
    assert not Mark.objects.exists()


def test_an_integration_token_stays_in_its_school(api, school, other_school, today):
    """The deputy of two schools makes a token for one: the other answers 404 to it."""
    deputy = factories.staff_user(Role.DEPUTY, school)
    RoleAssignment.objects.create(user=deputy, role=Role.DEPUTY, school=other_school)
    secret = integration_token(deputy, school, ["marks:read", "marks:write", "students:read"])
    foreign = make_lesson(factories.SchoolClassFactory(school=other_school), today)
    own = make_lesson(factories.SchoolClassFactory(school=school), today)
    # With a session the deputy opens both.
    api.force_login(deputy)
    assert api.get(reverse("api:v1_lesson", args=[foreign.pk])).status_code == 200
    api.logout()
    assert api.get(reverse("api:v1_lesson", args=[own.pk]), **auth(secret)).status_code == 200
    assert api.get(reverse("api:v1_lesson", args=[foreign.pk]), **auth(secret)).status_code == 404
    url = reverse("api:v1_school_students", args=[other_school.pk])
    assert api.get(url, **auth(secret)).status_code == 404


def test_an_integration_token_marks_as_the_deputy_who_made_it(api, lesson, school):
    deputy = factories.staff_user(Role.DEPUTY, school)
    student = factories.enrolled_student(lesson.school_class)
    secret = integration_token(deputy, school, ["marks:write"])
    response = _put(api, _mark_url(lesson, student), {"kind": "absent", "client_key": "e1"}, secret)
    assert response.status_code == 200
    assert Mark.objects.get().created_by == deputy
    entry = AuditEntry.objects.get(student=student, action__in=ACTIONS)
    assert entry.actor == deputy


# Lists ---------------------------------------------------------------------------------


def test_students_alerts_and_tasks_of_the_school(api, school_class, school, today):
    deputy = factories.staff_user(Role.DEPUTY, school)
    students = add_students(school_class, 3)
    add_alerts_and_tasks(school, students, today, deputy)
    secret = personal_token(deputy)
    got = api.get(reverse("api:v1_school_students", args=[school.pk]), **auth(secret)).json()
    assert got["count"] == 3
    assert {row["student"]["id"] for row in got["results"]} == {s.pk for s in students}
    alerts = api.get(
        reverse("api:v1_school_alerts", args=[school.pk]) + "?status=open", **auth(secret)
    ).json()
    assert alerts["count"] == 3 and alerts["results"][0]["school_class"] == str(school_class)
    tasks = api.get(reverse("api:v1_school_tasks", args=[school.pk]), **auth(secret)).json()
    assert tasks["count"] == 3 and tasks["results"][0]["assignee"] == deputy.get_full_name()


@pytest.mark.parametrize(
    "query", ["?status=closed", "?page=abc", "?page=0", "?page_size=-1", "?page=99"]
)
def test_bad_list_parameters_answer_400_or_404(api, school, query):
    deputy = factories.staff_user(Role.DEPUTY, school)
    url = reverse("api:v1_school_alerts", args=[school.pk]) + query
    response = api.get(url, **auth(personal_token(deputy)))
    assert response.status_code == (404 if query == "?page=99" else 400)
    assert response.json()["detail"]


def test_a_subject_teacher_lists_only_the_students_they_teach(api, lesson, school):
    taught = add_students(lesson.school_class, 2)
    add_students(factories.SchoolClassFactory(school=school), 2)
    got = api.get(
        reverse("api:v1_school_students", args=[school.pk]), **auth(personal_token(lesson.teacher))
    ).json()
    assert {row["student"]["id"] for row in got["results"]} == {s.pk for s in taught}


# Query counts --------------------------------------------------------------------------


def _count_queries(django_assert_max_num_queries, api, url, secret, bound, method="get", **kw):
    with django_assert_max_num_queries(bound):
        response = getattr(api, method)(url, **kw, **auth(secret))
    assert response.status_code == 200, response.content
    return response


@pytest.mark.parametrize("rows", [3, 30])
def test_queries_do_not_grow_with_rows(
    api, school, school_class, lesson, today, rows, django_assert_max_num_queries
):
    deputy = factories.staff_user(Role.DEPUTY, school)
    students = add_students(school_class, rows)
    add_alerts_and_tasks(school, students, today, deputy)
    for student in students[::2]:
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=deputy)
    for period in range(2, 8):
        make_lesson(school_class, today, period=period, teacher=lesson.teacher)
    secret = personal_token(deputy)
    teacher_secret = personal_token(lesson.teacher)
    check = lambda url, bound, token=secret: _count_queries(  # noqa: E731
        django_assert_max_num_queries, api, url, token, bound
    )
    detail = check(reverse("api:v1_lesson", args=[lesson.pk]), 14).json()
    assert len(detail["roster"]) == rows
    assert len(check(reverse("api:v1_my_lessons"), 8, teacher_secret).json()) == 7
    assert check(reverse("api:v1_school_students", args=[school.pk]), 10).json()["count"] == rows
    assert check(reverse("api:v1_school_alerts", args=[school.pk]), 10).json()["count"] == rows
    assert check(reverse("api:v1_school_tasks", args=[school.pk]), 10).json()["count"] == rows
    with django_assert_max_num_queries(30):
        response = _put(
            api,
            _mark_url(lesson, students[1]),
            {"kind": "late", "minutes_late": 3, "client_key": "q"},
            secret,
        )
    assert response.status_code == 200


def test_lesson_is_fetched_by_the_journals_selector(api, lesson):
    """A cancelled lesson reads, and refuses marks with the journal's words."""
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.CANCELLED)
    student = factories.enrolled_student(lesson.school_class)
    secret = personal_token(lesson.teacher)
    detail = api.get(reverse("api:v1_lesson", args=[lesson.pk]), **auth(secret)).json()
    assert detail["can_mark"] is False and "отменён" in detail["refusal"]
    response = _put(api, _mark_url(lesson, student), {"kind": "absent", "client_key": "c"}, secret)
    assert response.status_code == 422


def test_a_form_encoded_body_answers_415(api, lesson):
    student = factories.enrolled_student(lesson.school_class)
    response = api.put(
        _mark_url(lesson, student),
        "kind=absent&client_key=x",
        content_type="application/x-www-form-urlencoded",
        **auth(personal_token(lesson.teacher)),
    )
    assert response.status_code == 415
    assert response.json()["detail"]
    assert not Mark.objects.exists()


def test_lateness_of_half_the_lesson_answers_422(api, lesson):
    student = factories.enrolled_student(lesson.school_class)
    response = _put(
        api,
        _mark_url(lesson, student),
        {"kind": "late", "minutes_late": 30, "client_key": "h"},
        personal_token(lesson.teacher),
    )
    assert response.status_code == 422
    assert "пропуск" in response.json()["detail"]


def test_listing_students_is_logged_as_a_read_of_their_names(api, school_class, school):
    deputy = factories.staff_user(Role.DEPUTY, school)
    students = add_students(school_class, 3)
    url = reverse("api:v1_school_students", args=[school.pk]) + "?page_size=2"
    api.get(url, **auth(personal_token(deputy)))
    entry = AuditEntry.objects.get(action="api.students.listed")
    assert (entry.actor, entry.school) == (deputy, school)
    assert len(entry.data["student_ids"]) == 2
    assert set(entry.data["student_ids"]) < {s.pk for s in students}
