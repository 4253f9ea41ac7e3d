"""Year-end rollover (issue #15 point 2): a school like the demo's first (1–11 «А», 1 «Б»,
5 «Б») goes into the next year — grades up, the 11th graduates, empty first grades open —
only once the preview is confirmed, in one go, and a second run changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from schools.models import AcademicYear, Enrollment, LeavingCategory, SchoolClass
from schools.rollover import RolloverError, apply_rollover, plan_rollover
from schools.services import withdraw_student
from tests import factories

pytestmark = pytest.mark.django_db

DEMO_CLASSES = sorted([(g, "А") for g in range(1, 12)] + [(1, "Б"), (5, "Б")])


def _school(staffed, classes=DEMO_CLASSES, per_class=2):
    """The school's classes of the year, ``per_class`` pupils each, a class teacher each."""
    made = {}
    for grade, letter in classes:
        made[(grade, letter)] = factories.SchoolClassFactory(
            school=staffed.school,
            academic_year=staffed.year,
            grade=grade,
            letter=letter,
            class_teacher=staffed.class_teacher if (grade, letter) == (5, "Б") else None,
        )
        for _ in range(per_class):
            factories.EnrollmentFactory(
                student=factories.StudentFactory(),
                school_class=made[(grade, letter)],
                start_date=staffed.year.start_date,
            )
    return made


def _snapshot():
    return (
        AcademicYear.objects.count(),
        SchoolClass.objects.count(),
        sorted(
            Enrollment.objects.values_list("pk", "school_class_id", "end_date", "leaving_category")
        ),
    )


def _post(client, staffed, fingerprint):
    return client.post(
        reverse("administration:rollover", args=[staffed.school.pk]),
        {"year": staffed.year.pk, "fingerprint": fingerprint},
    )


def test_demo_school_rolls_over_after_the_preview_only(client, staffed):
    classes = _school(staffed)
    left = Enrollment.objects.filter(school_class=classes[(3, "А")]).first()
    withdraw_student(
        student=left.student,
        last_day=staffed.year.start_date + datetime.timedelta(days=30),
        category=LeavingCategory.MOVED,
        acting_user=staffed.admin,
    )
    before = _snapshot()
    client.force_login(staffed.admin)
    url = reverse("administration:rollover", args=[staffed.school.pk])
    response = client.get(url)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.creates_year and plan.last_grade == 11
    assert (plan.promoted_count, plan.graduate_count) == (2 * 12 - 1, 2)
    assert "6 «Б»" in response.content.decode()
    assert _snapshot() == before  # the preview changes nothing

    assert _post(client, staffed, plan.fingerprint).status_code == 302
    following = AcademicYear.objects.get(
        school=staffed.school, start_date__gt=staffed.year.end_date
    )
    start_year = staffed.year.start_date.year
    assert following.name == f"{start_year + 1}/{start_year + 2}"
    new_classes = {
        (c.grade, c.letter): c for c in SchoolClass.objects.filter(academic_year=following)
    }
    assert sorted(new_classes) == sorted(
        [(g, "А") for g in range(1, 12)] + [(1, "Б"), (2, "Б"), (6, "Б")]
    )
    # Every pupil one grade up with the same letter, from the first day of the new year.
    for (grade, letter), school_class in classes.items():
        for enrollment in Enrollment.objects.filter(school_class=school_class):
            if enrollment.student_id == left.student_id:
                assert enrollment.leaving_category == LeavingCategory.MOVED
                assert not Enrollment.objects.filter(
                    school_class__academic_year=following, student_id=left.student_id
                ).exists()
                continue
            assert enrollment.end_date == staffed.year.end_date
            if grade == 11:
                assert enrollment.leaving_category == LeavingCategory.GRADUATED
                continue
            assert enrollment.leaving_category == ""
            moved = Enrollment.objects.get(
                student_id=enrollment.student_id, school_class__academic_year=following
            )
            assert (moved.school_class.grade, moved.school_class.letter) == (grade + 1, letter)
            assert moved.start_date == following.start_date and moved.end_date is None
    # New first grades are empty; the class teacher goes up with the class.
    assert not Enrollment.objects.filter(
        school_class__in=[new_classes[(1, "А")], new_classes[(1, "Б")]]
    ).exists()
    assert new_classes[(6, "Б")].class_teacher == staffed.class_teacher
    assert AuditEntry.objects.filter(
        action="schools.rollover.applied", actor=staffed.admin
    ).exists()
    assert AuditEntry.objects.filter(action="schools.enrollment.graduated").count() == 2
    assert AuditEntry.objects.filter(action="schools.enrollment.promoted").count() == 2 * 12 - 1

    # A second run finds nothing to do and changes nothing.
    after = _snapshot()
    again = plan_rollover(year=staffed.year)
    assert again.is_empty
    assert _post(client, staffed, again.fingerprint).status_code == 302
    assert _snapshot() == after
    assert AuditEntry.objects.filter(action="schools.rollover.applied").count() == 1


def test_a_stale_preview_is_refused_and_changes_nothing(staffed):
    classes = _school(staffed, classes=[(4, "А"), (5, "А")], per_class=1)
    preview = plan_rollover(year=staffed.year)
    factories.EnrollmentFactory(
        student=factories.StudentFactory(),
        school_class=classes[(4, "А")],
        start_date=staffed.year.start_date,
    )
    before = _snapshot()
    with pytest.raises(RolloverError, match="изменились"):
        apply_rollover(
            year=staffed.year, fingerprint=preview.fingerprint, acting_user=staffed.admin
        )
    assert _snapshot() == before


def test_a_basic_school_graduates_its_ninth_grade(staffed):
    _school(staffed, classes=[(g, "А") for g in range(1, 10)], per_class=1)
    plan = plan_rollover(year=staffed.year)
    assert plan.last_grade == 9
    nine = next(step for step in plan.steps if step.source.grade == 9)
    assert nine.graduates and len(nine.students) == 1


def test_an_existing_next_year_and_a_pupil_moved_by_hand_are_kept(staffed):
    classes = _school(staffed, classes=[(7, "А"), (7, "В")], per_class=2)
    end = staffed.year.end_date
    following = AcademicYear.objects.create(
        school=staffed.school,
        name="следующий",
        start_date=end + datetime.timedelta(days=62),
        end_date=end + datetime.timedelta(days=62 + 300),
    )
    eight_a = SchoolClass.objects.create(
        school=staffed.school, academic_year=following, grade=8, letter="А"
    )
    by_hand = Enrollment.objects.filter(school_class=classes[(7, "В")]).first()
    by_hand.end_date = end
    by_hand.save()
    Enrollment.objects.create(
        student=by_hand.student, school_class=eight_a, start_date=following.start_date
    )
    plan = plan_rollover(year=staffed.year)
    assert not plan.creates_year and plan.target == following
    steps = {step.source.letter: step for step in plan.steps}
    assert steps["А"].target == eight_a and not steps["А"].opens_target
    assert len(steps["В"].students) == 1 and steps["В"].opens_target
    apply_rollover(year=staffed.year, fingerprint=plan.fingerprint, acting_user=staffed.director)
    assert AcademicYear.objects.filter(school=staffed.school).count() == 2
    assert Enrollment.objects.filter(school_class=eight_a).count() == 3


def test_only_the_school_managers_roll_over(client, staffed):
    _school(staffed, classes=[(2, "А")], per_class=1)
    plan = plan_rollover(year=staffed.year)
    with pytest.raises(RolloverError):
        apply_rollover(
            year=staffed.year, fingerprint=plan.fingerprint, acting_user=staffed.class_teacher
        )
    client.force_login(staffed.neighbour_admin)
    assert _post(client, staffed, plan.fingerprint).status_code == 404
    assert AcademicYear.objects.filter(school=staffed.school).count() == 1


def test_bad_input_is_a_message_not_a_500(client, staffed):
    client.force_login(staffed.admin)
    url = reverse("administration:rollover", args=[staffed.school.pk])
    assert client.get(url, {"year": "abc"}).status_code == 200
    assert client.post(url, {"year": "9" * 30, "fingerprint": "x"}).status_code == 200
    assert client.post(url, {"year": staffed.neighbour.academic_years.get().pk}).status_code == 200


def test_preview_queries_do_not_grow_with_classes(client, staffed):
    client.force_login(staffed.admin)
    url = reverse("administration:rollover", args=[staffed.school.pk])
    _school(staffed, classes=[(g, "А") for g in range(1, 4)], per_class=2)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    _school(staffed, classes=[(g, "Б") for g in range(1, 12)], per_class=4)
    assert count() == few


def test_pupils_kept_in_their_grade_repeat_it_next_year(client, staffed):
    classes = _school(staffed, classes=[(3, "А"), (11, "А")], per_class=2)
    repeater = Enrollment.objects.filter(school_class=classes[(3, "А")]).first().student
    senior = Enrollment.objects.filter(school_class=classes[(11, "А")]).first().student
    plan = plan_rollover(year=staffed.year)
    client.force_login(staffed.admin)
    url = reverse("administration:rollover", args=[staffed.school.pk])
    # An id not on the list is refused, nothing changes.
    stranger = factories.enrolled_student(factories.SchoolClassFactory(school=staffed.neighbour))
    before = _snapshot()
    response = client.post(
        url,
        {"year": staffed.year.pk, "fingerprint": plan.fingerprint, "repeaters": [stranger.pk]},
        follow=True,
    )
    assert "только обучающихся из списка" in response.content.decode()
    assert client.post(url, {"year": staffed.year.pk, "repeaters": ["x"]}).status_code == 200
    assert _snapshot() == before
    client.post(
        url,
        {
            "year": staffed.year.pk,
            "fingerprint": plan.fingerprint,
            "repeaters": [repeater.pk, senior.pk],
        },
    )
    following = AcademicYear.objects.get(
        school=staffed.school, start_date__gt=staffed.year.end_date
    )
    for student, grade in ((repeater, 3), (senior, 11)):
        again = Enrollment.objects.get(student=student, school_class__academic_year=following)
        assert (again.school_class.grade, again.school_class.letter, again.repeats_grade) == (
            grade,
            "А",
            True,
        )
    senior_old = Enrollment.objects.get(student=senior, school_class=classes[(11, "А")])
    assert senior_old.leaving_category == ""  # not a graduate
    assert plan_rollover(year=staffed.year).is_empty
    assert AuditEntry.objects.filter(action="schools.enrollment.repeats_grade").count() == 2
