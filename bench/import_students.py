"""Benchmark: a 10,000-student XLSX imported through the import pages, with progress.

    DATABASE_URL=postgres://… python bench/import_students.py [--students 10000] [--csv]

Creates a throwaway PostgreSQL database next to the one DATABASE_URL names (dropped at the
end), migrates it, opens one school with 44 classes (grades 1-11, letters А-Г) and its
administrator, writes an XLSX of ``--students`` children (each with two guardians, the
class in a column) and sends it through the pages as the administrator does: the upload
(dry run), then «Загрузить» (the apply), then the same file again (it must add nothing).
A second thread polls the job as the page does and prints its progress. Prints the time
of each step and exits 1 when the upload plus the apply take ``--target-s`` (60) or more.
See bench/README.md.
"""

import argparse
import datetime
import io
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов"]
FIRST = ["Александр", "Максим", "Иван", "Артём", "Дмитрий", "Никита", "Михаил", "Даниил"]
MIDDLE = ["Александрович", "Сергеевич", "Андреевич", "Дмитриевич", "Игоревич", "Олегович"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--csv", action="store_true", help="a CSV instead of an XLSX")
    parser.add_argument("--target-s", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=15)
    return parser.parse_args()


def require_postgresql() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit(
            "bench/import_students.py creates its own database: set DATABASE_URL=postgres://… "
            "(bash scripts/with_services.sh .venv/bin/python bench/import_students.py does)."
        )


def setup_django() -> None:
    # No broker: the import's Celery tasks run in-process, as in the one-machine demo.
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attendance_portal.settings.base")
    import django
    from django.conf import settings

    settings.DATABASES["default"]["TEST"] = {"NAME": f"bench_import_{os.getpid()}"}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["*"]
    django.setup()


def build_school():
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import assign_role
    from schools.models import AcademicYear, Municipality, Region, School, SchoolClass

    region = Region.objects.create(name="Синтетическая область")
    municipality = Municipality.objects.create(region=region, name="Район")
    school = School.objects.create(municipality=municipality, name="Школа № 1", short_name="№ 1")
    today = datetime.date.today()
    start_year = today.year if today.month >= 8 else today.year - 1
    year = AcademicYear.objects.create(
        school=school,
        name=f"{start_year}/{start_year + 1}",
        start_date=datetime.date(start_year, 9, 1),
        end_date=datetime.date(start_year + 1, 6, 30),
    )
    SchoolClass.objects.bulk_create(
        SchoolClass(school=school, academic_year=year, grade=grade, letter=letter)
        for grade in range(1, 12)
        for letter in "АБВГ"
    )
    admin = User.objects.create_user(
        username="bench.admin",
        password="Bench-Import-2026",
        last_name="Админова",
        first_name="Ольга",
    )
    assign_role(user=admin, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    return school, year, admin


def student_file(count: int, rng: random.Random, *, as_csv: bool) -> tuple[bytes, str]:
    headers = [
        "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс",
        "Адрес регистрации", "Многодетная семья",
        "Представитель 1: ФИО", "Представитель 1: кем приходится",
        "Представитель 1: телефон", "Представитель 1: e-mail",
        "Представитель 2: ФИО", "Представитель 2: кем приходится",
        "Представитель 2: телефон",
    ]  # fmt: skip
    rows = []
    for n in range(count):
        grade = 1 + n % 11
        last = f"{rng.choice(LAST)}-{n}"
        birth = datetime.date(2019 - grade, 1 + n % 12, 1 + n % 28)
        rows.append(
            [
                last, rng.choice(FIRST), rng.choice(MIDDLE), birth, "м", f"{grade}{'АБВГ'[n % 4]}",
                f"ул. Школьная, д. {n % 90 + 1}", "да" if n % 9 == 0 else "нет",
                f"{last}а Мария Петровна", "мать", f"+7 900 {n:07d}", f"parent{n}@example.ru",
                f"{last} Сергей Иванович", "отец", "",
            ]
        )  # fmt: skip
    if as_csv:
        lines = [";".join(headers)]
        for row in rows:
            lines.append(
                ";".join(f"{v:%d.%m.%Y}" if isinstance(v, datetime.date) else str(v) for v in row)
            )
        return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode(), "ученики.csv"
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), "ученики.xlsx"


class Poller(threading.Thread):
    """Reads the job as the page's htmx poll does (its own connection: committed progress)."""

    def __init__(self, started: float):
        super().__init__(daemon=True)
        self.started = started
        self.stop = threading.Event()
        self.seen = []

    def run(self):
        from django.db import connection

        from administration.models import ImportJob

        last = None
        try:
            while not self.stop.wait(1.0):
                job = (
                    ImportJob.objects.only("status", "stage", "done", "total")
                    .order_by("-pk")
                    .first()
                )
                if job is None:
                    continue
                state = (job.status, job.stage, job.done, job.total)
                if state != last:
                    last = state
                    self.seen.append(state)
                    print(
                        f"    {time.perf_counter() - self.started:5.1f} s: {job.get_status_display()}"
                        f", {job.stage or '-'} {job.done}/{job.total} ({job.percent} %)",
                        flush=True,
                    )
        finally:
            connection.close()


def step(label, func):
    started = time.perf_counter()
    poller = Poller(started)
    poller.start()
    result = func()
    poller.stop.set()
    poller.join()
    elapsed = time.perf_counter() - started
    print(f"  {label}: {elapsed:.1f} s", flush=True)
    return result, elapsed


def main() -> int:
    args = parse_args()
    require_postgresql()
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from administration.models import ImportJob
    from schools.models import Enrollment, Guardian, Student

    print(f"PostgreSQL {connection.cursor().connection.server_version}; creating the database…")
    created = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False, serialize=False
    )
    try:
        school, _year, admin = build_school()
        content, name = student_file(args.students, random.Random(args.seed), as_csv=args.csv)
        print(f"{name}: {args.students} students, {len(content) / 1048576:.1f} MB")
        client = Client()
        client.force_login(admin)
        url = reverse("administration:import", args=[school.pk])

        def upload():
            response = client.post(
                url, {"kind": "students", "file": SimpleUploadedFile(name, content)}
            )
            assert response.status_code == 302, response.content[:3000]
            return ImportJob.objects.latest("pk")

        def apply(job):
            def run():
                response = client.post(reverse("administration:import_apply", args=[job.pk]))
                assert response.status_code == 302
                job.refresh_from_db()
                return job

            return run

        def counts():
            return (Student.objects.count(), Guardian.objects.count(), Enrollment.objects.count())

        job, checked = step("upload and dry run", upload)
        assert job.status == ImportJob.Status.CHECKED, job.errors[:5]
        print(f"    would create: {job.summary}")
        job, applied = step("apply (one transaction)", apply(job))
        assert job.status == ImportJob.Status.DONE, job.failure
        first = counts()
        print(f"    students, guardians, enrollments: {first}")
        again, checked_again = step("same file: dry run", upload)
        again, applied_again = step("same file: apply", apply(again))
        assert counts() == first, (counts(), first)
        print(
            f"    same file again: {again.summary['students_unchanged']} unchanged, nothing added"
        )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{os.cpu_count()} CPUs, load average {load} (other work inflates the figures)")
    finally:
        connection.creation.destroy_test_db(created, verbosity=0)
    total = checked + applied
    verdict = "met" if total < args.target_s else "MISSED"
    print(f"upload + dry run + apply: {total:.1f} s; target < {args.target_s:.0f} s: {verdict}")
    return 0 if total < args.target_s else 1


if __name__ == "__main__":
    sys.exit(main())
