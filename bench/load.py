"""Load: simulated staff at once against the application as production runs it.

    bash scripts/with_services.sh .venv/bin/python bench/load.py [--users 200] [--duration 120]

Needs DATABASE_URL (a PostgreSQL server where it may create a database) and
CELERY_BROKER_URL (Redis): scripts/with_services.sh starts both. The bench

1. creates the database ``bench_load`` on that server (``--reuse`` keeps one already
   filled), migrates it and fills it with the demo (``manage.py seed_demo``: two schools,
   their staff, a year of lessons and marks up to today), and collects the static files;
2. starts the production stack on loopback: gunicorn with ``--workers`` sync processes
   and production settings (``DEBUG`` off, whitenoise, the Redis cache), and one Celery
   worker taking the threshold evaluations the marks queue;
3. signs ``--users`` simulated members of staff in, each with a session of their own
   (they share the demo's accounts), and lets them work for ``--duration`` seconds after
   a ``--ramp`` of arrivals, with a think time of 0.5–1.5 s between two requests:
   subject and class teachers open their lessons and tap marks (Н, ОП, «присутствует»,
   each tap with its own client key, as the page sends them), class teachers open the
   class day, the month grid and a student card, deputies their start page, the
   school's alerts and the unmarked lessons;
4. prints the throughput and p50/p95 per page and overall of the steady window (after the
   ramp, every user at work: the ramp's lighter load would flatter the times and understate
   the throughput; the whole run's figures follow), and the errors of the whole run, then
   checks that every tap answered 200 is stored exactly once: one request row per key, and
   the mark of every student and lesson the one its last answered tap asked for.

Exits 1 when a target is missed (``--p95-ms``, ``--min-rps``, no error, no mark lost).
Loopback only; bounded in time. See bench/README.md.
"""

import argparse
import asyncio
import datetime
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DB = "bench_load"
PYTHON = sys.executable
THINK = (0.5, 1.5)


def bench_database(url: str, reuse: bool) -> tuple[str, bool]:
    """The bench database's URL, and whether it already holds the demo."""
    import psycopg2

    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        sys.exit("DATABASE_URL must point at PostgreSQL.")
    admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        exists = cursor.fetchone() is not None
        if exists and not reuse:
            cursor.execute(f"DROP DATABASE {BENCH_DB} WITH (FORCE)")
        if not (exists and reuse):
            cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    return urlunparse(parsed._replace(path=f"/{BENCH_DB}")), exists and reuse


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stack_environment(database_url: str, static_root: Path) -> dict:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        sys.exit("CELERY_BROKER_URL must name a Redis (scripts/with_services.sh starts one).")
    cache = broker.rsplit("/", 1)[0] + "/1"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "attendance_portal.settings.production",
        "DJANGO_SECRET_KEY": "bench-load-" + uuid.uuid4().hex,
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache,
        "DJANGO_STATIC_ROOT": str(static_root),
        # Many sessions of one account: the bench signs in once per simulated user.
        "AXES_FAILURE_LIMIT": "1000",
    }


def run(command: list[str], env: dict, label: str) -> None:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


# --- Who does what ----------------------------------------------------------------------


@dataclass
class Account:
    username: str
    role: str
    lessons: list[int] = field(default_factory=list)  # a teacher's lessons to mark
    class_id: int | None = None  # a class teacher's class
    student_id: int | None = None  # a student of that class
    school_id: int | None = None


@dataclass
class Plan:
    accounts: list[Account]
    rosters: dict[int, list[int]]  # lesson → its students
    day: datetime.date  # the school day whose lessons are marked


def plan(today: datetime.date) -> Plan:
    """The demo's staff who mark, keep a class, or oversee, and what each opens."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role
    from journal.models import Lesson
    from journal.selectors import lesson_roster
    from schools.models import Enrollment, SchoolClass

    day = (
        Lesson.objects.filter(date__lt=today, status=Lesson.Status.SCHEDULED)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    accounts = []
    for assignment in RoleAssignment.objects.select_related("user").filter(
        role__in=[Role.SUBJECT_TEACHER, Role.CLASS_TEACHER, Role.DEPUTY], user__is_active=True
    ):
        account = Account(assignment.user.username, assignment.role, school_id=assignment.school_id)
        if assignment.role != Role.DEPUTY:
            account.lessons = list(
                Lesson.objects.filter(
                    teacher=assignment.user, date=day, status=Lesson.Status.SCHEDULED
                )
                .order_by("period")
                .values_list("pk", flat=True)
            )
        if assignment.role == Role.CLASS_TEACHER:
            school_class = SchoolClass.objects.filter(
                class_teacher=assignment.user, academic_year__start_date__lte=today
            ).first()
            if school_class is None:
                continue
            account.class_id = school_class.pk
            account.student_id = (
                Enrollment.objects.on(today)
                .filter(school_class=school_class)
                .values_list("student_id", flat=True)
                .first()
            )
        if account.role == Role.DEPUTY or account.lessons or account.class_id:
            accounts.append(account)
    lesson_ids = [pk for account in accounts for pk in account.lessons]
    rosters: dict[int, list[int]] = defaultdict(list)
    for lesson in Lesson.objects.filter(pk__in=lesson_ids):
        # The page's own roster: a subgroup's lesson lists the subgroup.
        rosters[lesson.pk] = list(lesson_roster(lesson).values_list("pk", flat=True))
    return Plan(accounts, rosters, day)


def sign_in(accounts: list[Account], users: int) -> list[str]:
    """A session of its own for each simulated user, created as the sign-in page creates
    one: the sign-in itself (a password hash of a second of CPU, by design) is not part of
    the morning's mixed load, and 200 of them would take the two cores for minutes."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    staff = User.objects.in_bulk([a.username for a in accounts], field_name="username")
    keys = []
    for n in range(users):
        user = staff[accounts[n % len(accounts)].username]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.PasswordBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


# --- The simulated users ----------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # (when it finished, page, seconds) of every answered request, for the steady window.
    samples: list[tuple[float, str, float]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (lesson, student) → (key, kind) of the last tap answered 200, in the order sent.
    taps: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    answered_keys: set[str] = field(default_factory=set)
    requests: int = 0


class User:
    def __init__(self, client, account: Account, results: Results, urls, share):
        self.client, self.account, self.results, self.urls = client, account, results, urls
        # (this user's index, users sharing the account): each marks its own students, so
        # the last answered tap of a row is well defined.
        self.share = share

    async def request(self, page: str, method: str, url: str, **kwargs) -> int | None:
        """The answer's status (None when the connection failed), timed to its last byte."""
        started = time.perf_counter()
        try:
            async with self.client.request(
                method, self.urls["base"] + url, allow_redirects=False, **kwargs
            ) as response:
                body = await response.read()
                status = response.status
        except Exception as error:  # a refused or dropped connection is an error too
            self.results.errors[page].append(type(error).__name__)
            return None
        finished = time.perf_counter()
        self.results.times[page].append(finished - started)
        self.results.samples.append((finished, page, finished - started))
        self.results.requests += 1
        if status >= 400:
            # The refusal's own words (a mark row's or the page's alert), for the summary.
            said = re.search(r'role="alert">([^<]+)<', body.decode(errors="replace"))
            reason = f" {said.group(1).strip()}" if said else ""
            self.results.errors[page].append(f"{status}{reason}")
        return status

    def csrf_token(self) -> str:
        cookie = self.client.cookie_jar.filter_cookies(self.urls["origin"]).get("csrftoken")
        return cookie.value if cookie else ""

    async def think(self):
        await asyncio.sleep(random.uniform(*THINK))

    async def work(self, until: float):
        role = self.account.role
        while time.perf_counter() < until:
            if self.account.lessons and (role != "class_teacher" or random.random() < 0.6):
                await self.mark(until)
            elif self.account.class_id:
                await self.class_pages()
            else:
                await self.deputy_pages()
            await self.think()

    async def mark(self, until: float):
        lesson = random.choice(self.account.lessons)
        index, sharing = self.share
        students = [s for n, s in enumerate(self.results_roster(lesson)) if n % sharing == index]
        await self.request("lessons", "GET", self.urls["my_lessons"])
        await self.think()
        url = self.urls["lesson"].format(lesson)
        page = await self.request("lesson", "GET", url)
        if page is None or not students:
            return
        token = self.csrf_token()
        for student in random.sample(students, min(len(students), 4)):
            if time.perf_counter() >= until:
                return
            await self.think()
            kind = random.choice(["absent", "absent", "late", "present"])
            key = uuid.uuid4().hex
            data = {"student": student, "kind": kind, "client_key": key}
            if kind == "late":
                data["minutes_late"] = random.randint(1, 15)  # under half of a 35-minute lesson
            answer = await self.request(
                "tap",
                "POST",
                self.urls["mark"].format(lesson),
                data={name: str(value) for name, value in data.items()},
                headers={
                    "HX-Request": "true",
                    "X-CSRFToken": token,
                    "Referer": self.urls["base"] + url,
                },
            )
            if answer == 200:
                self.results.taps[(lesson, student)] = (key, kind)
                self.results.answered_keys.add(key)

    def results_roster(self, lesson: int) -> list[int]:
        return self.urls["rosters"][lesson]

    async def class_pages(self):
        class_id = self.account.class_id
        day = self.urls["day"]
        await self.request("class day", "GET", self.urls["class_day"].format(class_id, day))
        await self.think()
        await self.request("month grid", "GET", self.urls["class_grid"].format(class_id))
        if self.account.student_id:
            await self.think()
            await self.request(
                "student card", "GET", self.urls["student_card"].format(self.account.student_id)
            )

    async def deputy_pages(self):
        page = random.choice(["start", "school alerts", "unmarked"])
        await self.request(page, "GET", self.urls[page])


async def drive(
    plan_: Plan, base: str, urls: dict, sessions: list[str], duration: float, ramp: float
):
    import aiohttp
    from yarl import URL

    results = Results()
    urls = {**urls, "rosters": plan_.rosters, "base": base, "origin": URL(base)}
    # Teachers and class teachers are most of the staff at the morning peak; every
    # account of the demo is used, round robin, several sessions each.
    accounts = plan_.accounts
    users = len(sessions)
    sharing: dict[str, int] = defaultdict(int)
    assigned = [accounts[n % len(accounts)] for n in range(users)]
    for account in assigned:
        sharing[account.username] += 1
    seen: dict[str, int] = defaultdict(int)
    start = time.perf_counter()
    until = start + ramp + duration

    async def one(n: int, account: Account):
        share = (seen[account.username], sharing[account.username])
        seen[account.username] += 1
        await asyncio.sleep(ramp * n / users)
        # unsafe: the jar keeps cookies of an IP address (127.0.0.1) too.
        jar = aiohttp.CookieJar(unsafe=True)
        jar.update_cookies({"sessionid": sessions[n]}, URL(base))
        async with aiohttp.ClientSession(
            cookie_jar=jar,
            timeout=aiohttp.ClientTimeout(total=30),
            connector=aiohttp.TCPConnector(limit=1),  # one browser tab: one connection
        ) as client:
            await User(client, account, results, urls, share).work(until)

    await asyncio.gather(*(one(n, account) for n, account in enumerate(assigned)))
    # Every user is at work from the end of the ramp until ``until``: the steady window.
    return results, time.perf_counter() - start, (start + ramp, until)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def verify(results: Results) -> tuple[int, int]:
    """(taps whose stored mark differs from the last answered one, keys not stored once)."""
    from journal.models import Mark, MarkRequest

    stored = {
        (lesson, student): kind
        for lesson, student, kind in Mark.objects.filter(
            lesson_id__in={lesson for lesson, _ in results.taps}
        ).values_list("lesson_id", "student_id", "kind")
    }
    wrong = sum(
        1 for row, (_key, kind) in results.taps.items() if stored.get(row, "present") != kind
    )
    keys = list(results.answered_keys)
    counted = 0
    for start in range(0, len(keys), 5000):
        counted += MarkRequest.objects.filter(client_key__in=keys[start : start + 5000]).count()
    return wrong, abs(counted - len(keys))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=120, help="seconds after the ramp")
    parser.add_argument("--ramp", type=float, default=20, help="seconds over which users arrive")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
    parser.add_argument("--reuse", action="store_true", help="keep a filled bench database")
    parser.add_argument("--p95-ms", type=float, default=500)
    parser.add_argument("--min-rps", type=float, default=150)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL (scripts/with_services.sh starts a throwaway PostgreSQL).")
    random.seed(14)
    database_url, filled = bench_database(os.environ["DATABASE_URL"], args.reuse)
    static_root = Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/bench-load-static"))
    env = stack_environment(database_url, static_root)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SECRET_KEY", "CACHE_URL")})
    os.environ.update(DJANGO_SETTINGS_MODULE=env["DJANGO_SETTINGS_MODULE"], DJANGO_HTTPS="0")
    os.environ["DJANGO_STATIC_ROOT"] = str(static_root)

    print(f"Load: {args.users} users, {args.duration:.0f} s after a {args.ramp:.0f} s ramp")
    manage = [PYTHON, "manage.py"]
    run([*manage, "migrate", "--noinput"], env, "migrate")
    if not filled:
        run([*manage, "seed_demo"], env, "demo data")
    if not (static_root / "staticfiles.json").exists():
        run([*manage, "collectstatic", "--noinput"], env, "static files")

    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    plan_ = plan(today)
    print(
        f"  {len(plan_.accounts)} staff accounts, {len(plan_.rosters)} lessons of "
        f"{plan_.day:%d.%m.%Y} to mark",
        flush=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    urls = {
        "my_lessons": reverse("journal:my_lessons"),
        "lesson": reverse("journal:lesson", args=[0]).replace("/0/", "/{}/"),
        "mark": reverse("journal:lesson_mark", args=[0]).replace("/0/", "/{}/"),
        "class_day": reverse("journal:class_day", args=[0]).replace("/0/", "/{}/") + "?date={}",
        "class_grid": reverse("journal:class_grid", args=[0]).replace("/0/", "/{}/"),
        "student_card": reverse("journal:student_card", args=[0]).replace("/0/", "/{}/"),
        "start": reverse("home:start", args=["deputy"]),
        "school alerts": reverse("alerts:school_alerts"),
        "unmarked": reverse("journal:unmarked"),
        "day": plan_.day.isoformat(),
    }
    stack = [
        subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "attendance_portal.wsgi:application"]
            + [f"--bind=127.0.0.1:{port}", f"--workers={args.workers}", "--timeout=60"],
            env=env,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "attendance_portal", "worker"]
            + ["--concurrency=1", "--loglevel=WARNING", "--without-mingle", "--without-gossip"],
            env=env,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        # Every process loads its templates and opens its connection before the clock.
        for _ in range(4 * args.workers):
            urlopen(f"{base}{urls['start']}", timeout=30).close()
        sessions = sign_in(plan_.accounts, args.users)
        results, elapsed, window = asyncio.run(
            drive(plan_, base, urls, sessions, args.duration, args.ramp)
        )
        # The evaluations the marks queued: the worker catches up before the check.
        time.sleep(5)
    finally:
        for process in stack:
            process.send_signal(signal.SIGTERM)
        for process in stack:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    wrong, not_once = verify(results)
    # The figures are those of the steady window, with every user at work: the ramp's
    # lighter load would flatter the times and understate the throughput.
    steady: dict[str, list[float]] = defaultdict(list)
    for finished, page, seconds in results.samples:
        if window[0] <= finished <= window[1]:
            steady[page].append(seconds)
    all_times = [t for times in steady.values() for t in times]
    errors = sum(len(e) for e in results.errors.values())
    rps = len(all_times) / (window[1] - window[0])
    p95 = percentile(all_times, 0.95) * 1000
    whole = [t for times in results.times.values() for t in times]
    print()
    print(
        f"after the ramp, all {args.users} users at work ({window[1] - window[0]:.0f} s); "
        "errors of the whole run"
    )
    print(f"{'page':<14} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for page, times in sorted(steady.items(), key=lambda item: -len(item[1])):
        print(
            f"{page:<14} {len(times):>9} {statistics.median(times) * 1000:>8.0f} "
            f"{percentile(times, 0.95) * 1000:>8.0f} {len(results.errors.get(page, [])):>7}"
        )
    print(
        f"{'all':<14} {len(all_times):>9} {statistics.median(all_times) * 1000:>8.0f} "
        f"{p95:>8.0f} {errors:>7}"
    )
    for page, kinds in results.errors.items():
        if kinds:
            print(f"  errors of {page}: {', '.join(sorted(set(kinds)))}")
    print(
        f"\nthroughput: {rps:.0f} requests/s after the ramp "
        f"({settings.DATABASES['default']['NAME']}, {args.workers} gunicorn processes); "
        f"the whole run with its ramp: {results.requests / elapsed:.0f} requests/s over "
        f"{elapsed:.0f} s, p95 {percentile(whole, 0.95) * 1000:.0f} ms"
    )
    print(
        f"taps answered 200: {len(results.answered_keys)}; stored mark differs from the last "
        f"answered tap: {wrong}; keys not stored exactly once: {not_once}"
    )
    missed = [
        text
        for text, failed in (
            (f"p95 {p95:.0f} ms ≥ {args.p95_ms:.0f} ms", p95 >= args.p95_ms),
            (f"{rps:.0f} requests/s < {args.min_rps:.0f}", rps < args.min_rps),
            (f"{errors} errors", errors > 0),
            (f"{wrong + not_once} marks lost or doubled", wrong + not_once > 0),
        )
        if failed
    ]
    print("targets: " + ("all met" if not missed else "missed — " + "; ".join(missed)))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
