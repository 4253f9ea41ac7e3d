"""Two schools with one named user per role, shared by the permission tests.

School A holds everything the users of A may or may not see; school B (another
municipality and region) holds the same objects, which A's users must never
reach. Other apps' tests may import :func:`build_world` and add their objects.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.services import assign_role
from alerts.models import Alert, EvaluationRun, Notification, Rule, Task
from audit.models import AuditEntry
from journal.models import (
    BellPeriod,
    CalendarOverride,
    ExcuseDocument,
    GradeBandWeek,
    Lesson,
    Mark,
    PublicCalendarDay,
    Quarantine,
    Term,
    TimetableEntry,
    Vacation,
)
from journal.services import register_excuse, set_mark
from policy.models import PolicyValue
from schools.models import (
    AcademicYear,
    ClassGroup,
    Region,
    School,
    SchoolClass,
    Student,
    Subject,
)
from tests import factories

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ALL_ROLES = (ANONYMOUS, *Role.values, SUPERUSER)

# The smallest file the scan check takes for a PDF (it looks at the content, not the name).
PDF_SCAN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def current_year_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start_year = today.year if today.month >= 8 else today.year - 1
    return datetime.date(start_year, 9, 1) - datetime.timedelta(days=40), datetime.date(
        start_year + 1, 6, 30
    )


def school_admin_user(school, **kwargs) -> User:
    """A school administrator, made through the service so that they may enter the admin."""
    user = factories.UserFactory(**kwargs)
    assign_role(user=user, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    return user


@dataclass
class SchoolSide:
    """The objects of one school."""

    school: School
    year: AcademicYear
    school_class: SchoolClass  # led by class_teacher, taught by subject_teacher
    other_class: SchoolClass  # in the same school, neither led nor taught by them
    student: Student  # in school_class
    other_student: Student  # in other_class
    class_teacher: User
    subject_teacher: User
    subject: Subject
    group: ClassGroup
    timetable_entry: TimetableEntry
    lesson: Lesson  # today, student marked absent (reason unknown)
    mark: Mark
    excuse: ExcuseDocument  # of student, with a scan in the private storage
    alert: Alert  # today's unknown reason of student
    task: Task  # of the alert, assigned to class_teacher
    notification: Notification  # of the alert, for class_teacher
    evaluation_run: EvaluationRun
    role_assignment: RoleAssignment
    bell_period: BellPeriod
    term: Term
    vacation: Vacation
    quarantine: Quarantine
    grade_band_week: GradeBandWeek
    calendar_override: CalendarOverride
    policy_value: PolicyValue
    audit_entry: AuditEntry
    # Casework objects by name (tests/casework/world.py): the case, a visit, a session …
    cw: dict = field(default_factory=dict)
    # Reporting objects by name (tests/reporting/world.py): reports, versions, files …
    rp: dict = field(default_factory=dict)
    # E-journal exchange objects (tests/exchange/world.py): an import, a conflict.
    ex: dict = field(default_factory=dict)
    # Parent messages (tests/notify/world.py): a guardian, their note, a notice, a delivery.
    nt: dict = field(default_factory=dict)

    @property
    def region(self) -> Region:
        return self.school.municipality.region


def build_side(school: School, today: datetime.date) -> SchoolSide:
    start, end = current_year_dates(today)
    year = AcademicYear.objects.create(
        school=school, name=f"{start.year}/{end.year}", start_date=start, end_date=end
    )
    class_teacher = factories.staff_user(Role.CLASS_TEACHER, school)
    subject_teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    school_class = factories.SchoolClassFactory(
        school=school, academic_year=year, grade=5, letter="А", class_teacher=class_teacher
    )
    other_class = factories.SchoolClassFactory(
        school=school, academic_year=year, grade=6, letter="Б"
    )
    student = factories.enrolled_student(school_class)
    other_student = factories.enrolled_student(other_class)
    subject = factories.SubjectFactory(school=school, name="Математика")
    entry = TimetableEntry.objects.create(
        school_class=school_class,
        weekday=today.isoweekday() if today.isoweekday() <= 6 else 1,
        period=1,
        subject=subject,
        teacher=subject_teacher,
        valid_from=start,
    )
    lesson = Lesson.objects.create(
        school=school,
        school_class=school_class,
        date=today,
        period=1,
        subject=subject,
        teacher=subject_teacher,
        source_entry=entry,
    )
    group = ClassGroup.objects.create(school_class=school_class, name="1 подгруппа")
    mark = set_mark(
        lesson=lesson, student_id=student.pk, kind=Mark.Kind.ABSENT, acting_user=subject_teacher
    )
    # The first days of the year, so that today's absence keeps its unknown reason.
    excuse = register_excuse(
        student=student,
        school=school,
        kind=ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        acting_user=class_teacher,
        scan=SimpleUploadedFile("справка.pdf", PDF_SCAN, content_type="application/pdf"),
    )
    # Late in the day the committed mark above has already fired this alert (the engine
    # runs after the unknown-reason deadline): take it rather than make a second.
    alert, _created = Alert.objects.get_or_create(
        school=school,
        student=student,
        rule=Rule.UNKNOWN_REASON,
        episode=f"{today}",
        defaults={
            "period_start": today,
            "period_end": today,
            "evidence": {"dates": [f"{today}"]},
        },
    )
    return SchoolSide(
        alert=alert,
        task=Task.objects.update_or_create(
            alert=alert,
            kind=Task.Kind.PHONE_PARENTS,
            sequence=1,
            defaults={
                "school": school,
                "student": student,
                "assignee_role": Role.CLASS_TEACHER,
                "assignee": class_teacher,
                "due_date": today,
            },
        )[0],
        notification=Notification.objects.create(
            user=class_teacher, alert=alert, text="Причина пропуска не установлена"
        ),
        evaluation_run=EvaluationRun.objects.create(
            school=school, status=EvaluationRun.Status.DONE, progress=100
        ),
        school=school,
        year=year,
        school_class=school_class,
        other_class=other_class,
        student=student,
        other_student=other_student,
        class_teacher=class_teacher,
        subject_teacher=subject_teacher,
        subject=subject,
        group=group,
        timetable_entry=entry,
        lesson=lesson,
        mark=mark,
        excuse=excuse,
        role_assignment=RoleAssignment.objects.get(user=class_teacher),
        # Today's lesson opens for marking at its bell: at midnight, whatever the hour the
        # tests run.
        bell_period=BellPeriod.objects.create(
            school=school, number=1, start_time=datetime.time(0, 0), end_time=datetime.time(0, 45)
        ),
        term=Term.objects.create(
            academic_year=year, number=1, start_date=start, end_date=start + datetime.timedelta(60)
        ),
        vacation=Vacation.objects.create(
            academic_year=year,
            name="Осенние каникулы",
            start_date=start + datetime.timedelta(61),
            end_date=start + datetime.timedelta(68),
        ),
        quarantine=Quarantine.objects.create(
            school=school, start_date=end - datetime.timedelta(10), end_date=end
        ),
        grade_band_week=GradeBandWeek.objects.create(
            school=school, grade_from=1, grade_to=4, week_length=5
        ),
        calendar_override=CalendarOverride.objects.create(
            school=school, date=start + datetime.timedelta(5), is_school_day=False
        ),
        policy_value=PolicyValue.objects.create(key="threshold.days", school=school, value=3),
        audit_entry=AuditEntry.objects.create(action="test.entry", school=school),
    )


@dataclass
class World:
    a: SchoolSide
    b: SchoolSide
    users: dict[str, User] = field(default_factory=dict)
    public_day: PublicCalendarDay | None = None

    def user(self, role: str) -> User | None:
        return self.users.get(role)


def build_world() -> World:
    today = timezone.localdate()
    school_a = factories.SchoolFactory()
    school_b = factories.SchoolFactory()  # another municipality and region (own SubFactory)
    world = World(a=build_side(school_a, today), b=build_side(school_b, today))
    world.users = {
        Role.SUBJECT_TEACHER: world.a.subject_teacher,
        Role.CLASS_TEACHER: world.a.class_teacher,
        Role.SOCIAL_PEDAGOGUE: factories.staff_user(Role.SOCIAL_PEDAGOGUE, school_a),
        Role.PSYCHOLOGIST: factories.staff_user(Role.PSYCHOLOGIST, school_a),
        Role.DEPUTY: factories.staff_user(Role.DEPUTY, school_a),
        Role.DIRECTOR: factories.staff_user(Role.DIRECTOR, school_a),
        Role.SCHOOL_ADMIN: school_admin_user(school_a),
        SUPERUSER: factories.UserFactory(is_superuser=True, is_staff=True),
    }
    municipal = factories.UserFactory()
    RoleAssignment.objects.create(
        user=municipal, role=Role.MUNICIPAL, municipality=school_a.municipality
    )
    regional = factories.UserFactory()
    RoleAssignment.objects.create(
        user=regional, role=Role.REGIONAL, region=school_a.municipality.region
    )
    world.users[Role.MUNICIPAL] = municipal
    world.users[Role.REGIONAL] = regional
    world.public_day = PublicCalendarDay.objects.create(
        date=datetime.date(2030, 1, 1), kind=PublicCalendarDay.Kind.HOLIDAY, name="Новый год"
    )
    # Casework last: its objects name the staff above.
    from tests.casework.world import build_casework

    for side in (world.a, world.b):
        side.cw = build_casework(world, side)
    from tests.reporting.world import build_reporting

    for side in (world.a, world.b):
        side.rp = build_reporting(world, side)
    from tests.notify.world import build_notify

    for side in (world.a, world.b):
        side.nt = build_notify(world, side)
    from tests.exchange.world import build_exchange

    for side in (world.a, world.b):
        side.ex = build_exchange(world, side)
    return world
