"""Benchmark: server time of one tap on the marking page, in a school of realistic size.

    DATABASE_URL=postgres://… python bench/marking.py --students 30 --saves 300

Creates a throwaway PostgreSQL database next to the one DATABASE_URL names (dropped at the
end), migrates it, fills it with one school of ~1,000 students (40 classes, a term of
lessons, ~6 % of student-lessons marked absent, with their history rows), then POSTs marks
for one lesson of a ``--students`` class through the Django test client, the way htmx does,
and prints p50 / p95 / max of the server time. Exits 1 when p95 misses ``--target-ms``.
See bench/README.md.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Production-like settings: tasks are queued (in memory, standing in for Redis), not run
# inside the request as the test settings do.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_portal.settings.base")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

CLASSES = 40
SCHOOL_STUDENTS = 1000
PERIODS_PER_DAY = 6
ABSENCE_RATE = 0.06
LATE_RATE = 0.01
TERM_START = datetime.date(2025, 9, 1)
TERM_END = datetime.date(2025, 10, 24)  # first quarter: 8 school weeks
SUBJECTS = [
    "Русский язык",
    "Литература",
    "Математика",
    "Алгебра",
    "Геометрия",
    "Информатика",
    "История",
    "Обществознание",
    "География",
    "Биология",
    "Физика",
    "Химия",
    "Английский язык",
    "Физическая культура",
    "Музыка",
    "Технология",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30, help="size of the marked class")
    parser.add_argument("--saves", type=int, default=300, help="timed POSTs")
    parser.add_argument("--warmup", type=int, default=20, help="untimed POSTs first")
    parser.add_argument("--target-ms", type=float, default=100.0, help="p95 target")
    parser.add_argument("--seed", type=int, default=65)
    return parser.parse_args()


def require_postgresql() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit(
            "bench/marking.py creates its own database: set DATABASE_URL=postgres://… "
            "(bash scripts/with_services.sh .venv/bin/python bench/marking.py does)."
        )


def setup_django() -> None:
    import django
    from django.conf import settings

    # Django's test-database machinery gives a fresh, migrated database with a name of ours.
    settings.DATABASES["default"]["TEST"] = {"NAME": f"bench_marking_{os.getpid()}"}
    # Static files by their plain names: production serves them hashed after collectstatic,
    # which a benchmark of the server's time need not run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()


def build_school(students_in_class: int, rng: random.Random):
    """One school with classes, staff, a term of lessons and ~6 % absences."""
    from django.utils import timezone

    from accounts.models import RoleAssignment, User
    from accounts.roles import Role
    from journal.models import BellPeriod, Lesson, Mark
    from journal.services import history
    from schools.models import (
        AcademicYear,
        Enrollment,
        Municipality,
        Region,
        School,
        SchoolClass,
        Student,
        Subject,
    )

    region = Region.objects.create(name="Республика Бурятия", iso_code="RU-BU")
    municipality = Municipality.objects.create(region=region, name="г. Улан-Удэ")
    school = School.objects.create(
        municipality=municipality, name="МАОУ «СОШ № 65 г. Улан-Удэ»", short_name="СОШ № 65"
    )
    year = AcademicYear.objects.create(
        school=school, name="2025/2026", start_date=TERM_START, end_date=datetime.date(2026, 5, 31)
    )
    BellPeriod.objects.bulk_create(
        BellPeriod(
            school=school,
            number=n,
            start_time=datetime.time(8 + (n - 1) * 55 // 60, (n - 1) * 55 % 60),
            end_time=datetime.time(8 + ((n - 1) * 55 + 45) // 60, ((n - 1) * 55 + 45) % 60),
        )
        for n in range(1, PERIODS_PER_DAY + 1)
    )
    subjects = Subject.objects.bulk_create(Subject(school=school, name=n) for n in SUBJECTS)
    teachers = User.objects.bulk_create(
        User(username=f"teacher{n}", last_name=f"Учителева{n}", first_name="Анна")
        for n in range(60)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=t, role=Role.SUBJECT_TEACHER, school=school) for t in teachers
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=t, role=Role.CLASS_TEACHER, school=school) for t in teachers[:CLASSES]
    )
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(
            school=school,
            academic_year=year,
            grade=1 + n * 11 // CLASSES,
            letter="АБВГД"[n % 4] + str(n),
            class_teacher=teachers[n],
        )
        for n in range(CLASSES)
    )
    # The first class has exactly the size asked for; the others share the rest of the school.
    others, extra = divmod(SCHOOL_STUDENTS - students_in_class, CLASSES - 1)
    sizes = [students_in_class] + [others + (n < extra) for n in range(CLASSES - 1)]
    students = Student.objects.bulk_create(
        Student(
            last_name=f"Ученикова{n}",
            first_name="Мария",
            birth_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=n % 3000),
        )
        for n in range(sum(sizes))
    )
    roster, start = {}, 0
    for school_class, size in zip(classes, sizes, strict=True):
        roster[school_class.pk] = students[start : start + size]
        start += size
    Enrollment.objects.bulk_create(
        Enrollment(student=s, school_class=c, school=school, start_date=TERM_START)
        for c in classes
        for s in roster[c.pk]
    )

    days = [
        TERM_START + datetime.timedelta(days=d)
        for d in range((TERM_END - TERM_START).days + 1)
        if (TERM_START + datetime.timedelta(days=d)).weekday() < 5
    ]
    lessons = Lesson.objects.bulk_create(
        Lesson(
            school=school,
            school_class=c,
            date=day,
            period=period,
            subject=subjects[(index + period + day.weekday()) % len(subjects)],
            teacher=teachers[(index * 3 + period) % len(teachers)],
            duration_minutes=45,
        )
        for index, c in enumerate(classes)
        for day in days
        for period in range(1, PERIODS_PER_DAY + 1)
    )
    marks = []
    for lesson in lessons:
        for student in roster[lesson.school_class_id]:
            draw = rng.random()
            if draw < ABSENCE_RATE:
                kind = Mark.Kind.ABSENT
            elif draw < ABSENCE_RATE + LATE_RATE:
                kind = Mark.Kind.LATE
            else:
                continue
            marks.append(
                Mark(
                    lesson=lesson,
                    student=student,
                    school=school,
                    date=lesson.date,
                    kind=kind,
                    created_by_id=lesson.teacher_id,
                    updated_by_id=lesson.teacher_id,
                )
            )
    Mark.objects.bulk_create(marks, batch_size=5000)
    history.record_history(
        [
            history.mark_change_entry(
                lesson=m.lesson,
                student_id=m.student_id,
                old={"kind": "present"},
                new={"kind": m.kind, "reason_status": m.reason_status},
                actor=m.lesson.teacher,
            )
            for m in marks
        ]
    )
    Lesson.objects.filter(school=school).update(attendance_taken_at=timezone.now())

    # The lesson being marked: the big class's last period on the last day, not yet marked.
    target = Lesson.objects.get(school_class=classes[0], date=days[-1], period=PERIODS_PER_DAY)
    Mark.objects.filter(lesson=target).delete()
    Lesson.objects.filter(pk=target.pk).update(attendance_taken_at=None)
    counts = {
        "students": len(students),
        "classes": len(classes),
        "lessons": len(lessons),
        "marks": len(marks),
        "absence_rate": sum(m.kind == Mark.Kind.ABSENT for m in marks)
        / sum(len(roster[lesson.school_class_id]) for lesson in lessons),
    }
    return target, counts


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(lesson, *, saves: int, warmup: int) -> tuple[list[float], list[float]]:
    """Milliseconds per POST (one tap) and per GET of the whole page."""
    from django.test import Client
    from django.urls import reverse

    from journal.selectors import lesson_roster

    client = Client(HTTP_HX_REQUEST="true")
    client.force_login(lesson.teacher)
    roster = list(lesson_roster(lesson).values_list("pk", flat=True))
    url = reverse("journal:lesson_mark", args=[lesson.pk])
    # Every POST changes the student's state: a round of Н, then ОП, then «present».
    kinds = ["absent", "late", "present"]

    def tap(i: int) -> float:
        data = {"student": roster[i % len(roster)], "kind": kinds[(i // len(roster)) % 3]}
        started = time.perf_counter()
        response = client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"POST {url} {data} answered {response.status_code}")
        return elapsed

    for i in range(warmup):
        tap(i)
    posts = [tap(warmup + i) for i in range(saves)]
    page_url = reverse("journal:lesson", args=[lesson.pk])
    pages = []
    for _ in range(max(10, saves // 10)):
        started = time.perf_counter()
        response = client.get(page_url)
        pages.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return posts, pages


def report(name: str, samples: list[float]) -> float:
    p95 = percentile(samples, 0.95)
    print(
        f"{name:<22} n={len(samples):<5} p50={statistics.median(samples):6.1f} ms  "
        f"p95={p95:6.1f} ms  max={max(samples):6.1f} ms"
    )
    return p95


def main() -> int:
    args = parse_args()
    require_postgresql()
    setup_django()
    from django.db import connection

    print(f"PostgreSQL {connection.cursor().connection.server_version}; creating the database…")
    created = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    try:
        started = time.perf_counter()
        lesson, counts = build_school(args.students, random.Random(args.seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"database {created}: {counts['students']} students, {counts['classes']} classes, "
            f"{counts['lessons']} lessons, {counts['marks']} marks "
            f"({counts['absence_rate']:.1%} of student-lessons absent), "
            f"built in {time.perf_counter() - started:.0f} s"
        )
        posts, pages = measure(lesson, saves=args.saves, warmup=args.warmup)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"lesson {lesson.pk}: {args.students} students, {args.saves} timed saves; "
            f"{os.cpu_count()} CPUs, load average {load} (other work inflates the figures)"
        )
        p95 = report("save one mark (POST)", posts)
        report("lesson page (GET)", pages)
    finally:
        connection.creation.destroy_test_db(created, verbosity=0)
    verdict = "met" if p95 < args.target_ms else "MISSED"
    print(f"target p95 < {args.target_ms:.0f} ms: {verdict}")
    return 0 if p95 < args.target_ms else 1


if __name__ == "__main__":
    sys.exit(main())
