"""Marking pages (R-J-1): my lessons, the lesson roster with one-tap marks, unmarked lessons."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from journal.models import BellPeriod, Lesson, LockedWeek, Mark
from journal.services import set_mark
from journal.services.locks import week_start
from schools.models import ClassGroup
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

DAY = datetime.date(2025, 10, 14)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def teacher(school):
    return factories.staff_user(Role.SUBJECT_TEACHER, school)


@pytest.fixture
def lesson(school_class, teacher):
    return make_lesson(school_class, DAY, period=2, teacher=teacher)


@pytest.fixture
def students(school_class):
    return [factories.enrolled_student(school_class) for _ in range(3)]


def lesson_url(lesson):
    return reverse("journal:lesson", args=[lesson.pk])


def mark_url(lesson):
    return reverse("journal:lesson_mark", args=[lesson.pk])


def signed_in(client, user):
    client.force_login(user)
    return client


# --- the lesson page -------------------------------------------------------------------


def test_lesson_page_shows_roster_with_saved_marks(client, lesson, students, teacher):
    set_mark(lesson=lesson, student_id=students[0].pk, kind="absent", acting_user=teacher)
    set_mark(
        lesson=lesson, student_id=students[1].pk, kind="late", minutes_late=5, acting_user=teacher
    )
    response = signed_in(client, teacher).get(lesson_url(lesson))
    assert response.status_code == 200
    rows = {row.student.pk: row.state for row in response.context["rows"]}
    assert rows == {students[0].pk: "absent", students[1].pk: "late", students[2].pk: "present"}
    html = response.content.decode()
    assert f'id="mark-{students[0].pk}-absent"' in html
    assert 'name="minutes_late"' in html and 'value="5"' in html
    assert "Посещаемость отмечена" in html
    assert "Все остальные присутствуют" in html
    assert response.context["counts"] == {"total": 3, "absent": 1, "late": 1, "present": 2}


def test_lesson_page_shows_bell_time_and_not_taken_yet(client, lesson, students, teacher):
    BellPeriod.objects.create(
        school=lesson.school,
        number=2,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(9, 45),
    )
    html = signed_in(client, teacher).get(lesson_url(lesson)).content.decode()
    assert "09:00–09:45" in html
    assert "Посещаемость ещё не отмечена" in html


def test_roster_has_only_students_enrolled_on_the_lesson_date(client, lesson, teacher):
    present = factories.enrolled_student(lesson.school_class)
    later = factories.StudentFactory()
    factories.EnrollmentFactory(
        student=later, school_class=lesson.school_class, start_date=DAY + datetime.timedelta(1)
    )
    response = signed_in(client, teacher).get(lesson_url(lesson))
    assert [row.student for row in response.context["rows"]] == [present]


def test_group_lesson_lists_only_the_subgroup(client, school_class, teacher):
    inside, outside = (factories.enrolled_student(school_class) for _ in range(2))
    group = ClassGroup.objects.create(school_class=school_class, name="Группа 1")
    group.students.add(inside)
    lesson = make_lesson(school_class, DAY, teacher=teacher, group=group)
    response = signed_in(client, teacher).get(lesson_url(lesson))
    assert [row.student for row in response.context["rows"]] == [inside]
    assert outside.last_name not in response.content.decode()


# --- one tap ---------------------------------------------------------------------------


def test_htmx_tap_saves_and_returns_the_row_and_header(client, lesson, students, teacher):
    student = students[1]
    response = signed_in(client, teacher).post(
        mark_url(lesson), {"student": student.pk, "kind": "absent"}, **HTMX
    )
    assert response.status_code == 200
    mark = Mark.objects.get(lesson=lesson, student=student)
    assert mark.kind == Mark.Kind.ABSENT
    assert mark.created_by == teacher
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="list-group-item mark-row mark-row--absent"')
    assert f'id="student-{student.pk}"' in html
    assert f'id="mark-{student.pk}-absent"' in html
    assert 'aria-pressed="true"' in html
    # The header is swapped out of band: attendance is now taken, one absence counted.
    assert 'id="lesson-status" class="lesson-status mt-2" hx-swap-oob="true"' in html
    assert "Посещаемость отмечена" in html
    assert response.context["counts"]["absent"] == 1
    lesson.refresh_from_db()
    assert lesson.attendance_taken_by == teacher


def test_tap_without_javascript_redirects_back_to_the_row(client, lesson, students, teacher):
    student = students[0]
    response = signed_in(client, teacher).post(
        mark_url(lesson), {"student": student.pk, "kind": "late"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{lesson_url(lesson)}#student-{student.pk}"
    assert Mark.objects.get(lesson=lesson, student=student).kind == Mark.Kind.LATE


def test_late_with_minutes_is_saved(client, lesson, students, teacher):
    student = students[0]
    response = signed_in(client, teacher).post(
        mark_url(lesson), {"student": student.pk, "kind": "late", "minutes_late": "7"}, **HTMX
    )
    assert response.status_code == 200
    assert Mark.objects.get(lesson=lesson, student=student).minutes_late == 7
    assert f'id="minutes-{student.pk}"' in response.content.decode()


def test_present_clears_the_mark(client, lesson, students, teacher):
    student = students[0]
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=teacher)
    response = signed_in(client, teacher).post(
        mark_url(lesson),
        {"student": student.pk, "kind": "present", "minutes_late": "9"},
        **HTMX,
    )
    assert response.status_code == 200
    assert not Mark.objects.filter(lesson=lesson).exists()
    assert "mark-row--present" in response.content.decode()


def test_lateness_of_half_the_lesson_is_refused_in_the_row(client, lesson, students, teacher):
    student = students[0]
    set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=teacher)
    # make_lesson: 40 minutes, so 20 minutes late is half the lesson, i.e. an absence.
    response = signed_in(client, teacher).post(
        mark_url(lesson), {"student": student.pk, "kind": "late", "minutes_late": "20"}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Опоздание должно быть меньше половины урока (20 мин)" in html
    assert "mark-row--absent" in html  # the row shows what is still saved
    assert Mark.objects.get(lesson=lesson, student=student).kind == Mark.Kind.ABSENT


def test_refusal_without_javascript_renders_the_page_with_the_error(
    client, lesson, students, teacher
):
    student = students[2]
    response = signed_in(client, teacher).post(
        mark_url(lesson), {"student": student.pk, "kind": "late", "minutes_late": "30"}
    )
    assert response.status_code == 422
    row = next(row for row in response.context["rows"] if row.student == student)
    assert "меньше половины урока" in row.error
    assert not Mark.objects.exists()


def test_unknown_kind_is_refused(client, lesson, students, teacher):
    response = signed_in(client, teacher).post(
        mark_url(lesson), {"student": students[0].pk, "kind": "sick"}, **HTMX
    )
    assert response.status_code == 422
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Mark.objects.exists()


def test_unreadable_student_is_refused_without_a_server_error(client, lesson, teacher):
    signed_in(client, teacher)
    for value in ("²", "", "12abc"):
        response = client.post(mark_url(lesson), {"student": value, "kind": "absent"}, **HTMX)
        assert response.status_code == 422
    assert not Mark.objects.exists()


def test_student_not_on_the_roster_is_refused(client, lesson, teacher, school):
    elsewhere = factories.enrolled_student(factories.SchoolClassFactory(school=school))
    response = signed_in(client, teacher).post(
        mark_url(lesson), {"student": elsewhere.pk, "kind": "absent"}
    )
    assert response.status_code == 422
    assert "не числится" in " ".join(response.context["orphan_errors"])
    assert not Mark.objects.exists()


def test_cancelled_lesson_is_read_only_and_refuses_marks(client, lesson, students, teacher):
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.CANCELLED)
    page = signed_in(client, teacher).get(lesson_url(lesson))
    assert page.context["can_mark"] is False
    assert "Урок отменён" in page.content.decode()
    assert 'name="kind"' not in page.content.decode()
    response = client.post(mark_url(lesson), {"student": students[0].pk, "kind": "absent"}, **HTMX)
    assert response.status_code == 422
    assert "Урок отменён" in response.content.decode()
    assert not Mark.objects.exists()


def test_all_others_present_records_attendance_taken(client, lesson, students, teacher):
    response = signed_in(client, teacher).post(
        reverse("journal:lesson_confirm", args=[lesson.pk]), **HTMX
    )
    assert response.status_code == 200
    assert "Посещаемость отмечена" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.attendance_taken_by == teacher
    assert not Mark.objects.exists()


def test_all_others_present_without_javascript_redirects(client, lesson, students, teacher):
    response = signed_in(client, teacher).post(reverse("journal:lesson_confirm", args=[lesson.pk]))
    assert response.status_code == 302
    assert response["Location"] == lesson_url(lesson)
    lesson.refresh_from_db()
    assert lesson.attendance_taken_at is not None


# --- who may -------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, lesson):
    response = client.get(lesson_url(lesson))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_lesson_of_another_school_is_404(client, lesson, students, other_school):
    stranger = factories.staff_user(Role.DEPUTY, other_school)
    signed_in(client, stranger)
    assert client.get(lesson_url(lesson)).status_code == 404
    response = client.post(mark_url(lesson), {"student": students[0].pk, "kind": "absent"})
    assert response.status_code == 404
    assert client.post(reverse("journal:lesson_confirm", args=[lesson.pk])).status_code == 404
    assert not Mark.objects.exists()


def test_missing_lesson_is_404(client, teacher):
    assert signed_in(client, teacher).get("/journal/lessons/999999/").status_code == 404


def test_other_teacher_of_the_school_gets_403(client, lesson, students, school):
    colleague = factories.staff_user(Role.SUBJECT_TEACHER, school)
    signed_in(client, colleague)
    assert client.get(lesson_url(lesson)).status_code == 403
    response = client.post(mark_url(lesson), {"student": students[0].pk, "kind": "absent"})
    assert response.status_code == 403
    assert not Mark.objects.exists()


def test_director_views_read_only_and_cannot_mark(client, lesson, students, school, teacher):
    set_mark(lesson=lesson, student_id=students[0].pk, kind="absent", acting_user=teacher)
    director = factories.staff_user(Role.DIRECTOR, school)
    page = signed_in(client, director).get(lesson_url(lesson))
    assert page.status_code == 200
    assert page.context["can_mark"] is False
    html = page.content.decode()
    assert 'name="kind"' not in html
    assert "только для просмотра" in html
    assert "Все остальные присутствуют" not in html
    response = client.post(mark_url(lesson), {"student": students[1].pk, "kind": "absent"})
    assert response.status_code == 403
    assert client.post(reverse("journal:lesson_confirm", args=[lesson.pk])).status_code == 403
    assert Mark.objects.count() == 1


def test_class_teacher_and_deputy_may_mark(client, lesson, students, school):
    for user in (class_teacher_for(lesson.school_class), factories.staff_user(Role.DEPUTY, school)):
        signed_in(client, user)
        response = client.post(
            mark_url(lesson), {"student": students[0].pk, "kind": "absent"}, **HTMX
        )
        assert response.status_code == 200
        set_mark(lesson=lesson, student_id=students[0].pk, kind="present", acting_user=user)


def test_locked_week_is_read_only_for_the_teacher_but_not_the_deputy(
    client, lesson, students, teacher, school
):
    LockedWeek.objects.create(school_class=lesson.school_class, week_start=week_start(DAY))
    page = signed_in(client, teacher).get(lesson_url(lesson))
    assert page.context["can_mark"] is False
    assert "Неделя закрыта" in page.content.decode()
    response = client.post(mark_url(lesson), {"student": students[0].pk, "kind": "absent"})
    assert response.status_code == 403
    deputy = factories.staff_user(Role.DEPUTY, school)
    signed_in(client, deputy)
    assert client.get(lesson_url(lesson)).context["can_mark"] is True
    response = client.post(mark_url(lesson), {"student": students[0].pk, "kind": "absent"})
    assert response.status_code == 302
    assert Mark.objects.get().updated_by == deputy


def test_get_is_refused_on_the_mark_endpoint(client, lesson, teacher):
    assert signed_in(client, teacher).get(mark_url(lesson)).status_code == 405


# --- bounded queries -----------------------------------------------------------------

# Measured: the page runs 10 queries (session, user, lesson, roles, the school's settings
# and week lock, bell, roster, marks); a tap 21 (the service's reads with the bell that opens
# the lesson, savepoints and writes, then roster and marks for the row and the header
# counts), plus the audit log's ContentType look-up when the per-process cache is cold.
PAGE_QUERIES = 10
TAP_QUERIES = 22


@pytest.mark.parametrize("size", [5, 30])
def test_lesson_page_queries_do_not_grow_with_the_class(
    client, lesson, teacher, size, django_assert_max_num_queries
):
    roster = [factories.enrolled_student(lesson.school_class) for _ in range(size)]
    for student in roster[::3]:
        set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=teacher)
    signed_in(client, teacher)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(lesson_url(lesson))
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [5, 30])
def test_tap_queries_do_not_grow_with_the_class(
    client, lesson, teacher, size, django_assert_max_num_queries
):
    roster = [factories.enrolled_student(lesson.school_class) for _ in range(size)]
    # Stored directly, so that the first tap also records «attendance taken» (one more UPDATE).
    for student in roster[1::3]:
        Mark.objects.create(
            lesson=lesson, student=student, school=lesson.school, date=lesson.date, kind="late"
        )
    signed_in(client, teacher)
    with django_assert_max_num_queries(TAP_QUERIES):
        response = client.post(
            mark_url(lesson), {"student": roster[0].pk, "kind": "absent"}, **HTMX
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(TAP_QUERIES):
        response = client.post(mark_url(lesson), {"student": roster[0].pk, "kind": "absent"})
    assert response.status_code == 302


# --- my lessons ----------------------------------------------------------------------


def test_my_lessons_lists_the_day_with_statuses(client, school, school_class, teacher, students):
    marked = make_lesson(school_class, DAY, period=1, teacher=teacher)
    set_mark(lesson=marked, student_id=students[0].pk, kind="absent", acting_user=teacher)
    set_mark(lesson=marked, student_id=students[1].pk, kind="absent", acting_user=teacher)
    set_mark(lesson=marked, student_id=students[2].pk, kind="late", acting_user=teacher)
    unmarked = make_lesson(school_class, DAY, period=2, teacher=teacher)
    cancelled = make_lesson(
        school_class, DAY, period=3, teacher=teacher, status=Lesson.Status.CANCELLED
    )
    all_present = make_lesson(school_class, DAY, period=4, teacher=teacher)
    set_mark(lesson=all_present, student_id=students[0].pk, kind="present", acting_user=teacher)
    make_lesson(school_class, DAY, period=5)  # a colleague's
    make_lesson(school_class, DAY + datetime.timedelta(days=1), period=1, teacher=teacher)

    response = signed_in(client, teacher).get(reverse("journal:my_lessons"), {"date": "2025-10-14"})
    assert response.status_code == 200
    assert [lesson.pk for lesson in response.context["lessons"]] == [
        marked.pk,
        unmarked.pk,
        cancelled.pk,
        all_present.pk,
    ]
    html = response.content.decode()
    assert "отмечен: 2 отсутствуют" in html
    assert "ОП: 1" in html
    assert "не отмечен" in html
    assert "отменён" in html
    assert "отмечен: все присутствуют" in html
    assert "?date=2025-10-13" in html and "?date=2025-10-15" in html
    assert reverse("journal:lesson", args=[unmarked.pk]) in html


def test_my_lessons_defaults_to_today(client, school_class, teacher):
    today = timezone.localdate()
    todays = make_lesson(school_class, today, teacher=teacher)
    make_lesson(school_class, today - datetime.timedelta(days=1), teacher=teacher)
    response = signed_in(client, teacher).get(reverse("journal:my_lessons"), {"date": "garbage"})
    assert response.context["day"] == today
    assert list(response.context["lessons"]) == [todays]
    assert "сегодня" in response.content.decode()


def test_my_lessons_queries_are_bounded(
    client, school_class, teacher, django_assert_max_num_queries
):
    for period in range(1, 8):
        make_lesson(school_class, DAY, period=period, teacher=teacher)
    signed_in(client, teacher)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("journal:my_lessons"), {"date": "2025-10-14"})
    assert len(response.context["lessons"]) == 7


# --- unmarked lessons ----------------------------------------------------------------


@pytest.fixture
def week(school, school_class, other_school):
    """Lessons of the last days: some unmarked, some not counted for a reason."""
    today = timezone.localdate()
    first = factories.staff_user(Role.SUBJECT_TEACHER, school, last_name="Алексеева")
    second = factories.staff_user(Role.SUBJECT_TEACHER, school, last_name="Борисова")
    other_class = factories.SchoolClassFactory(school=school)
    student = factories.enrolled_student(school_class)
    lessons = {
        "first_a": make_lesson(school_class, today, 1, teacher=first),
        "first_b": make_lesson(school_class, today - datetime.timedelta(days=2), 1, teacher=first),
        "second_other_class": make_lesson(other_class, today, 2, teacher=second),
        "old": make_lesson(school_class, today - datetime.timedelta(days=10), 1, teacher=second),
        "future": make_lesson(school_class, today + datetime.timedelta(days=1), 1, teacher=first),
        "cancelled": make_lesson(
            school_class, today, 3, teacher=second, status=Lesson.Status.CANCELLED
        ),
        "marked": make_lesson(school_class, today, 4, teacher=second),
        "elsewhere": make_lesson(factories.SchoolClassFactory(school=other_school), today, 1),
    }
    set_mark(lesson=lessons["marked"], student_id=student.pk, kind="absent", acting_user=second)
    return lessons, first, second


def unmarked_ids(response):
    return {lesson.pk for group in response.context["groups"] for lesson in group.lessons}


def test_deputy_sees_unmarked_lessons_of_the_school_by_teacher(client, school, week):
    lessons, first, second = week
    deputy = factories.staff_user(Role.DEPUTY, school)
    response = signed_in(client, deputy).get(reverse("journal:unmarked"))
    assert response.status_code == 200
    assert unmarked_ids(response) == {
        lessons["first_a"].pk,
        lessons["first_b"].pk,
        lessons["second_other_class"].pk,
    }
    groups = [(group.teacher, group.count) for group in response.context["groups"]]
    assert groups == [(first, 2), (second, 1)]
    assert response.context["whole_school"] is True
    assert 'data-count="2"' in response.content.decode()


def test_unmarked_date_range_filter(client, school, week):
    lessons, first, second = week
    deputy = factories.staff_user(Role.DEPUTY, school)
    today = timezone.localdate()
    response = signed_in(client, deputy).get(
        reverse("journal:unmarked"),
        {
            "date_from": (today - datetime.timedelta(days=12)).isoformat(),
            "date_to": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert unmarked_ids(response) == {lessons["first_b"].pk, lessons["old"].pk}


def test_class_teacher_sees_only_their_class(client, school_class, week):
    lessons, first, second = week
    class_teacher = class_teacher_for(school_class)
    response = signed_in(client, class_teacher).get(reverse("journal:unmarked"))
    assert unmarked_ids(response) == {lessons["first_a"].pk, lessons["first_b"].pk}
    assert response.context["whole_school"] is False


def test_subject_teacher_sees_only_their_own(client, week):
    lessons, first, second = week
    response = signed_in(client, second).get(reverse("journal:unmarked"))
    assert unmarked_ids(response) == {lessons["second_other_class"].pk}


def test_psychologist_may_not_see_unmarked_lessons(client, school):
    psychologist = factories.staff_user(Role.PSYCHOLOGIST, school)
    assert signed_in(client, psychologist).get(reverse("journal:unmarked")).status_code == 403
