"""Start pages lead into the journal: the pages people use every day are one tap away."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson


def test_subject_teacher_start_page_links_each_lesson_to_its_marking_page(client, school_class):
    lesson = make_lesson(school_class, timezone.localdate())
    client.force_login(lesson.teacher)
    page = client.get(reverse("home:start", args=[Role.SUBJECT_TEACHER])).content.decode()
    assert reverse("journal:lesson", args=[lesson.pk]) in page


def test_class_teacher_start_page_links_the_class_day_and_student_cards(client, school_class):
    teacher = class_teacher_for(school_class)
    student = factories.enrolled_student(school_class, birth_date=datetime.date(2014, 1, 1))
    school_class.academic_year.start_date = timezone.localdate() - datetime.timedelta(days=30)
    school_class.academic_year.end_date = timezone.localdate() + datetime.timedelta(days=30)
    school_class.academic_year.save()
    client.force_login(teacher)
    page = client.get(reverse("home:start", args=[Role.CLASS_TEACHER])).content.decode()
    assert reverse("journal:class_day", args=[school_class.pk]) in page
    assert reverse("journal:student_card", args=[student.pk]) in page
