"""Benchmark: the reports of a 1,000-student school and a municipality's consolidation.

    bash scripts/with_services.sh .venv/bin/python bench/reports.py

Creates a throwaway PostgreSQL database next to the one DATABASE_URL names (dropped at the
end), fills it with the school of ``bench/dashboard.py`` (1,000 students in 40 classes, six
weeks of lessons up to a fixed day, ~6 % of student-lessons absent) as of Tuesday 10
November 2026, so that October is a whole reporting month, adds heavy absentees (children
missing every lesson for the whole six weeks or for two to four weeks running, and
children missing 35–60 % of their lessons without a valid reason) with their cases and
measures, and runs the threshold engine's full evaluation (the alerts the weekly report
reads). It then times, through the Celery task's own code (``reporting.services``:
``open_report``, ``request_file``, ``render_file``), build + file of

1. the рапортичка of the class with the most heavy absentees, last full week (PDF);
2. the school's weekly report for that week (PDF);
3. the school's monthly information for October (PDF, and XLSX);
4. the municipality's consolidated monthly information over ``--schools`` schools, each
   with an approved monthly information of the bench school's size or of
   ``--rows-per-school`` rows (PDF, and XLSX).

Each is rendered several times; the first run is printed apart (the first PDF of the
process loads WeasyPrint and the fonts), best and median of the others with the build's
share and queries. Exits 1 when a median misses its target. See bench/README.md.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import build_school, setup_django  # noqa: E402  (sets the environment)

# Tuesday: the last full week is 2–8 November, the last whole month October.
TODAY = datetime.date(2026, 11, 10)
MONTH = datetime.date(2026, 10, 1)
MONTH_END = datetime.date(2026, 10, 31)

SURNAMES = (
    ("Иванов", "Иванова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Васильев", "Васильева"),
    ("Петров", "Петрова"),
    ("Соколов", "Соколова"),
    ("Михайлов", "Михайлова"),
    ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Алексеев", "Алексеева"),
    ("Лебедев", "Лебедева"),
    ("Семёнов", "Семёнова"),
    ("Егоров", "Егорова"),
    ("Павлов", "Павлова"),
    ("Козлов", "Козлова"),
    ("Степанов", "Степанова"),
    ("Николаев", "Николаева"),
)
FIRST_NAMES = (
    ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Артём", "Илья", "Кирилл"),
    ("Анастасия", "Мария", "Анна", "Виктория", "Екатерина", "Полина", "Дарья", "Алина"),
)
FATHERS = ("Александров", "Дмитриев", "Сергеев", "Андреев", "Викторов", "Иванов", "Олегов")
NOTES = (
    "прогул",
    "со слов матери болеет, справка не представлена",
    "выезжал с родителями, заявления нет",
    "не проживает по месту регистрации, местонахождение устанавливается",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="renders of each school form")
    parser.add_argument(
        "--municipal-runs", type=int, default=2, help="renders of the consolidation"
    )
    parser.add_argument("--schools", type=int, default=250, help="schools of the municipality")
    parser.add_argument(
        "--rows-per-school",
        type=int,
        help="rows of each other school's monthly information (default: all of the bench school's)",
    )
    parser.add_argument("--absentees", type=int, default=36, help="heavy absentees of the school")
    parser.add_argument("--target-s", type=float, default=2.0, help="each school form, median")
    parser.add_argument(
        "--municipal-target-s", type=float, default=10.0, help="the consolidation, median"
    )
    parser.add_argument("--seed", type=int, default=65)
    parser.add_argument("--profile", action="store_true", help="cProfile one render of each")
    parser.add_argument(
        "--save", type=Path, help="write the last file of each and its data (JSON) to this folder"
    )
    return parser.parse_args()


def random_name(rng: random.Random) -> tuple[str, str, str]:
    """(last, first, patronymic) of a boy or a girl."""
    female = rng.random() < 0.5
    father = rng.choice(FATHERS)
    return (
        rng.choice(SURNAMES)[female],
        rng.choice(FIRST_NAMES[female]),
        father + ("на" if female else "ич"),
    )


# ---------------------------------------------------------------------------- the data


def add_absentees(rng: random.Random, school, count: int) -> dict[str, list[int]]:
    """Replace the marks of ``count`` students by heavy absence, in three patterns:

    * a quarter miss every lesson of the six weeks (the monthly form's «не посещающие»,
      criterion №22 when the reason stays unknown);
    * a quarter miss every lesson for 10–20 school days running from a day of October,
      and a lesson in ten otherwise;
    * the rest miss a whole day with a chance of 30–45 % and single lessons besides,
      35–60 % of their time, the reasons mostly invalid or unknown (a few valid).
    """
    from journal.models import Lesson, Mark, ReasonStatus
    from schools.models import Enrollment, Student

    enrolled = dict(
        Enrollment.objects.filter(school=school).values_list("student_id", "school_class_id")
    )
    chosen = rng.sample(sorted(enrolled), count)
    groups = {
        "throughout": chosen[: count // 4],
        "weeks": chosen[count // 4 : count // 2],
        "partial": chosen[count // 2 :],
    }
    lessons_by_class: dict[int, dict[datetime.date, list[tuple[int, int]]]] = {}
    for pk, class_id, date, period in Lesson.objects.filter(school=school).values_list(
        "pk", "school_class_id", "date", "period"
    ):
        if date < TODAY or period <= 2:  # today: only the first two lessons are marked
            lessons_by_class.setdefault(class_id, {}).setdefault(date, []).append((pk, period))
    students = Student.objects.in_bulk(chosen)
    for student in students.values():
        student.last_name, student.first_name, student.patronymic = random_name(rng)
    Student.objects.bulk_update(students.values(), ["last_name", "first_name", "patronymic"])
    Mark.objects.filter(student_id__in=chosen).delete()

    marks = []

    def absent(lesson_id, student_id, date, status, note=""):
        marks.append(
            Mark(
                lesson_id=lesson_id,
                student_id=student_id,
                school=school,
                date=date,
                kind=Mark.Kind.ABSENT,
                reason_status=status,
                manual_reason_status=status,
                reason_note=note if status == ReasonStatus.INVALID else "",
            )
        )

    october = [
        d for d in sorted({d for c in lessons_by_class.values() for d in c}) if d.month == 10
    ]
    for student_id in chosen:
        days = lessons_by_class[enrolled[student_id]]
        note = rng.choice(NOTES) if rng.random() < 0.4 else ""
        if student_id in groups["throughout"]:
            status = ReasonStatus.UNKNOWN if rng.random() < 0.6 else ReasonStatus.INVALID
            for date, lessons in days.items():
                for lesson_id, _period in lessons:
                    absent(lesson_id, student_id, date, status, note)
        elif student_id in groups["weeks"]:
            first = rng.randrange(len(october) - 10)
            run = set(october[first : first + rng.randint(10, 20)])
            for date, lessons in days.items():
                for lesson_id, _period in lessons:
                    if date in run:
                        absent(lesson_id, student_id, date, ReasonStatus.UNKNOWN)
                    elif rng.random() < 0.1:
                        absent(lesson_id, student_id, date, ReasonStatus.INVALID, note)
        else:
            whole_day = rng.uniform(0.3, 0.45)
            for date, lessons in days.items():
                full = rng.random() < whole_day
                status = rng.choices(
                    (ReasonStatus.INVALID, ReasonStatus.UNKNOWN, ReasonStatus.VALID), (5, 4, 1)
                )[0]
                for lesson_id, _period in lessons:
                    if full or rng.random() < 0.15:
                        absent(lesson_id, student_id, date, status, note)
    Mark.objects.bulk_create(marks, batch_size=5000)
    return groups


def add_measures(rng: random.Random, school, student_ids: list[int], staff) -> int:
    """Each heavy absentee's case (the engine's, or opened on 1 October) with a call to the
    parents in October and, for half of them, a home visit with its act."""
    from django.utils import timezone

    from casework.models import Case, HomeVisit, ParentContact

    zone = timezone.get_current_timezone()
    active = {
        case.student_id: case
        for case in Case.objects.filter(school=school, student_id__in=student_ids).exclude(
            status=Case.Status.CLOSED
        )
    }
    new = Case.objects.bulk_create(
        Case(
            student_id=pk, school=school, reason="систематические пропуски занятий", opened_by=staff
        )
        for pk in student_ids
        if pk not in active
    )
    Case.objects.filter(pk__in=[case.pk for case in new]).update(
        opened_at=datetime.datetime(2026, 10, 1, 9, tzinfo=zone)
    )
    cases = {**active, **{case.student_id: case for case in new}}
    contacts, visits = [], []
    for pk in student_ids:
        called = datetime.datetime(2026, 10, rng.randint(2, 20), rng.randint(9, 17), tzinfo=zone)
        contacts.append(
            ParentContact(
                student_id=pk,
                school=school,
                contacted_at=called,
                staff=staff,
                guardian_name="мать",
                stated_reason=rng.choice(("", "болеет", "не хочет ходить в школу")),
                result=rng.choice(ParentContact.Result.values),
            )
        )
        if rng.random() < 0.5:
            day = called.date() + datetime.timedelta(days=rng.randint(2, 9))
            visits.append(
                HomeVisit(
                    case=cases[pk],
                    student_id=pk,
                    school=school,
                    status=HomeVisit.Status.DONE,
                    planned_for=day,
                    visited_on=day,
                    planned_by=staff,
                )
            )
    ParentContact.objects.bulk_create(contacts)
    HomeVisit.objects.bulk_create(visits)
    return len(contacts) + len(visits)


def other_schools(rng: random.Random, school, data: dict, count: int, per_school=None) -> int:
    """``count - 1`` more schools of the municipality, each with an approved monthly
    information for October: the bench school's rows (all, or ``per_school`` of them drawn
    at random) with other children's names (what the school's builder writes,
    ``tests/reporting/territory_helpers.py``). Returns the rows of all the schools."""
    import copy

    from django.utils import timezone

    from reporting.models import Kind, Report, ReportVersion, Status
    from schools.models import School

    schools = School.objects.bulk_create(
        School(
            municipality=school.municipality,
            name=f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {n}»",
            short_name=f"МБОУ СШ № {n}",
        )
        for n in range(2, count + 1)
    )
    reports = Report.objects.bulk_create(
        Report(
            kind=Kind.MONTHLY_INFORMATION,
            municipality=school.municipality,
            school=other,
            period_start=MONTH,
            period_end=MONTH_END,
            status=Status.APPROVED,
            approved_number=1,
        )
        for other in schools
    )
    decided = datetime.datetime(2026, 11, 3, 15, tzinfo=timezone.get_current_timezone())
    versions, rows = [], 0
    for other, report in zip(schools, reports, strict=True):
        varied = copy.deepcopy(data)
        varied["school"].update(name=other.name, short_name=other.short_name)
        if per_school is not None:
            keys = [(g, n) for g, table in varied["tables"].items() for n in range(len(table))]
            kept = set(rng.sample(keys, min(per_school, len(keys))))
            for group, table in varied["tables"].items():
                table[:] = [row for n, row in enumerate(table) if (group, n) in kept]
                for number, row in enumerate(table, start=1):
                    row["number"] = number
        for table in varied["tables"].values():
            for row in table:
                row["name"] = " ".join(random_name(rng))
                row["school"] = other.name
                rows += 1
        versions.append(
            ReportVersion(
                report=report, number=1, status=Status.APPROVED, data=varied, decided_at=decided
            )
        )
    ReportVersion.objects.bulk_create(versions, batch_size=100)
    return rows + sum(len(t) for t in data["tables"].values())


# ---------------------------------------------------------------------------- timing


@dataclass
class Run:
    total: float  # seconds of render_file: build + file + its bookkeeping
    build: float  # seconds of the build (version_data)
    build_queries: int
    queries: int
    size: int


@dataclass
class Result:
    name: str
    fmt: str
    target: float
    load: float
    runs: list[Run] = field(default_factory=list)
    pages: int | None = None
    rows: int = 0

    @property
    def warm(self) -> list[Run]:
        return self.runs[1:] or self.runs

    @property
    def median(self) -> float:
        return statistics.median(r.total for r in self.warm)

    @property
    def met(self) -> bool:
        return self.median < self.target


class BuildTimer:
    """Times the build inside ``render_file``: ``reporting.services.version_data`` is
    wrapped for the bench, the task's code is otherwise untouched."""

    def __init__(self):
        from reporting import services

        self.services, self.original = services, services.version_data
        self.last: tuple[float, int] = (0.0, 0)

    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def timed(version):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                data = self.original(version)
            self.last = (time.perf_counter() - started, len(queries.captured_queries))
            return data

        self.services.version_data = timed
        return self

    def __exit__(self, *exc):
        self.services.version_data = self.original


def measure(name, version, fmt, user, *, runs, target, save=None, profile=False) -> Result:
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.services import render_file, request_file, version_data

    result = Result(name=name, fmt=fmt, target=target, load=os.getloadavg()[0])
    document = b""
    with BuildTimer() as timer:
        for _ in range(runs):
            file = request_file(version=version, format=fmt, acting_user=user)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                done = render_file(file.pk)
            total = time.perf_counter() - started
            assert done is not None and done.state == "done", f"{name}: {done and done.error}"
            document = bytes(done.content)
            build, build_queries = timer.last
            result.runs.append(
                Run(total, build, build_queries, len(queries.captured_queries), len(document))
            )
        if profile:
            import cProfile
            import pstats

            file = request_file(version=version, format=fmt, acting_user=user)
            profiler = cProfile.Profile()
            profiler.runcall(render_file, file.pk)
            print(f"--- profile: {name} ({fmt})")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    result.rows = rows_of(version)
    if fmt == "pdf":
        result.pages = pages(document)
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        (save / f"{version.report.kind}.{fmt}").write_bytes(document)
        # The data as the renderer got it, to try a template on without the database.
        data = json.dumps(version_data(version), ensure_ascii=False, cls=DjangoJSONEncoder)
        (save / f"{version.report.kind}.json").write_text(data)
    report_line(result)
    return result


def rows_of(version) -> int:
    from reporting.services import version_data

    return sum(len(rows) for rows in version_data(version).get("tables", {}).values())


def pages(document: bytes) -> int | None:
    try:
        import io

        from pypdf import PdfReader
    except ImportError:  # pypdf is a test dependency
        return None
    return len(PdfReader(io.BytesIO(document)).pages)


def report_line(result: Result) -> None:
    warm = result.warm
    first = result.runs[0]
    best = min(r.total for r in warm)
    build = statistics.median(r.build for r in warm)
    pages = f", {result.pages} pages" if result.pages else ""
    print(
        f"{result.name + ' ' + result.fmt.upper():<34} first {first.total:6.2f} s   "
        f"best {best:6.2f} s   median {result.median:6.2f} s (build {build:5.2f} s)   "
        f"{warm[-1].build_queries} queries to build, {warm[-1].queries} in all   "
        f"{result.rows} rows{pages}, {warm[-1].size // 1024} KiB   load {result.load:.1f}   "
        f"target < {result.target:g} s: {'met' if result.met else 'MISSED'}",
        flush=True,
    )


# ---------------------------------------------------------------------------- main


def main() -> int:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit(
            "bench/reports.py creates its own database: set DATABASE_URL=postgres://… "
            "(bash scripts/with_services.sh .venv/bin/python bench/reports.py does)."
        )
    setup_django(reuse=False)
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from accounts.models import RoleAssignment, User
    from accounts.roles import Role
    from alerts.models import Alert
    from alerts.queue import run_full
    from reporting.models import Kind
    from reporting.services import approve, latest_version, open_report, submit
    from schools.models import Enrollment, School

    if timezone.localdate() < TODAY:
        sys.exit(f"the bench's reports are of {TODAY} and before: the clock says it is earlier")
    connection.settings_dict["TEST"]["NAME"] = f"bench_reports_{os.getpid()}"
    settings.THRESHOLD_FULL_RUN_WORKERS = 1  # one school: one batch
    print(f"PostgreSQL {connection.cursor().connection.server_version}; creating the database…")
    created = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    results = []
    try:
        rng = random.Random(args.seed)
        started = time.perf_counter()
        deputy, _class_teacher, counts = build_school(rng, TODAY)
        school = School.objects.get()
        groups = add_absentees(rng, school, args.absentees)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        now = datetime.datetime.combine(
            TODAY, datetime.time(20), tzinfo=timezone.get_current_timezone()
        )
        evaluated = run_full(school_ids=[school.pk], now=now)
        absentees = [pk for group in groups.values() for pk in group]
        measures = add_measures(rng, school, absentees, deputy)
        director = User.objects.create(
            username="director", last_name="Директорова", first_name="Ирина"
        )
        municipal = User.objects.create(
            username="municipal", last_name="Районова", first_name="Ольга"
        )
        RoleAssignment.objects.create(user=director, role=Role.DIRECTOR, school=school)
        RoleAssignment.objects.create(
            user=municipal, role=Role.MUNICIPAL, municipality=school.municipality
        )
        User.objects.filter(pk=deputy.pk).update(phone="+7 3522 00-00-00")
        deputy.refresh_from_db()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        open_alerts = Alert.objects.exclude(status=Alert.Status.RESOLVED).count()
        print(
            f"database {created}: {counts['students']} students, {counts['lessons']} lessons, "
            f"{counts['marks']} absence marks, then {args.absentees} heavy absentees "
            f"({', '.join(f'{k} {len(v)}' for k, v in groups.items())}), {measures} measures; "
            f"engine: {evaluated}; {open_alerts} open alerts; "
            f"built in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

        monday = TODAY - datetime.timedelta(days=TODAY.weekday() + 7)
        sunday = monday + datetime.timedelta(days=6)
        by_class = {}
        for class_id in Enrollment.objects.filter(student_id__in=absentees).values_list(
            "school_class_id", flat=True
        ):
            by_class[class_id] = by_class.get(class_id, 0) + 1
        school_class = school.classes.get(pk=max(by_class, key=by_class.get))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"today {TODAY}, week {monday}–{sunday}, month {MONTH:%m.%Y}; class {school_class} "
            f"({by_class[school_class.pk]} heavy absentees); {os.cpu_count()} CPUs, "
            f"load average {load}",
            flush=True,
        )

        def draft(kind, start, end, user, **scope):
            report = open_report(
                kind=kind, period_start=start, period_end=end, acting_user=user, **scope
            )
            return latest_version(report)

        common = {
            "runs": args.runs,
            "target": args.target_s,
            "save": args.save,
            "profile": args.profile,
        }
        weekly_class = draft(
            Kind.WEEKLY_CLASS_REPORT, monday, sunday, deputy, school_class=school_class
        )
        results.append(measure("рапортичка", weekly_class, "pdf", deputy, **common))
        weekly = draft(Kind.WEEKLY_SCHOOL_REPORT, monday, sunday, deputy, school=school)
        results.append(measure("weekly school report", weekly, "pdf", deputy, **common))
        monthly = draft(Kind.MONTHLY_INFORMATION, MONTH, MONTH_END, deputy, school=school)
        results.append(measure("monthly information", monthly, "pdf", deputy, **common))
        results.append(measure("monthly information", monthly, "xlsx", deputy, **common))

        # The school submits (its draft's preview files are dropped) and the director
        # approves; the other schools' approved versions copy its frozen data.
        submitted = submit(report=monthly.report, version=monthly.number, acting_user=deputy)
        approve(report=monthly.report, version=submitted.number, acting_user=director)
        started = time.perf_counter()
        rows = other_schools(rng, school, submitted.data, args.schools, args.rows_per_school)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"{args.schools} schools with approved monthly information, {rows} rows, "
            f"made in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        consolidation = draft(
            Kind.MUNICIPAL_MONTHLY,
            MONTH,
            MONTH_END,
            municipal,
            municipality=school.municipality,
        )
        for fmt in ("pdf", "xlsx"):
            results.append(
                measure(
                    f"consolidation, {args.schools} schools",
                    consolidation,
                    fmt,
                    municipal,
                    runs=args.municipal_runs,
                    target=args.municipal_target_s,
                    save=args.save,
                    profile=args.profile,
                )
            )
    finally:
        connection.creation.destroy_test_db(created, verbosity=0)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    missed = [r for r in results if not r.met]
    print(f"load average at the end {load}")
    print("targets (median of the runs after the first): " + ("MISSED" if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
