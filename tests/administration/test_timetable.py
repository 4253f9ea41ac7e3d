"""The timetable pages and services: a class's weekly template (and subgroups), the bells, a
term's lessons generated with a preview of what changes — a lesson already worked with is
listed and kept, never silently dropped — replacements and cancellations, the audit of each
change, and a number of queries that does not grow with the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEntry
from journal.models import BellPeriod, Lesson, Mark, Term, TimetableEntry
from journal.services.errors import JournalError
from journal.timetable import apply_lesson_plan, plan_lessons
from journal.timetable_template import add_entry, change_entry, remove_entry, save_bell_period
from schools.models import ClassGroup
from tests import factories

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def setup(staffed):
    """A class 5 «А» with a Monday and a Wednesday lesson, a four-week term from the first
    day of the year, two teachers and a subject."""
    year = staffed.year
    school_class = factories.SchoolClassFactory(
        school=staffed.school, academic_year=year, grade=5, letter="А"
    )
    math = factories.SubjectFactory(school=staffed.school, name="Математика")
    russian = factories.SubjectFactory(school=staffed.school, name="Русский язык")
    term = Term.objects.create(
        academic_year=year,
        number=1,
        start_date=year.start_date,
        end_date=year.start_date + 27 * ONE_DAY,
    )
    teacher = staffed.subject_teacher
    monday = add_entry(
        school_class=school_class,
        weekday=1,
        period=1,
        subject=math,
        teacher=teacher,
        acting_user=staffed.admin,
    )
    wednesday = add_entry(
        school_class=school_class,
        weekday=3,
        period=2,
        subject=russian,
        teacher=teacher,
        acting_user=staffed.admin,
    )
    staffed.school_class, staffed.math, staffed.russian = school_class, math, russian
    staffed.term, staffed.monday, staffed.wednesday = term, monday, wednesday
    staffed.other_teacher = factories.staff_user(Role.SUBJECT_TEACHER, staffed.school)
    return staffed


def _days(term, weekday) -> list[datetime.date]:
    day, found = term.start_date, []
    while day <= term.end_date:
        if day.isoweekday() == weekday:
            found.append(day)
        day += ONE_DAY
    return found


def _plan(s, start=None):
    return plan_lessons(school=s.school, start=start or s.term.start_date, end=s.term.end_date)


def _apply(s, start=None):
    plan = _plan(s, start)
    return apply_lesson_plan(
        school=s.school,
        start=start or s.term.start_date,
        end=s.term.end_date,
        fingerprint=plan.fingerprint,
        acting_user=s.admin,
    )


def _mark(lesson):
    student = factories.enrolled_student(lesson.school_class)
    return Mark.objects.create(
        lesson=lesson,
        student=student,
        school=lesson.school,
        date=lesson.date,
        kind=Mark.Kind.ABSENT,
    )


# --- Services ----------------------------------------------------------------------------


def test_a_term_is_generated_once_and_the_second_run_changes_nothing(setup):
    expected = len(_days(setup.term, 1)) + len(_days(setup.term, 3))
    plan = _plan(setup)
    assert (len(plan.to_add), plan.to_change, plan.to_remove, plan.kept) == (expected, [], [], [])
    assert not Lesson.objects.exists()  # a plan is only a preview
    _apply(setup)
    assert Lesson.objects.filter(school_class=setup.school_class).count() == expected
    assert _plan(setup).is_empty
    entry = AuditEntry.objects.get(action="journal.lessons.plan_applied")
    assert entry.data["created"] == expected and entry.actor == setup.admin


def test_a_changed_teacher_changes_later_lessons_and_keeps_a_marked_one(setup):
    _apply(setup)
    mondays = _days(setup.term, 1)
    change_from = mondays[1]
    marked = Lesson.objects.get(school_class=setup.school_class, date=mondays[2], period=1)
    _mark(marked)
    change_entry(
        entry=setup.monday,
        weekday=1,
        period=1,
        subject=setup.math,
        teacher=setup.other_teacher,
        group=None,
        room="12",
        from_date=change_from,
        acting_user=setup.admin,
    )
    # Lessons were held before the date: the line is split, the old one ends the day before.
    setup.monday.refresh_from_db()
    assert setup.monday.valid_to == change_from - ONE_DAY
    successor = TimetableEntry.objects.get(valid_from=change_from)
    assert (successor.teacher, successor.room) == (setup.other_teacher, "12")

    plan = _plan(setup)
    assert [c.lesson.date for c in plan.to_change] == [d for d in mondays[1:] if d != mondays[2]]
    assert [k.lesson for k in plan.kept] == [marked]
    assert "есть отметки посещаемости" in plan.kept[0].reasons
    assert plan.to_add == [] and plan.to_remove == []

    _apply(setup)
    first = Lesson.objects.get(school_class=setup.school_class, date=mondays[0], period=1)
    assert first.teacher == setup.subject_teacher  # before the date: as it was
    marked.refresh_from_db()
    assert marked.teacher == setup.subject_teacher  # kept with its marks
    assert marked.marks.count() == 1
    for day in mondays[1:]:
        if day != mondays[2]:
            lesson = Lesson.objects.get(school_class=setup.school_class, date=day, period=1)
            assert (lesson.teacher, lesson.source_entry) == (setup.other_teacher, successor)
    # The kept lesson is listed again, nothing else to do.
    again = _plan(setup)
    assert again.is_empty and [k.lesson for k in again.kept] == [marked]


def test_a_removed_line_removes_its_future_lessons_but_keeps_worked_ones(setup):
    _apply(setup)
    wednesdays = _days(setup.term, 3)
    held = Lesson.objects.get(school_class=setup.school_class, date=wednesdays[1], period=2)
    held.attendance_taken_at = timezone.now()  # everyone present: no mark, but taken
    held.save(update_fields=["attendance_taken_at"])
    topic = Lesson.objects.get(school_class=setup.school_class, date=wednesdays[2], period=2)
    topic.topic = "Имя существительное"
    topic.save(update_fields=["topic"])
    assert (
        remove_entry(entry=setup.wednesday, from_date=wednesdays[1], acting_user=setup.admin)
        is False
    )

    plan = _plan(setup)
    assert {lesson.date for lesson in plan.to_remove} == set(wednesdays[3:])
    assert {k.lesson.pk: k.reasons for k in plan.kept} == {
        held.pk: ["посещаемость отмечена"],
        topic.pk: ["записана тема урока"],
    }
    _apply(setup)
    left = set(
        Lesson.objects.filter(school_class=setup.school_class, period=2).values_list(
            "date", flat=True
        )
    )
    assert left == {wednesdays[0], wednesdays[1], wednesdays[2]}
    removed = AuditEntry.objects.filter(action="journal.lessons.plan_applied").order_by("pk").last()
    assert len(removed.data["removed"]) == len(wednesdays[3:])


def test_a_line_never_used_is_deleted(setup):
    assert remove_entry(
        entry=setup.wednesday, from_date=setup.term.start_date, acting_user=setup.admin
    )
    assert not TimetableEntry.objects.filter(pk=setup.wednesday.pk).exists()
    assert AuditEntry.objects.filter(action="journal.timetable_entry.removed").exists()


def test_apply_refuses_a_plan_that_changed_since_the_preview(setup):
    _apply(setup)
    remove_entry(entry=setup.wednesday, from_date=setup.term.start_date, acting_user=setup.admin)
    preview = _plan(setup)
    # A teacher marks a lesson the preview was going to remove.
    _mark(preview.to_remove[0])
    with pytest.raises(JournalError, match="изменились"):
        apply_lesson_plan(
            school=setup.school,
            start=setup.term.start_date,
            end=setup.term.end_date,
            fingerprint=preview.fingerprint,
            acting_user=setup.admin,
        )
    assert Lesson.objects.filter(school_class=setup.school_class, period=2).count() == len(
        preview.to_remove
    )


def test_lessons_entered_by_hand_are_never_touched(setup):
    day = _days(setup.term, 2)[0]  # a Tuesday: no line
    manual = Lesson.objects.create(
        school=setup.school,
        school_class=setup.school_class,
        date=day,
        period=5,
        subject=setup.math,
        teacher=setup.subject_teacher,
    )
    plan = _plan(setup)
    assert manual not in plan.to_remove and all(k.lesson != manual for k in plan.kept)


def test_template_refuses_a_taken_slot_a_foreign_subject_and_a_non_teacher(setup, staffed):
    with pytest.raises(JournalError, match="уже есть занятие"):
        add_entry(
            school_class=setup.school_class,
            weekday=1,
            period=1,
            subject=setup.russian,
            teacher=setup.subject_teacher,
            acting_user=setup.admin,
        )
    foreign = factories.SubjectFactory(school=staffed.neighbour)
    with pytest.raises(JournalError, match="другой школе"):
        add_entry(
            school_class=setup.school_class,
            weekday=2,
            period=1,
            subject=foreign,
            teacher=setup.subject_teacher,
            acting_user=setup.admin,
        )
    psychologist = factories.staff_user(Role.PSYCHOLOGIST, setup.school)
    with pytest.raises(JournalError, match="роль учителя"):
        add_entry(
            school_class=setup.school_class,
            weekday=2,
            period=1,
            subject=setup.math,
            teacher=psychologist,
            acting_user=setup.admin,
        )


def test_two_subgroups_share_a_slot_but_not_with_the_whole_class(setup):
    first = ClassGroup.objects.create(school_class=setup.school_class, name="1 подгруппа")
    second = ClassGroup.objects.create(school_class=setup.school_class, name="2 подгруппа")
    for group in (first, second):
        add_entry(
            school_class=setup.school_class,
            weekday=2,
            period=3,
            subject=setup.russian,
            teacher=setup.other_teacher,
            group=group,
            acting_user=setup.admin,
        )
    with pytest.raises(JournalError):
        add_entry(
            school_class=setup.school_class,
            weekday=2,
            period=3,
            subject=setup.math,
            teacher=setup.subject_teacher,
            acting_user=setup.admin,
        )
    plan = _plan(setup)
    tuesday_lessons = [lesson for lesson in plan.to_add if lesson.period == 3]
    assert len(tuesday_lessons) == 2 * len(_days(setup.term, 2))


def test_bells_do_not_overlap_and_limit_the_template(setup):
    save_bell_period(
        school=setup.school,
        number=1,
        start_time=datetime.time(8, 30),
        end_time=datetime.time(9, 15),
        acting_user=setup.admin,
    )
    with pytest.raises(JournalError, match="пересекается"):
        save_bell_period(
            school=setup.school,
            number=2,
            start_time=datetime.time(9, 0),
            end_time=datetime.time(9, 45),
            acting_user=setup.admin,
        )
    with pytest.raises(JournalError, match="звонков школы нет"):
        add_entry(
            school_class=setup.school_class,
            weekday=4,
            period=2,
            subject=setup.math,
            teacher=setup.subject_teacher,
            acting_user=setup.admin,
        )


# --- Pages -------------------------------------------------------------------------------


def test_admin_builds_the_week_on_the_class_page(client, setup):
    client.force_login(setup.admin)
    url = reverse("administration:timetable_class", args=[setup.school_class.pk])
    response = client.post(
        url,
        {
            "weekday": "2",
            "period": "4",
            "subject": setup.math.pk,
            "teacher": setup.other_teacher.pk,
            "room": "204",
        },
    )
    assert response.status_code == 302
    entry = TimetableEntry.objects.get(school_class=setup.school_class, weekday=2, period=4)
    assert (entry.teacher, entry.room, entry.valid_from) == (
        setup.other_teacher,
        "204",
        setup.year.start_date,
    )
    assert AuditEntry.objects.filter(
        action="journal.timetable_entry.added", actor=setup.admin
    ).exists()
    page = client.get(url).content.decode()
    assert "Математика" in page and setup.other_teacher.full_name in page
    # The same slot again: the service's Russian refusal on the form.
    response = client.post(
        url,
        {
            "weekday": "2",
            "period": "4",
            "subject": setup.russian.pk,
            "teacher": setup.subject_teacher.pk,
        },
    )
    assert response.status_code == 200 and "уже есть занятие" in response.content.decode()
    for bad in ({"weekday": "9", "period": "x"}, {"subject": "9" * 30}, {"teacher": "-1"}):
        assert client.post(url, bad).status_code == 200
    assert TimetableEntry.objects.filter(school_class=setup.school_class).count() == 3


def test_preview_changes_nothing_and_apply_creates_the_term(client, setup):
    client.force_login(setup.director)
    url = reverse("administration:lesson_generation", args=[setup.school.pk])
    response = client.get(url, {"term": setup.term.pk})
    assert response.status_code == 200
    plan = response.context["plan"]
    assert len(plan.to_add) > 0
    assert not Lesson.objects.exists()
    response = client.post(url, {"term": setup.term.pk, "fingerprint": plan.fingerprint})
    assert response.status_code == 302
    assert Lesson.objects.count() == len(plan.to_add)
    # A stale preview is refused with a message, nothing changes.
    before = Lesson.objects.count()
    response = client.post(
        url, {"term": setup.term.pk, "fingerprint": plan.fingerprint}, follow=True
    )
    assert "изменились" in response.content.decode()
    assert Lesson.objects.count() == before
    # Bad input: a form error or a message, never a 500.
    assert client.get(url, {"term": "abc", "start": "2099-99-99"}).status_code == 200
    assert client.post(url, {"term": "-5", "fingerprint": "x"}).status_code == 200


def test_replacement_and_cancellation_pages_keep_marked_lessons(client, setup):
    _apply(setup)
    client.force_login(setup.admin)
    free, marked = Lesson.objects.filter(school_class=setup.school_class).order_by("date")[:2]
    _mark(marked)
    response = client.post(
        reverse("administration:lesson_replace", args=[free.pk]),
        {"teacher": setup.other_teacher.pk},
    )
    assert response.status_code == 302
    free.refresh_from_db()
    assert (free.teacher, free.replaced_teacher) == (setup.other_teacher, setup.subject_teacher)
    response = client.post(
        reverse("administration:lesson_cancel", args=[marked.pk]),
        {"reason": "Экскурсия"},
        follow=True,
    )
    assert "снимите отметки" in response.content.decode()
    marked.refresh_from_db()
    assert not marked.is_cancelled
    response = client.post(
        reverse("administration:lesson_replace", args=[marked.pk]),
        {"teacher": setup.other_teacher.pk},
        follow=True,
    )
    assert "уже отмечена посещаемость" in response.content.decode()
    marked.refresh_from_db()
    assert marked.teacher == setup.subject_teacher
    client.post(reverse("administration:lesson_cancel", args=[free.pk]), {"reason": "Карантин"})
    free.refresh_from_db()
    assert free.is_cancelled and free.cancel_reason == "Карантин"
    client.post(reverse("administration:lesson_restore", args=[free.pk]))
    free.refresh_from_db()
    assert not free.is_cancelled
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "journal.lesson.teacher_replaced",
        "journal.lesson.cancelled",
        "journal.lesson.restored",
    } <= actions
    page = client.get(
        reverse("administration:lessons", args=[setup.school.pk]), {"date": free.date}
    )
    assert page.status_code == 200 and setup.math.name in page.content.decode()


def test_subgroup_page_sets_its_students_and_refuses_removal_in_use(client, setup):
    client.force_login(setup.admin)
    inside = factories.enrolled_student(setup.school_class)
    response = client.post(
        reverse("administration:group_add", args=[setup.school_class.pk]), {"name": "Английский 1"}
    )
    group = ClassGroup.objects.get(school_class=setup.school_class)
    assert response.url == reverse("administration:group_edit", args=[group.pk])
    client.post(reverse("administration:group_edit", args=[group.pk]), {"students": [inside.pk]})
    assert list(group.students.all()) == [inside]
    outsider = factories.enrolled_student(
        factories.SchoolClassFactory(school=setup.school, academic_year=setup.year)
    )
    response = client.post(
        reverse("administration:group_edit", args=[group.pk]), {"students": [outsider.pk]}
    )
    assert response.status_code == 200  # not offered: a form error
    assert list(group.students.all()) == [inside]
    add_entry(
        school_class=setup.school_class,
        weekday=5,
        period=1,
        subject=setup.russian,
        teacher=setup.other_teacher,
        group=group,
        acting_user=setup.admin,
    )
    client.post(reverse("administration:group_remove", args=[group.pk]))
    assert ClassGroup.objects.filter(pk=group.pk).exists()


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def _fill(setup, first, last):
    for n in range(first, last):
        BellPeriod.objects.get_or_create(
            school=setup.school,
            number=n + 1,
            defaults={"start_time": datetime.time(8 + n, 0), "end_time": datetime.time(8 + n, 40)},
        )
    for n in range(first, last):
        school_class = factories.SchoolClassFactory(
            school=setup.school, academic_year=setup.year, grade=1 + n % 11
        )
        add_entry(
            school_class=school_class,
            weekday=1 + n % 5,
            period=1,
            subject=setup.math,
            teacher=setup.subject_teacher,
            acting_user=None,
        )
        add_entry(
            school_class=setup.school_class,
            weekday=1 + n % 5,
            period=3 + n // 5,
            subject=setup.russian,
            teacher=setup.other_teacher,
            acting_user=None,
        )


@pytest.mark.parametrize("page", ["timetable", "timetable_class", "bells", "lessons", "generation"])
def test_timetable_page_queries_do_not_grow_with_rows(client, setup, page):
    client.force_login(setup.admin)
    params = {}
    if page == "timetable_class":
        url = reverse("administration:timetable_class", args=[setup.school_class.pk])
    elif page == "generation":
        url = reverse("administration:lesson_generation", args=[setup.school.pk])
        params = {"term": setup.term.pk}
    else:
        url = reverse(f"administration:{page}", args=[setup.school.pk])
    if page == "lessons":
        params = {"date": _days(setup.term, 1)[0].isoformat()}
    _fill(setup, 0, 3)
    _apply(setup)
    few = _queries(client, url, params)
    _fill(setup, 3, 9)
    _apply(setup)
    many = _queries(client, url, params)
    assert many == few, (few, many)
    assert many <= 20


def test_class_page_shows_a_teacher_busy_in_another_class_at_the_same_time(client, setup):
    other = factories.SchoolClassFactory(
        school=setup.school, academic_year=setup.year, grade=6, letter="Б"
    )
    add_entry(
        school_class=other,
        weekday=1,
        period=1,
        subject=setup.russian,
        teacher=setup.subject_teacher,
        acting_user=setup.admin,
    )
    client.force_login(setup.admin)
    page = client.get(reverse("administration:timetable_class", args=[setup.school_class.pk]))
    text = page.content.decode()
    assert "также ведёт" in text and "6 «Б»" in text


def test_lessons_page_opens_on_today_with_the_date_field_filled(client, setup):
    client.force_login(setup.admin)
    page = client.get(reverse("administration:lessons", args=[setup.school.pk]))
    today = timezone.localdate()
    assert page.status_code == 200
    assert f'value="{today:%Y-%m-%d}"' in page.content.decode()


def test_the_deputy_arranges_replacements_and_cancellations_but_not_the_timetable(client, setup):
    _apply(setup)
    deputy = factories.staff_user(Role.DEPUTY, setup.school)
    client.force_login(deputy)
    home = client.get(reverse("home:home"), follow=True).content.decode()
    assert reverse("administration:lessons", args=[setup.school.pk]) in home
    lesson = Lesson.objects.filter(school_class=setup.school_class).order_by("date").first()
    client.post(
        reverse("administration:lesson_replace", args=[lesson.pk]),
        {"teacher": setup.other_teacher.pk},
    )
    client.post(reverse("administration:lesson_cancel", args=[lesson.pk]), {"reason": "Карантин"})
    lesson.refresh_from_db()
    assert lesson.teacher == setup.other_teacher and lesson.is_cancelled
    entry = AuditEntry.objects.get(action="journal.lesson.cancelled")
    assert entry.actor == deputy and entry.school_id == setup.school.pk
    page = client.get(
        reverse("administration:lessons", args=[setup.school.pk]), {"date": lesson.date}
    ).content.decode()
    # The page shows no way into the administration pages the deputy may not open.
    assert reverse("administration:timetable", args=[setup.school.pk]) not in page
    assert reverse("administration:classes", args=[setup.school.pk]) not in page
    generation = reverse("administration:lesson_generation", args=[setup.school.pk])
    assert client.get(generation).status_code == 403
