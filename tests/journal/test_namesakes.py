"""Namesakes on one roster are told apart on the marking page and in the month grid."""

import datetime

import pytest
from django.urls import reverse

from journal.services import set_mark
from schools.models import Student
from schools.namesakes import mark_namesakes
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

DAY = datetime.date(2025, 10, 14)


def student(pk, last="Иванова", first="Мария", born=datetime.date(2014, 3, 15)):
    return Student(pk=pk, last_name=last, first_name=first, birth_date=born)


def test_unique_names_get_no_hint():
    students = [student(1), student(2, first="Анна"), student(3, last="Петрова")]
    mark_namesakes(students)
    assert [s.namesake_hint for s in students] == ["", "", ""]


def test_namesakes_get_their_dates_of_birth():
    # «Ё» and «е», capitals: the same name to a reader.
    students = [
        student(1, last="Семёнова", born=datetime.date(2014, 3, 15)),
        student(2, last="семенова", born=datetime.date(2013, 12, 1)),
        student(3, first="Анна"),
    ]
    mark_namesakes(students)
    assert [s.namesake_hint for s in students] == ["р. 15.03.2014", "р. 01.12.2013", ""]


def test_namesakes_born_the_same_day_are_numbered():
    students = [student(1), student(2), student(3, born=datetime.date(2014, 5, 1))]
    mark_namesakes(students)
    assert [s.namesake_hint for s in students] == [
        "р. 15.03.2014, № 1",
        "р. 15.03.2014, № 2",
        "р. 01.05.2014",
    ]


@pytest.fixture
def namesakes(school_class):
    return [
        factories.enrolled_student(
            school_class, last_name="Иванова", first_name="Мария", birth_date=born
        )
        for born in (datetime.date(2014, 3, 15), datetime.date(2013, 12, 1))
    ]


def test_marking_page_tells_namesakes_apart(client, school_class, namesakes):
    lesson = make_lesson(school_class, DAY)
    client.force_login(lesson.teacher)
    html = client.get(reverse("journal:lesson", args=[lesson.pk])).content.decode()
    assert "Иванова</span> Мария <span" in html
    assert "(р. 15.03.2014)" in html and "(р. 01.12.2013)" in html


def test_month_grid_tells_namesakes_apart(client, school_class, namesakes):
    client.force_login(class_teacher_for(school_class))
    url = reverse("journal:class_grid", args=[school_class.pk])
    html = client.get(f"{url}?month=2025-10").content.decode()
    assert html.count('data-testid="namesake-hint"') == 2
    assert "(р. 15.03.2014)" in html and "(р. 01.12.2013)" in html


def test_class_day_tells_a_listed_child_from_a_namesake_in_the_class(
    client, school_class, namesakes
):
    # Only one of the two is absent: the list still says which one.
    lesson = make_lesson(school_class, DAY)
    set_mark(lesson=lesson, student_id=namesakes[1].pk, kind="absent", acting_user=lesson.teacher)
    client.force_login(class_teacher_for(school_class))
    url = reverse("journal:class_day", args=[school_class.pk])
    html = client.get(f"{url}?date={DAY:%Y-%m-%d}").content.decode()
    assert "(р. 01.12.2013)" in html
    assert "(р. 15.03.2014)" not in html


def test_the_same_child_listed_twice_is_not_their_own_namesake():
    first, again, twin = student(1), student(1), student(2)
    mark_namesakes([first, again], roster=[first, twin])
    assert first.namesake_hint == again.namesake_hint == "р. 15.03.2014, № 1"
