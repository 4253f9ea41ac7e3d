"""Small builders for journal tests that need exact lessons on exact dates."""

import datetime

from accounts.roles import Role
from journal.models import Lesson
from tests import factories


def make_lesson(school_class, day: datetime.date, period: int = 1, *, teacher=None, **kwargs):
    school = school_class.school
    if teacher is None:
        teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    subject = kwargs.pop("subject", None) or factories.SubjectFactory(
        school=school, name="Математика"
    )
    return Lesson.objects.create(
        school=school,
        school_class=school_class,
        date=day,
        period=period,
        subject=subject,
        teacher=teacher,
        duration_minutes=kwargs.pop("duration_minutes", 40),
        **kwargs,
    )


def class_teacher_for(school_class):
    user = factories.staff_user(Role.CLASS_TEACHER, school_class.school)
    school_class.class_teacher = user
    school_class.save(update_fields=["class_teacher"])
    return user
