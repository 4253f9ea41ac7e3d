"""The demo data of ``manage.py seed_demo`` / ``demo_logins`` (foundation item 11)."""

import datetime
import io
import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from audit.models import AuditEntry
from demo import generators
from demo.management.commands.seed_demo import SMALL_STUDENTS_PER_CLASS
from journal.models import ExcuseDocument, Lesson, Mark, Vacation
from journal.services import history
from journal.services.reasons import apply_effective_reasons
from schools.models import Enrollment, Guardian, SchoolClass, Student

TODAY = datetime.date(2026, 11, 23)
MARKS_START = TODAY - datetime.timedelta(weeks=6)
COUNTED_APPS = ("accounts", "schools", "journal", "audit")


def seed(*extra):
    out = io.StringIO()
    call_command("seed_demo", *extra, "--today", TODAY.isoformat(), stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture(scope="class")
def small_demo(django_db_setup, django_db_blocker):
    """Seed once for a whole test class (seeding takes seconds); rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed("--small")
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
def test_second_run_creates_nothing():
    seed("--small")
    first = row_counts()
    assert first["schools.Student"] > 0
    assert first["journal.Lesson"] > 0

    output = seed("--small")

    assert row_counts() == first
    assert "уже загружены" in output


@pytest.mark.django_db
@pytest.mark.usefixtures("small_demo")
class TestSmallDemo:
    def test_every_role_has_a_demo_user(self):
        held = set(RoleAssignment.objects.values_list("role", flat=True))
        assert held == set(Role.values)
        for username, role in generators.DEMO_LOGINS + generators.DEMO_LOGINS_SCHOOL_2:
            assert RoleAssignment.objects.filter(user__username=username, role=role).exists()
        # The demo subject teacher is not a class teacher, so both views can be tried.
        assert not RoleAssignment.objects.filter(
            user__username="teacher1", role=Role.CLASS_TEACHER
        ).exists()

    def test_every_class_has_its_class_teacher_and_students(self):
        classes = SchoolClass.objects.annotate(
            students=Count("enrollments__student", distinct=True)
        )
        assert classes.count() == 24
        for school_class in classes:
            assert school_class.class_teacher is not None
            assert RoleAssignment.objects.filter(
                user=school_class.class_teacher, role=Role.CLASS_TEACHER, school=school_class.school
            ).exists()
            assert SMALL_STUDENTS_PER_CLASS[0] <= school_class.students <= 8

    def test_lessons_only_on_school_days(self):
        lessons = Lesson.objects.all()
        assert (
            lessons.filter(date__lte=TODAY + datetime.timedelta(days=14)).count() == lessons.count()
        )
        assert lessons.filter(date=TODAY + datetime.timedelta(days=14)).exists()
        assert not lessons.filter(date=datetime.date(2026, 11, 4)).exists()
        assert not lessons.filter(date__week_day__in=[1, 7]).exists()  # Sunday, Saturday
        for vacation in Vacation.objects.select_related("academic_year"):
            assert not lessons.filter(
                school=vacation.academic_year.school,
                date__range=(vacation.start_date, vacation.end_date),
                school_class__grade__range=(vacation.grade_from, vacation.grade_to),
            ).exists(), vacation

    def test_no_teacher_teaches_two_lessons_at_once(self):
        clashes = (
            Lesson.objects.values("teacher", "date", "period")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        assert not clashes.exists()

    def test_english_is_taught_in_two_groups_from_grade_five(self):
        english = Lesson.objects.filter(subject__name=generators.ENGLISH)
        assert not english.filter(school_class__grade__gte=5, group=None).exists()
        assert english.filter(school_class__grade__gte=5).exclude(group=None).exists()

    def test_names_are_combinations_of_the_generator_lists(self):
        surnames = {generators.surname_for(s, g) for s in generators.SURNAMES for g in "mf"}
        patronymics = {p for pair in generators.PATRONYMICS.values() for p in pair}
        first_names = set(
            generators.BOY_NAMES
            + generators.GIRL_NAMES
            + generators.MAN_NAMES
            + generators.WOMAN_NAMES
        )
        people = list(Student.objects.values_list("last_name", "first_name", "patronymic"))
        people += list(
            User.objects.exclude(last_name="").values_list("last_name", "first_name", "patronymic")
        )
        people += [
            tuple(name.split(" ")) for name in Guardian.objects.values_list("full_name", flat=True)
        ]
        for last, first, patronymic in people:
            assert last in surnames and first in first_names and patronymic in patronymics
        for student in Student.objects.all():
            feminine = student.last_name.endswith(("а", "ая"))
            assert feminine == (student.gender == "f"), student
            assert student.patronymic.endswith("на" if feminine else ("ич"))

    def test_birth_dates_match_the_grade(self):
        for enrollment in Enrollment.objects.select_related("student", "school_class"):
            born = enrollment.student.birth_date
            age_on_first_september = 2026 - born.year - ((born.month, born.day) > (9, 1))
            assert age_on_first_september == enrollment.school_class.grade + 6, enrollment

    def test_enrollments_include_admissions_and_a_transfer(self):
        assert Enrollment.objects.filter(start_date__gt=datetime.date(2026, 9, 1)).count() >= 5
        transferred = Student.objects.annotate(n=Count("enrollments")).filter(n=2)
        assert transferred.count() == 1

    def test_marks_fall_on_lessons_while_enrolled(self):
        enrollments = defaultdict(list)
        for e in Enrollment.objects.all():
            enrollments[e.student_id].append(e)
        marks = Mark.objects.select_related("lesson")
        assert marks.exists()
        for mark in marks:
            lesson = mark.lesson
            assert mark.date == lesson.date and mark.school_id == lesson.school_id
            assert MARKS_START <= mark.date < TODAY
            assert lesson.attendance_taken_at is not None
            assert any(
                e.school_class_id == lesson.school_class_id and e.covers(lesson.date)
                for e in enrollments[mark.student_id]
            ), mark

    def test_marks_have_the_prevention_cases(self):
        absent = Mark.objects.filter(kind=Mark.Kind.ABSENT)
        # One student per school missing more than ten school days, reason unknown.
        long_absences = (
            absent.filter(reason_status="unknown")
            .values("student")
            .annotate(days=Count("date", distinct=True))
            .filter(days__gt=10)
        )
        assert long_absences.count() == 2
        invalid_days = (
            absent.filter(reason_status="invalid")
            .values("student")
            .annotate(days=Count("date", distinct=True))
        )
        assert any(4 <= row["days"] <= 6 for row in invalid_days)
        excused = absent.exclude(excuse=None)
        assert excused.exists()
        assert not excused.exclude(reason_status="valid").exists()
        assert ExcuseDocument.objects.filter(kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE).exists()
        assert Mark.objects.filter(kind=Mark.Kind.LATE, minutes_late__gt=0).exists()

    def test_reasons_in_effect_follow_the_journals_rule(self):
        """The demo decides no reason itself: recomputing every mark changes nothing."""
        marks = list(Mark.objects.all())
        assert apply_effective_reasons(marks) == []

    def test_history_is_written_as_the_services_write_it(self):
        """One entry per mark set, per reason settled by hand, per document; each entry
        dated when the change was made, naming its student."""
        entries = AuditEntry.objects.filter(action__in=history.ACTIONS)
        marks = Mark.objects.all()
        assert entries.filter(action=history.MARK_CHANGED).count() == marks.count()
        assert (
            entries.filter(action=history.REASON_SET).count()
            == marks.filter(manual_reason_status="invalid").count()
        )
        assert (
            entries.filter(action=history.EXCUSE_REGISTERED).count()
            == ExcuseDocument.objects.count()
        )
        assert not entries.filter(student=None).exists()
        assert not entries.filter(created_at__date__gte=TODAY).exists()

    def test_school_administrator_opens_every_link_of_their_start_page(self, client):
        """Role assignments go through the service: the administrator gets the admin."""
        admin = User.objects.get(username="admin1")
        assert admin.is_staff
        client.force_login(admin)
        page = client.get(reverse("home:start", args=[Role.SCHOOL_ADMIN]))
        assert page.status_code == 200
        links = set(re.findall(r'href="(/[^"#]*)"', page.content.decode()))
        links -= {reverse("accounts:logout")}
        assert len(links) >= 10
        for link in sorted(links):
            assert client.get(link, follow=True).status_code == 200, link

    def test_every_demo_login_authenticates_with_the_printed_password(self):
        out = io.StringIO()
        call_command("demo_logins", "--url", "http://testserver/", stdout=out)
        printed = out.getvalue()
        assert "http://testserver/" in printed
        password = next(
            line.split(": ", 1)[1] for line in printed.splitlines() if line.startswith("Пароль")
        )
        assert password == generators.DEMO_PASSWORD
        validate_password(password)
        for username, _role in generators.DEMO_LOGINS:
            assert username in printed
            request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
            user = authenticate(request, username=username, password=password)
            assert user is not None and user.username == username


@pytest.mark.django_db
def test_demo_logins_without_demo_data_says_so():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()


@pytest.mark.django_db
def test_default_size_has_full_classes_and_a_realistic_absence_rate():
    seed()
    sizes = SchoolClass.objects.annotate(n=Count("enrollments__student", distinct=True))
    assert all(20 <= c.n <= 29 for c in sizes)
    students_by_class = defaultdict(set)
    for e in Enrollment.objects.all():
        students_by_class[e.school_class_id].add(e.student_id)
    lessons = Lesson.objects.filter(date__gte=MARKS_START, date__lt=TODAY).exclude(
        attendance_taken_at=None
    )
    slots = 0
    for lesson in lessons.select_related("group").prefetch_related("group__students"):
        if lesson.group is not None:
            slots += len(lesson.group.students.all())
        else:
            slots += len(students_by_class[lesson.school_class_id])
    absences = Mark.objects.filter(kind=Mark.Kind.ABSENT).count()
    assert 0.04 <= absences / slots <= 0.08
