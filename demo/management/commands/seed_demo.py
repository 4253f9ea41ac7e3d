"""Demo data: a region with two schools, staff for every role, a year of lessons and marks.

Idempotent: the demo region is found by its fixed name and, when it exists, only the
lesson horizon is extended (lesson generation is idempotent). Everything is invented;
names are random combinations of the lists in ``demo.generators``.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import assign_role
from demo import generators
from demo.casework import seed_casework
from demo.notify import seed_parent_messages
from demo.reporting import seed_reports
from journal.models import (
    BellPeriod,
    ExcuseDocument,
    Lesson,
    Mark,
    ReasonStatus,
    Term,
    TimetableEntry,
    Vacation,
)
from journal.services import history
from journal.services.marks import snapshot
from journal.services.reasons import apply_effective_reasons
from journal.signals import notify_attendance_changed
from journal.timetable import generate_lessons
from schools.models import (
    AcademicYear,
    ClassGroup,
    Enrollment,
    Guardian,
    LeavingCategory,
    Municipality,
    Region,
    School,
    SchoolClass,
    Student,
    Subject,
)
from schools.services import enroll_student, transfer_student, withdraw_student

LESSON_HORIZON = datetime.timedelta(weeks=2)
MARKS_WINDOW = datetime.timedelta(weeks=6)
STUDENTS_PER_CLASS = (22, 28)
SMALL_STUDENTS_PER_CLASS = (5, 7)


@dataclass(frozen=True)
class SchoolSpec:
    number: int
    name: str
    short_name: str
    address: str
    classes: tuple[tuple[int, str], ...]


SCHOOLS = (
    SchoolSpec(
        1,
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1» (демо)",
        "МБОУ СОШ № 1 (демо)",
        f"{generators.DEMO_CITY}, ул. Школьная, д. 1",
        tuple(sorted([(g, "А") for g in range(1, 12)] + [(1, "Б"), (5, "Б")])),
    ),
    SchoolSpec(
        2,
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 2» (демо)",
        "МБОУ СОШ № 2 (демо)",
        f"{generators.DEMO_CITY}, пр-т Победы, д. 27",
        tuple((g, "А") for g in range(1, 12)),
    ),
)


class Command(BaseCommand):
    help = "Create the demo region, two schools, staff, students, timetable, lessons and marks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--small", action="store_true", help="About 6 students per class (for tests)."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD); default: the real date.",
        )

    def handle(self, *args, small=False, today=None, **options):
        today = today or timezone.localdate()
        started = time.monotonic()
        with transaction.atomic():
            region = Region.objects.filter(name=generators.DEMO_REGION_NAME).first()
            if region is not None:
                added = extend_lessons(region=region, today=today)
                self.stdout.write(
                    f"Демо-данные уже загружены; новых уроков: {added}. "
                    f"({time.monotonic() - started:.1f} с)"
                )
                return
            summary = DemoBuilder(today=today, small=small, log=self.stdout.write).build()
        self.stdout.write(
            self.style.SUCCESS(f"Демо-данные созданы за {time.monotonic() - started:.1f} с: ")
            + ", ".join(f"{k}: {v}" for k, v in summary.items())
        )


def extend_lessons(*, region: Region, today: datetime.date) -> int:
    """Keep lessons generated two weeks ahead when the demo is started again later."""
    added = 0
    for school in School.objects.filter(municipality__region=region):
        year = school.academic_years.filter(start_date__lte=today, end_date__gte=today).first()
        if year is None:
            continue
        admin = User.objects.filter(
            role_assignments__school=school, role_assignments__role=Role.SCHOOL_ADMIN
        ).first()
        end = min(year.end_date, today + LESSON_HORIZON)
        added += generate_lessons(school=school, start=year.start_date, end=end, acting_user=admin)
    return added


def aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


class DemoBuilder:
    def __init__(self, *, today: datetime.date, small: bool, log):
        self.today = today
        self.small = small
        self.log = log
        self.rng = random.Random(generators.SEED)
        self.people = generators.PeopleGenerator(self.rng)
        self.plan = generators.academic_year_for(today)
        # One hash for every demo user: hashing is deliberately slow (~0.3 s each).
        self.password_hash = make_password(generators.DEMO_PASSWORD)
        self.summary: dict[str, int] = defaultdict(int)

    def build(self) -> dict[str, int]:
        region = Region.objects.create(
            name=generators.DEMO_REGION_NAME, code="45", iso_code="RU-KGN"
        )
        municipality = Municipality.objects.create(
            region=region, name=generators.DEMO_MUNICIPALITY_NAME
        )
        self._territory_staff(region, municipality)
        schools = [self._school(spec, municipality) for spec in SCHOOLS]
        for school, admin in schools:
            step = time.monotonic()
            end = min(self.plan.end, self.today + LESSON_HORIZON)
            self.summary["уроков"] += generate_lessons(
                school=school, start=self.plan.start, end=end, acting_user=admin
            )
            self._first_grade_step_mode(school)
            self.log(f"  {school.short_name}: уроки за {time.monotonic() - step:.1f} с")
        step = time.monotonic()
        for school, _admin in schools:
            for key, value in seed_marks(
                school=school,
                start=self.today - MARKS_WINDOW,
                today=self.today,
                rng=self.rng,
            ).items():
                self.summary[key] += value
        self.log(f"  отметки за {time.monotonic() - step:.1f} с")
        step = time.monotonic()
        for school, _admin in schools:
            for key, value in seed_casework(school=school, today=self.today, rng=self.rng).items():
                self.summary[key] += value
        self.log(f"  профилактическая работа за {time.monotonic() - step:.1f} с")
        step = time.monotonic()
        municipal = User.objects.filter(username="municipal").first()
        for school, _admin in schools:
            for key, value in seed_reports(
                school=school, today=self.today, municipal=municipal
            ).items():
                self.summary[key] += value
        self.log(f"  отчёты за {time.monotonic() - step:.1f} с")
        for school, _admin in schools:
            for key, value in seed_parent_messages(
                school=school, today=self.today, rng=self.rng
            ).items():
                self.summary[key] += value
        return dict(self.summary)

    # --- People -----------------------------------------------------------------------

    def _user(self, username: str, person: generators.Person, position: str) -> User:
        return User(
            username=username,
            first_name=person.first_name,
            last_name=person.last_name,
            patronymic=person.patronymic,
            position=position,
            phone=self.people.phone(),
            email=f"{username.replace('.', '-')}@example.org",
            password=self.password_hash,
        )

    def _territory_staff(self, region: Region, municipality: Municipality) -> None:
        municipal, regional = User.objects.bulk_create(
            [
                self._user(
                    "municipal",
                    self.people.adult("f"),
                    "Главный специалист управления образования",
                ),
                self._user(
                    "regional", self.people.adult("m"), "Консультант министерства образования"
                ),
            ]
        )
        assign_role(
            user=municipal, role=Role.MUNICIPAL, municipality=municipality, acting_user=None
        )
        assign_role(user=regional, role=Role.REGIONAL, region=region, acting_user=None)
        self.summary["пользователей"] += 2

    # --- A school -----------------------------------------------------------------------

    def _school(self, spec: SchoolSpec, municipality: Municipality) -> tuple[School, User]:
        step = time.monotonic()
        n = spec.number
        school = School.objects.create(
            municipality=municipality,
            name=spec.name,
            short_name=spec.short_name,
            address=spec.address,
            phone=f"+7 (35{n}2) 4{n}-1{n}-0{n}",
            email=f"school{n}@example.org",
            lesson_minutes=45,
        )
        year = self._calendar(school)
        subjects = {
            s.name: s
            for s in Subject.objects.bulk_create(
                Subject(school=school, name=name, short_name=short)
                for name, short in generators.SUBJECT_SHORT_NAMES.items()
            )
        }
        classes = {
            (c.grade, c.letter): c
            for c in SchoolClass.objects.bulk_create(
                SchoolClass(school=school, academic_year=year, grade=g, letter=letter)
                for g, letter in spec.classes
            )
        }
        teacher_plans, units = generators.plan_staff(list(spec.classes), self.people)
        grid = generators.build_timetable(units, self.rng)
        users, class_teachers = self._staff(school, n, teacher_plans, units)
        for key, school_class in classes.items():
            school_class.class_teacher = users[class_teachers[key]]
        SchoolClass.objects.bulk_update(classes.values(), ["class_teacher"])
        school.director_name = users["director"].full_name
        school.save(update_fields=["director_name"])

        groups = self._students(school, n, classes, year)
        self._timetable(classes, groups, grid, subjects, users, teacher_plans, year)
        self.log(
            f"  {school.short_name}: школа, люди и расписание за {time.monotonic() - step:.1f} с"
        )
        return school, users["admin"]

    def _calendar(self, school: School) -> AcademicYear:
        plan = self.plan
        year = AcademicYear.objects.create(
            school=school,
            name=plan.name,
            start_date=plan.start,
            end_date=plan.end,
            term_system=AcademicYear.TermSystem.QUARTERS,
        )
        Term.objects.bulk_create(
            Term(academic_year=year, number=i, start_date=start, end_date=end)
            for i, (start, end) in enumerate(plan.terms, start=1)
        )
        Vacation.objects.bulk_create(
            Vacation(
                academic_year=year,
                name=name,
                start_date=start,
                end_date=end,
                grade_from=grade_from,
                grade_to=grade_to,
            )
            for name, start, end, grade_from, grade_to in plan.vacations
        )
        BellPeriod.objects.bulk_create(
            BellPeriod(
                school=school,
                number=number,
                start_time=datetime.time.fromisoformat(start),
                end_time=datetime.time.fromisoformat(end),
            )
            for number, start, end in generators.BELLS
        )
        return year

    def _staff(self, school, n, teacher_plans, units):
        """Users and role assignments of one school; returns users by plan key."""
        class_teachers = choose_class_teachers(teacher_plans, units)
        homeroom_keys = set(class_teachers.values())
        # The demo «teacher» login is a subject teacher with no class of their own.
        plain_teacher = next(
            key
            for profile in ("math", "russian", "history", "physics")
            for key in sorted(teacher_plans)
            if teacher_plans[key].profile == profile and key not in homeroom_keys
        )
        usernames = {plain_teacher: f"teacher{n}", class_teachers[(5, "А")]: f"classteacher{n}"}
        for i, key in enumerate(sorted(teacher_plans), start=1):
            usernames.setdefault(key, f"s{n}.teacher{i:02d}")

        administration = [
            ("director", f"director{n}", Role.DIRECTOR, "Директор"),
            (
                "deputy",
                f"deputy{n}",
                Role.DEPUTY,
                "Заместитель директора по учебно-воспитательной работе",
            ),
            ("admin", f"admin{n}", Role.SCHOOL_ADMIN, "Администратор информационной системы"),
            ("socped", f"socped{n}", Role.SOCIAL_PEDAGOGUE, "Социальный педагог"),
            ("psych", f"psych{n}", Role.PSYCHOLOGIST, "Педагог-психолог"),
        ]
        keys, rows = [], []
        for key, username, _role, position in administration:
            gender = "m" if key == "director" and n == 2 else "f"
            keys.append(key)
            rows.append(self._user(username, self.people.adult(gender), position))
        for key in sorted(teacher_plans):
            plan = teacher_plans[key]
            keys.append(key)
            rows.append(self._user(usernames[key], plan.person, plan.position))
        users = dict(zip(keys, User.objects.bulk_create(rows), strict=True))

        # Through the service: it gives the administrator the admin's staff flag and audits.
        assignments = [(users[key], role) for key, _username, role, _position in administration]
        assignments += [(users[key], Role.SUBJECT_TEACHER) for key in teacher_plans]
        assignments += [(users[key], Role.CLASS_TEACHER) for key in homeroom_keys]
        for user, role in assignments:
            assign_role(user=user, role=role, school=school, acting_user=None)
        self.summary["пользователей"] += len(users)
        return users, class_teachers

    def _students(self, school, n, classes, year):
        """Students, guardians, enrollments and English subgroups; returns groups by class."""
        low, high = SMALL_STUDENTS_PER_CLASS if self.small else STUDENTS_PER_CLASS
        people = self.people
        year_start = self.plan.start.year
        students, guardians, roster = [], [], []
        for key in sorted(classes):
            for _ in range(self.rng.randint(low, high)):
                child, mother, father = people.family()
                address = people.address()
                student = Student(
                    last_name=child.last_name,
                    first_name=child.first_name,
                    patronymic=child.patronymic,
                    gender=child.gender,
                    birth_date=people.birth_date(key[0], year_start),
                    actual_address=address,
                    registration_address=address if self.rng.random() < 0.9 else people.address(),
                    **family_flags(self.rng),
                )
                students.append(student)
                roster.append(key)
                guardians.append(self._guardians(student, mother, father, address))
        Student.objects.bulk_create(students)
        Guardian.objects.bulk_create(
            Guardian(student=s, **g) for s, gs in zip(students, guardians, strict=True) for g in gs
        )
        self.summary["обучающихся"] += len(students)

        members: dict[tuple[int, str], list[Student]] = defaultdict(list)
        for student, key in zip(students, roster, strict=True):
            members[key].append(student)
        admissions, transfers, departures = self._movements(n, classes, members)
        # Through the schools services, as the administrator would record them (audited).
        for student, key in zip(students, roster, strict=True):
            start, basis = admissions.get(
                student.pk,
                (self.plan.start, f"Приказ о зачислении № {10 + key[0]}-у от 25.08.{year_start}"),
            )
            enroll_student(
                student=student,
                school_class=classes[key],
                start_date=start,
                basis=basis,
                acting_user=None,
            )
        for student, to_class, day, reason in transfers:
            transfer_student(
                student=student, to_class=to_class, on_date=day, reason=reason, acting_user=None
            )
        for student, last_day, reason in departures:
            withdraw_student(
                student=student,
                last_day=last_day,
                category=LeavingCategory.MOVED,
                reason=reason,
                acting_user=None,
            )
        return self._groups(classes, members, transfers)

    def _guardians(self, student, mother, father, address) -> list[dict]:
        def row(person, relation):
            return {
                "full_name": person.full_name,
                "relation": relation,
                "phone": self.people.phone(),
                "address": address,
                "workplace": self.rng.choice(generators.WORKPLACES),
            }

        if self.rng.random() < 0.02:
            grandmother = self.people.adult("f", father.last_name)
            student.notes = "Под опекой бабушки."
            return [row(grandmother, Guardian.Relation.GUARDIAN)]
        if student.single_parent:
            lone = father if self.rng.random() < 0.15 else mother
            return [row(lone, "father" if lone is father else "mother")]
        if self.rng.random() < 0.75:
            return [row(mother, Guardian.Relation.MOTHER), row(father, Guardian.Relation.FATHER)]
        return [row(mother, Guardian.Relation.MOTHER)]

    def _movements(self, n, classes, members):
        """Mid-year admissions, a transfer between classes and a student who left (R-CAL-4):
        ({student id: (start, basis)}, [(student, class, day, reason)],
        [(student, last day, reason)])."""
        y = self.plan.start.year
        if n == 1:
            admitted = [
                ((3, "А"), datetime.date(y, 9, 14)),
                ((7, "А"), datetime.date(y, 10, 5)),
                ((9, "А"), datetime.date(y, 11, 9)),
            ]
        else:
            admitted = [((4, "А"), datetime.date(y, 9, 21)), ((8, "А"), datetime.date(y, 11, 16))]
        admissions = {
            members[key][-1].pk: (
                start,
                f"Приказ о зачислении № {start.day}-у от {start:%d.%m.%Y} (прибыл из другой школы)",
            )
            for key, start in admitted
        }
        if n == 1:
            # Transfer 5 «А» → 5 «Б» on a Monday inside the marks window.
            moved = members[(5, "А")][0]
            day = datetime.date(y, 10, 12)
            return admissions, [(moved, classes[(5, "Б")], day, "Заявление родителей")], []
        left = members[(6, "А")][-1]
        departure = (left, datetime.date(y, 10, 23), "Выбытие в другой регион (переезд семьи)")
        return admissions, [], [departure]

    def _groups(self, classes, members, transfers):
        groups: dict[tuple[int, str], dict[int, ClassGroup]] = {}
        rows = []
        for key, school_class in classes.items():
            if generators.splits_into_groups(key[0], generators.ENGLISH):
                for number in (1, 2):
                    rows.append(
                        ClassGroup(school_class=school_class, name=f"Английский язык, {number} гр.")
                    )
        ClassGroup.objects.bulk_create(rows)
        for group in rows:
            key = (group.school_class.grade, group.school_class.letter)
            groups.setdefault(key, {})[int(group.name.split(", ")[1][0])] = group

        through = ClassGroup.students.through
        links = []
        for key, class_groups in groups.items():
            ordered = sorted(members[key], key=lambda s: (s.last_name, s.first_name))
            half = (len(ordered) + 1) // 2
            for i, student in enumerate(ordered):
                links.append(
                    through(classgroup=class_groups[1 if i < half else 2], student=student)
                )
        # A transferred student joins a group of the new class; old lessons keep the old one.
        for student, to_class, _day, _reason in transfers:
            key = (to_class.grade, to_class.letter)
            if key in groups:
                links.append(through(classgroup=groups[key][2], student=student))
        through.objects.bulk_create(links)
        return groups

    def _timetable(self, classes, groups, grid, subjects, users, teacher_plans, year):
        rooms = assign_rooms(teacher_plans)
        entries = []
        for key, slots in grid.items():
            for (weekday, period), unit in sorted(slots.items()):
                for i, teacher in enumerate(unit.teachers):
                    entries.append(
                        TimetableEntry(
                            school_class=classes[key],
                            group=groups[key][unit.groups[i]] if unit.groups else None,
                            weekday=weekday,
                            period=period,
                            subject=subjects[unit.subject],
                            teacher=users[teacher],
                            room=rooms[teacher],
                            valid_from=year.start_date,
                        )
                    )
        TimetableEntry.objects.bulk_create(entries)
        self.summary["строк расписания"] += len(entries)

    def _first_grade_step_mode(self, school: School) -> None:
        """Grade 1 has 35-minute lessons in the first half-year (СанПиН «ступенчатый режим»)."""
        winter = next(v for v in self.plan.vacations if v[0].startswith("Зимние"))
        # Plain column filters only: PostgreSQL plans UPDATE … WHERE id IN (a join) badly
        # (minutes) on freshly filled tables that have no statistics yet.
        first_grade = list(
            SchoolClass.objects.filter(school=school, grade=1).values_list("pk", flat=True)
        )
        Lesson.objects.filter(school_class_id__in=first_grade, date__lt=winter[1]).update(
            duration_minutes=35
        )


def family_flags(rng: random.Random) -> dict[str, bool]:
    large = rng.random() < 0.10
    return {
        "large_family": large,
        "low_income": rng.random() < (0.30 if large else 0.06),
        "single_parent": rng.random() < 0.15,
        "difficult_life_situation": rng.random() < 0.03,
        "socially_dangerous_position": rng.random() < 0.01,
        "disability": rng.random() < 0.02,
    }


def choose_class_teachers(teacher_plans, units) -> dict[tuple[int, str], str]:
    """Primary teachers lead their own class; a senior class gets its busiest free teacher."""
    chosen: dict[tuple[int, str], str] = {}
    for key in sorted(units):
        if key[0] <= 4:
            chosen[key] = f"primary-{key[0]}{key[1]}"
            continue
        hours: dict[str, int] = defaultdict(int)
        for unit in units[key]:
            for teacher in unit.teachers:
                hours[teacher] += 1
        taken = set(chosen.values())
        chosen[key] = max((t for t in hours if t not in taken), key=lambda t: (hours[t], t))
    return chosen


def assign_rooms(teacher_plans) -> dict[str, str]:
    rooms = {}
    number = 100
    for key in sorted(teacher_plans):
        if teacher_plans[key].profile == "pe":
            rooms[key] = "Спортзал"
            continue
        number += 1 if number % 100 < 20 else 81
        rooms[key] = str(number)
    return rooms


# --- Marks -------------------------------------------------------------------------------


def seed_marks(
    *, school: School, start: datetime.date, today: datetime.date, rng: random.Random
) -> dict[str, int]:
    """About six weeks of absences and lateness before ``today`` with realistic structure."""
    return MarkSeeder(school=school, start=start, today=today, rng=rng).run()


@dataclass
class LessonRow:
    id: int
    class_id: int
    group_id: int | None
    date: datetime.date
    period: int
    teacher_id: int
    duration: int


class MarkSeeder:
    """Plans absences per student over the school days they were enrolled, then bulk-inserts.

    Structure: mostly whole-day illness streaks of 2–5 days excused by a medical
    certificate; recent absences still without a reason; one student missing more
    than ten school days and one missing 4–6 days without a valid reason; two
    chronic skippers of single lessons; releases by order for olympiads; lateness.
    """

    POLYCLINIC = "ГБУЗ «Демоградская детская поликлиника»"
    RECENT_DAYS = 3  # documents for the last school days have not been brought yet

    def __init__(self, *, school: School, start: datetime.date, today, rng: random.Random):
        self.school = school
        self.start = start
        self.today = today
        self.rng = rng
        self.marks: dict[tuple[int, int], dict] = {}
        self.excuses: list = []
        self.excuse_lessons: list[tuple[object, int]] = []

    # --- Loading ----------------------------------------------------------------------

    def _load(self) -> None:
        rows = Lesson.objects.filter(
            school=self.school,
            date__gte=self.start,
            date__lt=self.today,
            status=Lesson.Status.SCHEDULED,
        ).values_list(
            "id", "school_class_id", "group_id", "date", "period", "teacher_id", "duration_minutes"
        )
        self.lessons = [LessonRow(*row) for row in rows]
        self.days = sorted({lesson.date for lesson in self.lessons})
        by_class_day: dict[tuple[int, datetime.date], list[LessonRow]] = defaultdict(list)
        for lesson in sorted(self.lessons, key=lambda x: x.period):
            by_class_day[(lesson.class_id, lesson.date)].append(lesson)

        # A few of the last day's lessons are still unmarked: the teacher forgot.
        last_day = [x for x in self.lessons if self.days and x.date == self.days[-1]]
        self.untaken = {x.id for x in self.rng.sample(last_day, min(2, len(last_day)))}

        groups_of: dict[int, set[int]] = defaultdict(set)
        through = ClassGroup.students.through
        for student_id, group_id in through.objects.filter(
            classgroup__school_class__school=self.school
        ).values_list("student_id", "classgroup_id"):
            groups_of[student_id].add(group_id)

        self.classes = {
            c.pk: c
            for c in SchoolClass.objects.filter(school=self.school).order_by("grade", "letter")
        }
        # student → [(date, lessons of that day)] over the days they were enrolled.
        self.timeline: dict[int, list[tuple[datetime.date, list[LessonRow]]]] = defaultdict(list)
        self.class_of: dict[int, SchoolClass] = {}
        for enrollment in Enrollment.objects.filter(school=self.school).order_by(
            "student_id", "start_date"
        ):
            student = enrollment.student_id
            self.class_of[student] = self.classes[enrollment.school_class_id]
            for day in self.days:
                if not enrollment.covers(day):
                    continue
                todays = [
                    x
                    for x in by_class_day.get((enrollment.school_class_id, day), [])
                    if (x.group_id is None or x.group_id in groups_of[student])
                    and x.id not in self.untaken
                ]
                if todays:
                    self.timeline[student].append((day, todays))

    # --- Planning -----------------------------------------------------------------------

    def _absent(self, student: int, lesson: LessonRow, **reason) -> None:
        key = (lesson.id, student)
        if key in self.marks:
            return
        self.marks[key] = {
            "lesson_id": lesson.id,
            "student_id": student,
            "school_id": self.school.pk,
            "date": lesson.date,
            "kind": Mark.Kind.ABSENT,
            "created_by_id": lesson.teacher_id,
            "updated_by_id": lesson.teacher_id,
            **reason,
        }

    def _late(self, student: int, lesson: LessonRow) -> None:
        key = (lesson.id, student)
        if key in self.marks:
            return
        # Seed 002: lateness is shorter than half of the lesson, otherwise it is an absence.
        minutes = self.rng.randint(3, min(20, lesson.duration // 2 - 1))
        self.marks[key] = {
            "lesson_id": lesson.id,
            "student_id": student,
            "school_id": self.school.pk,
            "date": lesson.date,
            "kind": Mark.Kind.LATE,
            "minutes_late": minutes,
            "created_by_id": lesson.teacher_id,
            "updated_by_id": lesson.teacher_id,
        }

    def _excuse(self, student: int, kind: str, days: list, **fields):
        """A document brought on the school day after the absence, received by the class teacher."""
        first, last = days[0], days[-1]
        returned = next((d for d in self.days if d > last), last)
        excuse = ExcuseDocument(
            school=self.school,
            student_id=student,
            kind=kind,
            valid_reason=ExcuseDocument.REASON_FOR_KIND[kind],
            start_date=first,
            end_date=last,
            issued_on=returned if kind != ExcuseDocument.Kind.ORDER else first,
            received_by_id=self.class_of[student].class_teacher_id,
            received_at=aware(returned, datetime.time(8, 10 + self.rng.randint(0, 40))),
            **fields,
        )
        self.excuses.append(excuse)
        return excuse

    def _whole_days(self, student, entries, **reason) -> None:
        for _day, lessons in entries:
            for lesson in lessons:
                self._absent(student, lesson, **reason)

    def _invalid(self, note: str) -> dict:
        """Set by hand by the class teacher (the reason in effect follows, see run)."""
        return {"manual_reason_status": "invalid", "reason_note": note}

    def _plan_specials(self, students: list[int]) -> set[int]:
        """The students the prevention workflow is about; they get no random illness."""
        by_grade: dict[int, list[int]] = defaultdict(list)
        for student in students:
            # Only students enrolled for the whole window, so the story is complete.
            if len(self.timeline[student]) == len(self.days):
                by_grade[self.class_of[student].grade].append(student)
        specials: set[int] = set()

        def pick(grades):
            for grade in grades:
                candidates = [s for s in by_grade.get(grade, []) if s not in specials]
                if candidates:
                    chosen = self.rng.choice(candidates)
                    specials.add(chosen)
                    return chosen
            return None

        recent = self.days[-self.RECENT_DAYS] if len(self.days) >= self.RECENT_DAYS else None
        long_absent = pick([8, 7, 9, 6])
        if long_absent is not None:
            length = min(len(self.days), self.rng.randint(11, 13))
            self._whole_days(long_absent, self.timeline[long_absent][-length:])
            Student.objects.filter(pk=long_absent).update(single_parent=True, low_income=True)

        streak = pick([7, 6, 9, 5])
        if streak is not None and len(self.days) > 10:
            length = self.rng.randint(4, 6)
            end = len(self.days) - self.rng.randint(4, 7)
            entries = self.timeline[streak][max(0, end - length) : end]
            self._whole_days(
                streak, entries, **self._invalid("Со слов матери: без уважительной причины.")
            )

        for grade_band in ([9, 10, 8], [10, 11, 9]):
            skipper = pick(grade_band)
            if skipper is None:
                continue
            for day, lessons in self.timeline[skipper]:
                if self.rng.random() >= 0.4 or len(lessons) < 2:
                    continue
                lesson = lessons[-1] if self.rng.random() < 0.6 else self.rng.choice(lessons[1:])
                if recent is not None and day >= recent:
                    self._absent(skipper, lesson)
                else:
                    self._absent(skipper, lesson, **self._invalid("Ушёл с урока без разрешения."))

        latecomer = pick([6, 7, 5, 8])
        if latecomer is not None:
            for _day, lessons in self.timeline[latecomer]:
                if self.rng.random() < 0.3:
                    self._late(latecomer, lessons[0])
        return specials

    def _plan_illness(self, student: int) -> None:
        entries = self.timeline[student]
        episodes = self.rng.choices([0, 1, 2], weights=[65, 30, 5])[0]
        busy: set[int] = set()
        for _ in range(episodes):
            length = self.rng.choices([2, 3, 4, 5], weights=[30, 35, 20, 15])[0]
            if len(entries) < length:
                return
            first = self.rng.randrange(len(entries) - length + 1)
            span = set(range(first, first + length))
            if span & busy:
                continue
            busy |= span
            chosen = entries[first : first + length]
            if first + length > len(entries) - self.RECENT_DAYS:
                # Still ill or just back: the class teacher has no document yet.
                self._whole_days(student, chosen)
                continue
            days = [d for d, _ in chosen]
            if length <= 3 and self.rng.random() < 0.15:
                self._excuse(student, ExcuseDocument.Kind.PARENT_NOTE, days)
            else:
                self._excuse(
                    student,
                    ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
                    days,
                    number=str(self.rng.randint(100, 9999)),
                    issued_by=self.POLYCLINIC,
                )
            self._whole_days(student, chosen)

    def _plan_other(self, student: int) -> None:
        entries = self.timeline[student]
        if not entries:
            return
        grade = self.class_of[student].grade
        if grade >= 5 and self.rng.random() < 0.02:
            day, lessons = self.rng.choice(entries[: -self.RECENT_DAYS] or entries)
            released = lessons[1:4]
            excuse = self._excuse(
                student,
                ExcuseDocument.Kind.ORDER,
                [day],
                number=f"{self.rng.randint(100, 250)}-о",
                issued_by=self.school.short_name,
                note="Участие в муниципальном этапе всероссийской олимпиады школьников",
            )
            for lesson in released:
                self.excuse_lessons.append((excuse, lesson.id))
                self._absent(student, lesson)
        for day, lessons in entries:
            if self.rng.random() < 0.005:
                self._late(student, lessons[0])
            if day >= entries[-1][0] - datetime.timedelta(days=4) and self.rng.random() < 0.012:
                self._whole_days(student, [(day, lessons)])

    # --- Writing ------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self._load()
        if not self.days:
            return {}
        students = sorted(self.timeline)
        specials = self._plan_specials(students)
        for student in students:
            if student not in specials:
                self._plan_illness(student)
                self._plan_other(student)

        ExcuseDocument.objects.bulk_create(self.excuses)
        through = ExcuseDocument.lessons.through
        through.objects.bulk_create(
            through(excusedocument=excuse, lesson_id=lesson_id)
            for excuse, lesson_id in self.excuse_lessons
        )
        marks = [Mark(**fields) for fields in self.marks.values()]
        # The journal's one rule decides each mark's reason in effect (documents first).
        apply_effective_reasons(marks)
        Mark.objects.bulk_create(marks, batch_size=2000)
        self._history(marks)
        self._backdate()
        self._attendance_taken()

        notify_attendance_changed(
            school_id=self.school.pk, student_ids={m.student_id for m in marks}
        )
        slots = sum(len(lessons) for entries in self.timeline.values() for _, lessons in entries)
        absences = sum(1 for m in marks if m.kind == Mark.Kind.ABSENT)
        return {
            "отметок «Н»": absences,
            "опозданий": len(marks) - absences,
            "оправдательных документов": len(self.excuses),
            "ученико-уроков в окне отметок": slots,
        }

    def _history(self, marks) -> None:
        """The students' history (R-J-6) as the journal's services write it, with the time
        each change was made: each mark set by its teacher at the lesson, the reasons
        settled by hand by the class teacher, the documents when they were received."""
        lessons = Lesson.objects.select_related("school", "school_class", "subject").in_bulk(
            {mark.lesson_id for mark in marks}
        )
        users = User.objects.in_bulk(
            {mark.created_by_id for mark in marks}
            | {e.received_by_id for e in self.excuses}
            | {c.class_teacher_id for c in self.class_of.values()}
        )
        entries = []
        for mark in marks:
            lesson = lessons[mark.lesson_id]
            at = aware(lesson.date, datetime.time(15, 30))
            made = {"kind": mark.kind, "reason_status": ReasonStatus.UNKNOWN}
            if mark.minutes_late:
                made["minutes_late"] = mark.minutes_late
            entries.append(
                history.mark_change_entry(
                    lesson=lesson,
                    student_id=mark.student_id,
                    old=snapshot(None),
                    new=made,
                    actor=users[mark.created_by_id],
                    at=at,
                )
            )
            if mark.manual_reason_status == ReasonStatus.INVALID:
                entries.append(
                    history.reason_change_entry(
                        mark=mark,
                        old={"reason_status": ReasonStatus.UNKNOWN, "valid_reason": ""},
                        new={
                            "reason_status": mark.reason_status,
                            "valid_reason": mark.valid_reason,
                            "manual_reason_status": mark.manual_reason_status,
                            "note": mark.reason_note,
                        },
                        actor=users[self.class_of[mark.student_id].class_teacher_id],
                        at=at,
                    )
                )
        excused: dict[int, list[int]] = defaultdict(list)
        for mark in marks:
            if mark.excuse_id:
                excused[mark.excuse_id].append(mark.pk)
        entries += [
            history.excuse_registered_entry(
                excuse=excuse,
                mark_ids=excused[excuse.pk],
                actor=users[excuse.received_by_id],
                at=excuse.received_at,
            )
            for excuse in self.excuses
        ]
        history.record_history(entries)

    def _backdate(self) -> None:
        """auto_now fields say «today»; put marks on the day they were made."""
        for day in self.days:
            at = aware(day, datetime.time(15, 30))
            Mark.objects.filter(school=self.school, date=day).update(created_at=at, updated_at=at)
        if not self.excuses:
            return
        # CASE expressions keep this at one statement however many documents there are.
        received_at = Case(
            *[When(excuse_id=e.pk, then=Value(e.received_at)) for e in self.excuses],
            output_field=DateTimeField(),
        )
        received_by = Case(
            *[When(excuse_id=e.pk, then=Value(e.received_by_id)) for e in self.excuses]
        )
        # Marks excused later were last touched when the document arrived.
        Mark.objects.filter(excuse_id__in=[e.pk for e in self.excuses]).update(
            updated_at=received_at, updated_by_id=received_by
        )

    def _attendance_taken(self) -> None:
        bells = dict(
            BellPeriod.objects.filter(school=self.school).values_list("number", "start_time")
        )
        for day in self.days:
            # One statement per day: attendance is taken seven minutes into each period.
            taken_at = Case(
                *[
                    When(
                        period=period, then=Value(aware(day, start) + datetime.timedelta(minutes=7))
                    )
                    for period, start in bells.items()
                ],
                output_field=DateTimeField(),
            )
            Lesson.objects.filter(school=self.school, date=day).exclude(pk__in=self.untaken).update(
                attendance_taken_at=taken_at, attendance_taken_by=F("teacher")
            )
