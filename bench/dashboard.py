"""Benchmark: server time of the school dashboard (the deputy's start page, R-C-9).

    bash scripts/with_services.sh .venv/bin/python bench/dashboard.py

Creates a throwaway PostgreSQL database next to the one DATABASE_URL names (dropped at the
end unless ``--reuse``), migrates it, fills it with one school of 1,000 students in 40
classes with six weeks of lessons up to today (the dashboard reads the month to date and
the last four weeks), ~6 % of student-lessons absent with mixed reasons, some cases and
registry placements, then GETs the deputy's start page through the Django test client and
prints p50 / p95 / max of the server time, and the same for a class teacher's page. Exits
1 when the school page's p95 misses ``--target-ms``. See bench/README.md.
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

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_portal.settings.base")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

CLASSES = 40
SCHOOL_STUDENTS = 1000
PERIODS_PER_DAY = 6
WEEKS = 6
ABSENCE_RATE = 0.06
REUSED_NAME = "bench_dashboard"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="timed GETs of each page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed GETs first")
    parser.add_argument("--target-ms", type=float, default=300.0, help="p95 target")
    parser.add_argument("--seed", type=int, default=65)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one GET")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"keep the database {REUSED_NAME} and reuse it on the next run",
    )
    return parser.parse_args()


def setup_django(reuse: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit(
            "bench/dashboard.py creates its own database: set DATABASE_URL=postgres://… "
            "(bash scripts/with_services.sh .venv/bin/python bench/dashboard.py does)."
        )
    import django
    from django.conf import settings

    name = REUSED_NAME if reuse else f"bench_dashboard_{os.getpid()}"
    settings.DATABASES["default"]["TEST"] = {"NAME": name}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()


def school_days(today: datetime.date) -> list[datetime.date]:
    first = today - datetime.timedelta(weeks=WEEKS)
    days = [first + datetime.timedelta(days=n) for n in range((today - first).days + 1)]
    return [day for day in days if day.weekday() < 5 or day == today]


def build_school(rng: random.Random, today: datetime.date):
    """One school of 1,000 students with six weeks of lessons and absences."""
    from django.utils import timezone

    from accounts.models import RoleAssignment, User
    from accounts.roles import Role
    from casework.models import Case, RegistryPlacement
    from journal.models import Lesson, Mark, ReasonStatus
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

    region = Region.objects.create(name="Курганская область", iso_code="RU-KGN")
    municipality = Municipality.objects.create(region=region, name="г. Курган")
    school = School.objects.create(
        municipality=municipality, name="МБОУ «СОШ № 1»", short_name="СОШ № 1"
    )
    year = AcademicYear.objects.create(
        school=school,
        name="текущий",
        start_date=today - datetime.timedelta(days=100),
        end_date=today + datetime.timedelta(days=180),
    )
    subject = Subject.objects.create(school=school, name="Математика")
    teachers = User.objects.bulk_create(
        User(username=f"teacher{n}", last_name=f"Учителева{n}", first_name="Анна")
        for n in range(CLASSES + 2)
    )
    deputy = teachers[-1]
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=t, role=Role.CLASS_TEACHER, school=school) for t in teachers[:CLASSES]]
        + [RoleAssignment(user=t, role=Role.SUBJECT_TEACHER, school=school) for t in teachers]
        + [RoleAssignment(user=deputy, role=Role.DEPUTY, school=school)]
    )
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(
            school=school,
            academic_year=year,
            grade=1 + n * 11 // CLASSES,
            letter="АБВГ"[n % 4] + str(n),
            class_teacher=teachers[n],
        )
        for n in range(CLASSES)
    )
    students = Student.objects.bulk_create(
        Student(
            last_name=f"Ученикова{n}",
            first_name="Мария",
            birth_date=datetime.date(2012, 1, 1) + datetime.timedelta(days=n % 3000),
        )
        for n in range(SCHOOL_STUDENTS)
    )
    size = SCHOOL_STUDENTS // CLASSES
    roster = {c.pk: students[i * size : (i + 1) * size] for i, c in enumerate(classes)}
    Enrollment.objects.bulk_create(
        Enrollment(student=s, school_class=c, school=school, start_date=year.start_date)
        for c in classes
        for s in roster[c.pk]
    )
    days = school_days(today)
    lessons = Lesson.objects.bulk_create(
        (
            Lesson(
                school=school,
                school_class=c,
                date=day,
                period=period,
                subject=subject,
                teacher=teachers[(index + period) % len(teachers)],
                duration_minutes=45,
                attendance_taken_at=timezone.now() if day < today else None,
            )
            for index, c in enumerate(classes)
            for day in days
            for period in range(1, PERIODS_PER_DAY + 1)
        ),
        batch_size=5000,
    )
    reasons = [ReasonStatus.UNKNOWN, ReasonStatus.INVALID, ReasonStatus.VALID, ReasonStatus.VALID]
    marks = [
        Mark(
            lesson=lesson,
            student=student,
            school=school,
            date=lesson.date,
            kind=Mark.Kind.ABSENT,
            reason_status=(reason := rng.choice(reasons)),
            manual_reason_status=reason,
        )
        for lesson in lessons
        if lesson.date < today or lesson.period <= 2
        for student in roster[lesson.school_class_id]
        if rng.random() < ABSENCE_RATE
    ]
    Mark.objects.bulk_create(marks, batch_size=5000)
    statuses = [Case.Status.OPEN, Case.Status.MONITORING, Case.Status.CLOSED]
    cases = Case.objects.bulk_create(
        Case(student=s, school=school, reason="bench", status=statuses[n % 3])
        for n, s in enumerate(rng.sample(students, 60))
    )
    RegistryPlacement.objects.bulk_create(
        RegistryPlacement(
            student=case.student, school=school, case=case, placed_on=today, basis="bench"
        )
        for case in cases[:12]
    )
    counts = {"students": len(students), "lessons": len(lessons), "marks": len(marks)}
    return deputy, teachers[0], counts


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(user, role: str, *, requests: int, warmup: int) -> tuple[list[float], int]:
    """Milliseconds per GET of the role's start page, and the queries of one GET."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("home:start", kwargs={"role": role})
    for _ in range(warmup):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return samples, len(queries.captured_queries)


def profile(user, role: str) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("home:start", kwargs={"role": role})
    client.get(url)
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profiler.runcall(client.get, url)
    for query in queries.captured_queries:
        print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


def report(name: str, samples: list[float], queries: int) -> float:
    p95 = percentile(samples, 0.95)
    if os.environ.get("BENCH_SAMPLES"):
        print(" ".join(f"{x:.0f}" for x in samples))
    print(
        f"{name:<28} n={len(samples):<4} p50={statistics.median(samples):6.1f} ms  "
        f"p95={p95:6.1f} ms  max={max(samples):6.1f} ms  ({queries} queries)"
    )
    return p95


def main() -> int:
    args = parse_args()
    setup_django(args.reuse)
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from schools.models import SchoolClass

    print(f"PostgreSQL {connection.cursor().connection.server_version}; creating the database…")
    created = connection.creation.create_test_db(
        verbosity=0, autoclobber=not args.reuse, keepdb=args.reuse, serialize=False
    )
    try:
        today = timezone.localdate()
        deputy = User.objects.filter(username=f"teacher{CLASSES + 1}").first()
        if deputy is None:
            started = time.perf_counter()
            deputy, class_teacher, counts = build_school(random.Random(args.seed), today)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(
                f"database {created}: {counts['students']} students, {CLASSES} classes, "
                f"{counts['lessons']} lessons, {counts['marks']} absence marks, "
                f"built in {time.perf_counter() - started:.0f} s"
            )
        else:
            class_teacher = SchoolClass.objects.order_by("pk").first().class_teacher
            print(f"database {created} reused (built on an earlier run)")
        school, school_queries = measure(
            deputy, Role.DEPUTY, requests=args.requests, warmup=args.warmup
        )
        klass, class_queries = measure(
            class_teacher, Role.CLASS_TEACHER, requests=args.requests, warmup=args.warmup
        )
        if args.profile:
            profile(deputy, Role.DEPUTY)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"today {today}; {os.cpu_count()} CPUs, load average {load}")
        p95 = report("school dashboard (deputy)", school, school_queries)
        report("class dashboard (25 students)", klass, class_queries)
    finally:
        if not args.reuse:
            connection.creation.destroy_test_db(created, verbosity=0)
    verdict = "met" if p95 < args.target_ms else "MISSED"
    print(f"target p95 < {args.target_ms:.0f} ms: {verdict}")
    return 0 if p95 < args.target_ms else 1


if __name__ == "__main__":
    sys.exit(main())
