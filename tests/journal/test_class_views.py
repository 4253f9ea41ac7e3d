"""Class teacher's day, student card, class grid and registries (journal issue items 3, 6–8)."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEntry
from casework.models import ParentContact
from journal.models import Mark, ReasonStatus, ValidReason
from journal.services import set_mark, set_reasons
from journal.services.history import HistoryAction
from journal.views.class_day import PAST_DAYS_PAGE_SIZE
from policy.models import PolicyValue
from schools.models import LeavingCategory, SchoolClass, Student
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

MON = datetime.date(2025, 10, 13)
TUE = MON + datetime.timedelta(days=1)


def absent(lesson, student):
    return set_mark(lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher)


def day_url(school_class, day=MON):
    return f"{reverse('journal:class_day', args=[school_class.pk])}?date={day:%Y-%m-%d}"


@pytest.fixture
def teacher(school_class):
    return class_teacher_for(school_class)


@pytest.fixture
def pupils(school_class):
    return [
        factories.enrolled_student(school_class, last_name=name)
        for name in ("Алексеева", "Борисов", "Васильев")
    ]


@pytest.fixture
def monday(school_class):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school_class.school)
    return [make_lesson(school_class, MON, period, teacher=teacher) for period in (1, 2, 3)]


def _reasons(client, school_class, student, **data):
    payload = {"student": student.pk, "date": f"{MON:%Y-%m-%d}", "back": f"{MON:%Y-%m-%d}"}
    payload.update(data)
    return client.post(reverse("journal:class_day_reasons", args=[school_class.pk]), payload)


# Class teacher's day.


def test_class_day_lists_unknown_absences_grouped_by_student(
    client, school_class, teacher, pupils, monday
):
    for lesson in monday[:2]:
        absent(lesson, pupils[0])
    absent(monday[2], pupils[1])
    settled = absent(monday[0], pupils[2])
    set_reasons(marks=[settled], status=ReasonStatus.INVALID, acting_user=teacher)

    client.force_login(teacher)
    response = client.get(day_url(school_class))

    assert response.status_code == 200
    blocks = response.context["blocks"]
    assert [(b.group.student, len(b.group.marks)) for b in blocks] == [
        (pupils[0], 2),
        (pupils[1], 1),
    ]
    assert "Установить" in response.text


def test_whole_day_reason_settles_every_absence_of_the_day(
    client, school_class, teacher, pupils, monday
):
    marks = [absent(lesson, pupils[0]) for lesson in monday]
    client.force_login(teacher)

    response = _reasons(
        client,
        school_class,
        pupils[0],
        scope="day",
        status="valid",
        valid_reason=ValidReason.ILLNESS,
        note="Мама сообщила: температура",
    )

    assert response.status_code == 302
    assert response["Location"] == day_url(school_class)
    assert set(
        Mark.objects.filter(pk__in=[m.pk for m in marks]).values_list(
            "reason_status", "valid_reason", "reason_note"
        )
    ) == {(ReasonStatus.VALID, ValidReason.ILLNESS, "Мама сообщила: температура")}
    assert AuditEntry.objects.filter(action="journal.reason.set", student=pupils[0]).count() == 3
    page = client.get(day_url(school_class))
    assert page.context["blocks"] == []
    assert "Пропусков с неустановленной причиной за этот день нет." in page.text


def test_reason_for_chosen_lessons_leaves_the_others_unknown(
    client, school_class, teacher, pupils, monday
):
    marks = [absent(lesson, pupils[0]) for lesson in monday]
    client.force_login(teacher)

    _reasons(
        client, school_class, pupils[0], scope="lessons", marks=[marks[1].pk], status="invalid"
    )

    statuses = dict(Mark.objects.values_list("pk", "reason_status"))
    assert statuses == {
        marks[0].pk: ReasonStatus.UNKNOWN,
        marks[1].pk: ReasonStatus.INVALID,
        marks[2].pk: ReasonStatus.UNKNOWN,
    }


def test_valid_reason_without_its_kind_is_refused_and_changes_nothing(
    client, school_class, teacher, pupils, monday
):
    absent(monday[0], pupils[0])
    client.force_login(teacher)

    response = _reasons(client, school_class, pupils[0], scope="day", status="valid")

    assert set(Mark.objects.values_list("reason_status", flat=True)) == {ReasonStatus.UNKNOWN}
    page = client.get(response["Location"])
    assert "Укажите вид уважительной причины." in page.text


def test_marks_of_another_class_cannot_be_settled_through_this_class(
    client, school, school_class, teacher, pupils
):
    other_class = factories.SchoolClassFactory(school=school)
    stranger = factories.enrolled_student(other_class)
    mark = absent(make_lesson(other_class, MON), stranger)
    client.force_login(teacher)

    _reasons(client, school_class, stranger, scope="day", status="invalid")

    mark.refresh_from_db()
    assert mark.reason_status == ReasonStatus.UNKNOWN


def test_past_days_with_unknown_reason_stay_listed_until_settled(
    client, school_class, teacher, pupils, monday
):
    mark = absent(monday[0], pupils[0])
    client.force_login(teacher)

    page = client.get(day_url(school_class, TUE))
    past = page.context["past_page"]
    assert [(g.student, g.day) for g in past] == [(pupils[0], MON)]
    assert "Не установлено за прошлые дни" in page.text

    set_reasons(marks=[mark], status=ReasonStatus.INVALID, acting_user=teacher)
    page = client.get(day_url(school_class, TUE))
    assert page.context["past_page"].paginator.count == 0
    assert "Не установлено за прошлые дни" not in page.text


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.mark.parametrize(
    ("hour", "state", "text"),
    [(15, "due", "Установить причины до 19:00"), (19, "overdue", "Срок 19:00 прошёл")],
)
def test_deadline_badge_turns_red_after_19(
    monkeypatch, client, school_class, teacher, pupils, monday, hour, state, text
):
    absent(monday[0], pupils[0])
    client.force_login(teacher)
    monkeypatch.setattr(timezone, "now", lambda: _at(MON, hour, 1 if hour == 19 else 0))

    page = client.get(reverse("journal:class_day", args=[school_class.pk]))

    assert page.context["day"] == MON
    assert page.context["deadline"]["state"] == state
    assert text in page.text


def test_deadline_follows_the_schools_policy_setting(
    monkeypatch, client, school, school_class, teacher, pupils, monday
):
    PolicyValue.objects.create(key="journal.unknown_reason_deadline", school=school, value="17:30")
    absent(monday[0], pupils[0])
    client.force_login(teacher)
    monkeypatch.setattr(timezone, "now", lambda: _at(MON, 18))

    page = client.get(reverse("journal:class_day", args=[school_class.pk]))

    assert page.context["deadline"]["state"] == "overdue"
    assert "Срок 17:30 прошёл" in page.text


def test_no_deadline_badge_when_nothing_is_unknown(client, school_class, teacher, pupils):
    client.force_login(teacher)
    page = client.get(day_url(school_class))
    assert page.context["deadline"]["state"] == "none"
    assert 'data-testid="deadline-badge"' not in page.text


def test_phone_call_is_logged_and_shown_for_the_day(client, school_class, teacher, pupils, monday):
    absent(monday[0], pupils[0])
    mother = factories.GuardianFactory(student=pupils[0], phone="+7 901 111-22-33")
    client.force_login(teacher)

    page = client.get(day_url(school_class))
    assert "+7 901 111-22-33" in page.text

    response = client.post(
        reverse("casework:class_day_contact", args=[school_class.pk]),
        {
            "student": pupils[0].pk,
            "back": f"{MON:%Y-%m-%d}",
            "contact_type": "phone_call",
            "guardian": mother.pk,
            "contacted_at": f"{MON:%Y-%m-%d}T10:15",
            "summary": "Мама сказала, что ребёнок заболел",
            "stated_reason": "болезнь",
            "result": "reached",
            "next_step": "принести справку",
        },
    )

    assert response.status_code == 302
    contact = ParentContact.objects.get()
    assert (contact.student, contact.guardian, contact.guardian_name, contact.staff) == (
        pupils[0],
        mother,
        mother.full_name,
        teacher,
    )
    assert timezone.localtime(contact.contacted_at).time() == datetime.time(10, 15)
    assert AuditEntry.objects.filter(action="casework.contact.logged").count() == 1
    page = client.get(day_url(school_class))
    assert 'data-testid="contact-logged"' in page.text


def test_call_form_is_loaded_when_opened(client, school_class, teacher, pupils, monday):
    absent(monday[0], pupils[0])
    mother = factories.GuardianFactory(student=pupils[0], full_name="Петрова Анна Ивановна")
    client.force_login(teacher)

    page = client.get(day_url(school_class)).text
    # The page carries the way to the form, not a form per absent student.
    assert 'data-testid="call-details"' in page
    assert 'data-testid="call-form"' not in page
    form_url = reverse("casework:class_day_contact_form", args=[school_class.pk])
    assert f'hx-get="{form_url}?student={pupils[0].pk}&amp;date={MON:%Y-%m-%d}"' in page

    fragment = client.get(form_url, {"student": pupils[0].pk, "date": f"{MON:%Y-%m-%d}"})
    assert fragment.status_code == 200
    html = fragment.text
    assert 'data-testid="call-form"' in html
    assert "<html" not in html
    assert f'<option value="{mother.pk}">Петрова Анна Ивановна' in html
    assert f'name="back" value="{MON:%Y-%m-%d}"' in html
    assert f'id="id_call_{pupils[0].pk}_contacted_at"' in html
    # The parents' phones were shown: a read of the student's data.
    read = AuditEntry.objects.get(action="casework.call_form.viewed")
    assert (read.actor, read.school_id, read.student_id) == (
        teacher,
        school_class.school_id,
        pupils[0].pk,
    )


def test_call_form_refuses_a_missing_student_or_one_of_another_class(
    client, school_class, teacher, pupils
):
    other_class = factories.SchoolClassFactory(
        school=school_class.school, academic_year=school_class.academic_year
    )
    stranger = factories.enrolled_student(other_class)
    client.force_login(teacher)
    form_url = reverse("casework:class_day_contact_form", args=[school_class.pk])

    missing = client.get(form_url, {"student": "два"})
    assert missing.status_code == 400
    assert "Не указан обучающийся." in missing.text
    bad_day = client.get(form_url, {"student": pupils[0].pk, "date": "9999-12-31"})
    assert bad_day.status_code == 400
    assert client.get(form_url, {"student": stranger.pk}).status_code == 404


def test_call_form_errors_are_reported_in_russian(client, school_class, teacher, pupils, monday):
    absent(monday[0], pupils[0])
    client.force_login(teacher)
    response = client.post(
        reverse("casework:class_day_contact", args=[school_class.pk]),
        {
            "student": pupils[0].pk,
            "contact_type": "phone_call",
            "contacted_at": f"{MON:%Y-%m-%d}T10:15",
            "result": "reached",
        },
        follow=True,
    )
    assert "Укажите, с кем состоялся разговор." in response.text
    assert not ParentContact.objects.exists()


@pytest.mark.parametrize("size", [5, 25])
def test_class_day_query_count_does_not_grow_with_the_class(
    client, django_assert_max_num_queries, school_class, teacher, size
):
    lessons = [make_lesson(school_class, MON, period) for period in (1, 2)]
    yesterday = make_lesson(school_class, MON - datetime.timedelta(days=3))
    for _ in range(size):
        student = factories.enrolled_student(school_class)
        factories.GuardianFactory(student=student)
        factories.GuardianFactory(student=student, relation="father")
        for lesson in (*lessons, yesterday):
            absent(lesson, student)
        factories.ParentContactFactory(
            student=student, school=school_class.school, contacted_at=_at(MON, 9)
        )
    client.force_login(teacher)

    # 8 today: session, user, roles, class, absences, the class's names (namesakes),
    # guardians, contacts; the parents' notes (issue #15 point 7), the lessons nobody marked
    # (point 8); and the INSERT of the read's audit entry (its ContentType comes from the
    # per-process cache, warm in a running server).
    ContentType.objects.get_for_model(SchoolClass)
    with django_assert_max_num_queries(13):
        response = client.get(day_url(school_class))

    assert len(response.context["blocks"]) == size
    past = response.context["past_page"]
    assert past.paginator.count == size
    assert len(past) == min(size, PAST_DAYS_PAGE_SIZE)


# Permissions.


def _user(role, school):
    return factories.staff_user(role, school)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("class_teacher", 200),
        ("deputy", 200),
        ("director", 200),
        ("social_pedagogue", 200),
        ("subject_teacher", 403),
        ("other_class_teacher", 403),
        ("other_school_deputy", 404),
    ],
)
@pytest.mark.parametrize("page", ["class_day", "class_grid"])
def test_class_pages_permissions(
    client, school, other_school, school_class, teacher, who, expected, page
):
    users = {
        "class_teacher": lambda: teacher,
        "deputy": lambda: _user(Role.DEPUTY, school),
        "director": lambda: _user(Role.DIRECTOR, school),
        "social_pedagogue": lambda: _user(Role.SOCIAL_PEDAGOGUE, school),
        "subject_teacher": lambda: _user(Role.SUBJECT_TEACHER, school),
        "other_class_teacher": lambda: class_teacher_for(
            factories.SchoolClassFactory(school=school)
        ),
        "other_school_deputy": lambda: _user(Role.DEPUTY, other_school),
    }
    client.force_login(users[who]())
    assert client.get(reverse(f"journal:{page}", args=[school_class.pk])).status_code == expected


def test_director_sees_the_day_but_cannot_settle(client, school, school_class, pupils, monday):
    mark = absent(monday[0], pupils[0])
    client.force_login(_user(Role.DIRECTOR, school))
    assert 'data-testid="reasons-form"' not in client.get(day_url(school_class)).text
    response = _reasons(client, school_class, pupils[0], scope="day", status="invalid")
    assert response.status_code == 403
    mark.refresh_from_db()
    assert mark.reason_status == ReasonStatus.UNKNOWN


def test_another_schools_user_cannot_post_reasons(
    client, other_school, school_class, pupils, monday
):
    mark = absent(monday[0], pupils[0])
    client.force_login(_user(Role.DEPUTY, other_school))
    assert (
        _reasons(client, school_class, pupils[0], scope="day", status="invalid").status_code == 404
    )
    mark.refresh_from_db()
    assert mark.reason_status == ReasonStatus.UNKNOWN


@pytest.mark.parametrize(
    ("who", "expected"),
    [("class_teacher", 200), ("deputy", 200), ("subject_teacher", 403), ("other_school", 404)],
)
def test_student_card_permissions(
    client, school, other_school, school_class, teacher, pupils, who, expected
):
    users = {
        "class_teacher": teacher,
        "deputy": _user(Role.DEPUTY, school),
        "subject_teacher": _user(Role.SUBJECT_TEACHER, school),
        "other_school": _user(Role.DEPUTY, other_school),
    }
    client.force_login(users[who])
    url = reverse("journal:student_card", args=[pupils[0].pk])
    assert client.get(url).status_code == expected


# Student card.


def test_card_shows_history_of_changes_in_russian(client, school_class, teacher, pupils, monday):
    mark = absent(monday[1], pupils[0])
    set_reasons(
        marks=[mark],
        status=ReasonStatus.VALID,
        valid_reason=ValidReason.FAMILY_EMERGENCY,
        acting_user=teacher,
        note="пожар в доме",
    )
    client.force_login(teacher)

    page = client.get(f"{reverse('journal:student_card', args=[pupils[0].pk])}?month=2025-10")

    history = page.context["history"]
    assert [(row.action, row.was, row.became) for row in history] == [
        (
            HistoryAction.REASON_SET,
            "причина неизвестна",
            "уважительная (чрезвычайные семейные обстоятельства); пожар в доме",
        ),
        (HistoryAction.MARK_SET, "присутствует", "Н, причина неизвестна"),
    ]
    assert "отметка поставлена" in page.text
    assert "уважительная (чрезвычайные семейные обстоятельства); пожар в доме" in page.text
    assert teacher.short_name in page.text


def test_card_calendar_colours_days_and_counts_totals(
    client, school_class, teacher, pupils, monday
):
    student = pupils[0]
    tuesday = [make_lesson(school_class, TUE, period) for period in (1, 2)]
    wednesday = make_lesson(school_class, TUE + datetime.timedelta(days=1))
    for lesson in monday:
        absent(lesson, student)
    set_reasons(
        marks=[absent(lesson, student) for lesson in tuesday], status="invalid", acting_user=teacher
    )
    set_mark(
        lesson=wednesday, student_id=student.pk, kind="late", minutes_late=5, acting_user=teacher
    )
    client.force_login(teacher)

    page = client.get(f"{reverse('journal:student_card', args=[student.pk])}?month=2025-10")

    cells = {cell.day: cell.status for week in page.context["weeks"] for cell in week}
    assert cells[MON] == "unknown"
    assert cells[TUE] == "invalid"
    assert cells[TUE + datetime.timedelta(days=1)] == "late"
    assert cells[MON - datetime.timedelta(days=1)] is None  # Sunday: no lessons
    month_label, month = page.context["totals"][0]
    assert (month.scheduled, month.absent_unknown, month.absent_invalid, month.late) == (6, 3, 2, 1)
    assert month.percent_without_valid == pytest.approx(83.3)
    assert 'data-status="invalid"' in page.text


def test_card_month_navigation(client, school_class, teacher, pupils):
    client.force_login(teacher)
    page = client.get(f"{reverse('journal:student_card', args=[pupils[0].pk])}?month=2026-01")
    assert page.context["previous_month"] == datetime.date(2025, 12, 1)
    assert page.context["next_month"] == datetime.date(2026, 2, 1)
    assert "?month=2025-12" in page.text


# Class month grid.


def test_class_grid_counts_lessons_missed_per_day_with_row_totals(
    client, django_assert_max_num_queries, school_class, teacher, pupils, monday
):
    for lesson in monday:
        absent(lesson, pupils[0])
    set_reasons(
        marks=list(Mark.objects.filter(student=pupils[0])[:2]),
        status="valid",
        valid_reason=ValidReason.ILLNESS,
        acting_user=teacher,
    )
    absent(make_lesson(school_class, TUE), pupils[1])
    client.force_login(teacher)

    with django_assert_max_num_queries(8):
        page = client.get(f"{reverse('journal:class_grid', args=[school_class.pk])}?month=2025-10")

    rows = {row.student: row for row in page.context["rows"]}
    assert list(rows) == pupils
    days = [day for day, _ in page.context["days"]]
    first = rows[pupils[0]]
    monday_record, monday_css, _gaps = first.cells[days.index(MON)]
    assert (monday_record.absent, monday_css) == (3, "unknown")
    assert (first.totals.absent_valid, first.totals.absent_without_valid) == (2, 1)
    tuesday_record, tuesday_css, _gaps = rows[pupils[1]].cells[days.index(TUE)]
    assert (tuesday_record.absent, tuesday_css) == (1, "unknown")
    assert dict(page.context["days"])[MON] is True
    assert dict(page.context["days"])[datetime.date(2025, 10, 12)] is False


def test_subject_teacher_sees_the_grid_of_a_class_they_teach_without_the_cards(
    client, school, school_class, pupils
):
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    stranger = factories.staff_user(Role.SUBJECT_TEACHER, school)
    absent(make_lesson(school_class, MON, 1, teacher=teacher), pupils[0])
    url = f"{reverse('journal:class_grid', args=[school_class.pk])}?month=2025-10"

    client.force_login(teacher)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["full_access"] is False
    assert reverse("journal:student_card", args=[pupils[0].pk]) not in page.text
    assert reverse("journal:class_day", args=[school_class.pk]) not in page.text
    assert client.get(reverse("journal:student_card", args=[pupils[0].pk])).status_code == 403

    client.force_login(stranger)
    assert client.get(url).status_code == 403


# Registries.


def _registry(client, kind, **params):
    return client.get(reverse("journal:registry", args=[kind]), params)


def test_not_attending_lists_who_missed_more_than_half_of_a_week(
    client, school, school_class, pupils
):
    deputy = _user(Role.DEPUTY, school)
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    lessons = [
        make_lesson(school_class, MON + datetime.timedelta(days=d), 1, teacher=teacher)
        for d in range(5)
    ]
    for lesson in lessons[:3]:  # 3 of 5 days: more than half
        absent(lesson, pupils[0])
    for lesson in lessons[:2]:  # 2 of 5 days: not a missed week
        absent(lesson, pupils[1])
    for lesson in lessons[:3]:  # excused: not without a valid reason
        mark = absent(lesson, pupils[2])
        set_reasons(marks=[mark], status="valid", valid_reason="illness", acting_user=deputy)
    client.force_login(deputy)

    page = _registry(client, "not_attending", start="2025-10-01", end="2025-10-31")

    rows = page.context["rows"]
    assert [(row.student, row.cells[0], row.cells[2], row.cells[3]) for row in rows] == [
        (pupils[0], 1, 3, 3)
    ]
    assert "13.10–19.10.2025" in page.text


def test_systematic_uses_the_band_of_the_grade(client, school, pupils, school_class):
    first_grade = factories.SchoolClassFactory(school=school, grade=1)
    little = factories.enrolled_student(first_grade)
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    # 24 lessons in October for both classes: the grade 1 band (24), not grade 5 (38).
    for offset in range(12):
        day = datetime.date(2025, 10, 1) + datetime.timedelta(days=offset)
        for period in (1, 2):
            for cls, student in ((first_grade, little), (school_class, pupils[0])):
                absent(make_lesson(cls, day, period, teacher=teacher), student)
    client.force_login(_user(Role.SOCIAL_PEDAGOGUE, school))

    page = _registry(client, "systematic", start="2025-10-01", end="2025-10-31")

    assert [(row.student, row.cells[1], row.cells[2]) for row in page.context["rows"]] == [
        (little, 24, "систематические")
    ]


def test_systematic_band_follows_the_schools_policy_setting(client, school, school_class, pupils):
    PolicyValue.objects.create(key="thresholds.hours_systematic_grades_5_9", school=school, value=4)
    PolicyValue.objects.create(key="thresholds.hours_long_grades_5_9", school=school, value=6)
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    for period in range(1, 6):
        absent(make_lesson(school_class, MON, period, teacher=teacher), pupils[0])
    for period in range(1, 7):
        absent(make_lesson(school_class, TUE, period, teacher=teacher), pupils[1])
    client.force_login(_user(Role.DEPUTY, school))

    page = _registry(client, "systematic", start="2025-10-01", end="2025-10-31")

    assert [(row.student, row.cells) for row in page.context["rows"]] == [
        (pupils[0], ["Октябрь 2025", 5, "систематические"]),
        (pupils[1], ["Октябрь 2025", 6, "длительные"]),
    ]


def test_health_and_left_registries_read_the_new_fields(client, school, school_class, pupils):
    pupils[0].not_studying_for_health = True
    pupils[0].not_studying_for_health_note = "Справка ВК № 12"
    pupils[0].save()
    leaver = factories.StudentFactory(last_name="Ушедший")
    factories.EnrollmentFactory(
        student=leaver,
        school_class=school_class,
        end_date=datetime.date(2025, 10, 20),
        leaving_category=LeavingCategory.LEFT_NOT_STUDYING,
        leaving_reason="выбыл, место обучения не установлено",
    )
    moved = factories.StudentFactory(last_name="Переехавший")
    factories.EnrollmentFactory(
        student=moved,
        school_class=school_class,
        end_date=datetime.date(2025, 10, 21),
        leaving_category=LeavingCategory.MOVED,
    )
    client.force_login(_user(Role.DEPUTY, school))

    health = _registry(client, "health", start="2025-10-01", end="2025-10-31").context["rows"]
    left = _registry(client, "left_not_studying", start="2025-10-01", end="2025-10-31")

    assert [(row.student, row.cells) for row in health] == [(pupils[0], ["Справка ВК № 12"])]
    assert [row.student for row in left.context["rows"]] == [leaver]
    assert "20.10.2025" in left.text


def test_registry_filters_by_class_and_name(client, school, school_class, pupils):
    other_class = factories.SchoolClassFactory(school=school)
    other = factories.enrolled_student(other_class, last_name="Алексеев")
    for student in (*pupils, other):
        student.not_studying_for_health = True
        student.save()
    client.force_login(_user(Role.DEPUTY, school))

    by_class = _registry(client, "health", school_class=other_class.pk).context["rows"]
    by_name = _registry(client, "health", name="алексеев").context["rows"]

    assert [row.student for row in by_class] == [other]
    assert {row.student for row in by_name} == {pupils[0], other}


def test_registry_export_opens_with_openpyxl_and_is_audited(client, school, school_class, pupils):
    pupils[1].not_studying_for_health = True
    pupils[1].not_studying_for_health_note = "надомное обучение не назначено"
    pupils[1].save()
    deputy = _user(Role.DEPUTY, school)
    client.force_login(deputy)

    response = client.get(
        reverse("journal:registry_export", args=["health"]),
        {"start": "2025-10-01", "end": "2025-10-31"},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Не обучаются по состоянию здоровья"
    assert rows[1][0] == "Период: 01.10.2025 – 31.10.2025"
    assert rows[2] == ("№", "ФИО обучающегося", "Дата рождения", "Класс", "Основание")
    assert rows[3][:2] == (1, pupils[1].full_name)
    assert rows[3][2].date() == pupils[1].birth_date
    assert rows[3][3:] == (str(school_class), "надомное обучение не назначено")
    assert len(rows) == 4
    entry = AuditEntry.objects.get(action="journal.registry.exported")
    assert (entry.actor, entry.school, entry.data["rows"]) == (deputy, school, 1)
    assert entry.data["student_ids"] == [pupils[1].pk]


def test_class_teacher_sees_only_their_class_in_registries(
    client, school, school_class, teacher, pupils
):
    other = factories.enrolled_student(factories.SchoolClassFactory(school=school))
    for student in (pupils[0], other):
        student.not_studying_for_health = True
        student.save()
    client.force_login(teacher)

    rows = _registry(client, "health").context["rows"]

    assert [row.student for row in rows] == [pupils[0]]


@pytest.mark.parametrize("page", ["journal:registry", "journal:registry_export"])
def test_registries_refuse_users_without_a_role_for_them(client, school, page):
    client.force_login(_user(Role.SUBJECT_TEACHER, school))
    assert client.get(reverse(page, args=["health"])).status_code == 403
    assert not AuditEntry.objects.filter(action="journal.registry.exported").exists()


def test_unknown_registry_is_404(client, school):
    client.force_login(_user(Role.DEPUTY, school))
    assert client.get(reverse("journal:registry", args=["everyone"])).status_code == 404


def test_registry_never_lists_another_schools_students(client, school, other_school, pupils):
    foreign = factories.enrolled_student(factories.SchoolClassFactory(school=other_school))
    for student in (pupils[0], foreign):
        student.not_studying_for_health = True
        student.save()
    client.force_login(_user(Role.DEPUTY, school))
    rows = _registry(client, "health").context["rows"]
    assert [row.student for row in rows] == [pupils[0]]


def test_card_queries_do_not_grow_with_history(
    client, django_assert_max_num_queries, school_class, teacher, pupils
):
    for period in range(1, 9):
        mark = absent(make_lesson(school_class, MON, period), pupils[0])
        set_reasons(marks=[mark], status="invalid", acting_user=teacher)
        factories.ParentContactFactory(
            student=pupils[0], school=school_class.school, contacted_at=_at(MON, 9)
        )
    client.force_login(teacher)

    # One more than before: the INSERT of the read's audit entry (its ContentType comes from
    # the per-process cache, warm in a running server).
    ContentType.objects.get_for_model(Student)
    with django_assert_max_num_queries(17):
        page = client.get(f"{reverse('journal:student_card', args=[pupils[0].pk])}?month=2025-10")

    assert len(page.context["history"]) == 16


def test_past_days_come_a_page_at_a_time_with_the_forms_collapsed(
    client, school_class, teacher, pupils
):
    days = [MON - datetime.timedelta(days=n) for n in range(1, 8)]
    for day in days:
        lesson = make_lesson(school_class, day)
        for pupil in pupils:
            absent(lesson, pupil)
    client.force_login(teacher)

    first = client.get(day_url(school_class))
    past = first.context["past_page"]
    assert past.paginator.count == len(days) * len(pupils) > PAST_DAYS_PAGE_SIZE
    assert len(past) == PAST_DAYS_PAGE_SIZE
    assert first.text.count('class="card-body py-2 past-day-reasons"') == PAST_DAYS_PAGE_SIZE
    assert "<summary" in first.text
    assert f"?date={MON:%Y-%m-%d}&amp;past_page=2" in first.text

    seen = set()
    for number in (1, 2, 3):
        page = client.get(f"{day_url(school_class)}&past_page={number}").context["past_page"]
        seen |= {(group.student, group.day) for group in page}
    assert len(seen) == len(days) * len(pupils)


def test_long_registry_comes_a_page_at_a_time_and_exports_whole(
    client, school, school_class, monkeypatch
):
    monkeypatch.setattr("journal.views.registries.REGISTRY_PAGE_SIZE", 4)
    for n in range(6):
        factories.enrolled_student(
            school_class, last_name=f"Ученик{n}", not_studying_for_health=True
        )
    client.force_login(_user(Role.DEPUTY, school))

    first = _registry(client, "health")
    assert len(first.context["rows"]) == 4 and first.context["total"] == 6
    assert "записей: 6" in first.text
    assert "page=2" in first.text
    second = _registry(client, "health", page=2)
    assert [row.student.last_name for row in second.context["rows"]] == ["Ученик4", "Ученик5"]
    assert "<td>5</td>" in second.text  # numbered on from the first page
    export = client.get(reverse("journal:registry_export", args=["health"]), {"page": 2})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 3 + 6
