"""Every URL of the project × every role answers as expected (spec §9, R-SEC).

How to register a URL
---------------------
Add the URL name to ``URL_MATRIX`` (``"app:name"``; unnamed patterns by their
route) with one or more :class:`Case` objects. A case builds the URL's kwargs
from the shared :class:`~tests.accounts.world.World` (school A is the users'
school, school B another one) and says which status each role gets::

    "casework:case_detail": [
        Case("own", kwargs=lambda w: {"pk": w.a.case.pk},
             expect=allow(Role.CLASS_TEACHER, *WHOLE_SCHOOL, SUPERUSER)),
        Case("other school", kwargs=lambda w: {"pk": w.b.case.pk},
             expect=everyone(404, superuser=200)),
    ],

``expect`` maps a role to 200 / 302 / 403 / 404 / 405 or :data:`LOGIN` (a
redirect to a sign-in page); anonymous users default to :data:`LOGIN`.
Objects a case needs go into ``tests/accounts/world.py``. The test fails for
any pattern without an entry, so a new view cannot ship unchecked.

Admin URLs are generated from ``ADMIN_MODELS`` (one line per registered model).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from journal.registries import REGISTRIES
from tests.accounts.world import ALL_ROLES, ANONYMOUS, SUPERUSER, World, build_world

LOGIN = "login"  # a redirect to the app's or the admin's sign-in page

SCHOOL_ROLES = tuple(Role.values[:7])
TERRITORY = (Role.MUNICIPAL, Role.REGIONAL)
LOGGED_IN = (*Role.values, SUPERUSER)


def everyone(status, **overrides) -> dict:
    """Every signed-in role gets ``status``; keyword overrides per role (anonymous too)."""
    return dict.fromkeys(LOGGED_IN, status) | overrides


def allow(*roles, yes=200, no=403) -> dict:
    return {role: (yes if role in roles else no) for role in LOGGED_IN}


@dataclass(frozen=True)
class Case:
    label: str
    expect: Mapping[str, int | str]
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    anonymous: int | str = LOGIN
    query: str | Callable[[World], str] = ""
    # A POST case sends ``data(world)``; every request is rolled back, so it changes nothing.
    method: str = "get"
    data: Callable[[World], dict] | None = None
    # Set when the view contradicts spec §1: the case then fails until the view is fixed.
    xfail: str = ""

    def expected(self, role: str):
        return self.anonymous if role == ANONYMOUS else self.expect[role]

    def query_string(self, world: World) -> str:
        return self.query(world) if callable(self.query) else self.query


# Journal (journal/rules.py). Municipal and regional officials never see pupils: 404.
WHOLE_SCHOOL = (Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR)
# journal.view_class_attendance: the class teacher and the whole school. The psychologist
# reads only the students referred to them (school A's ``student``, tests/casework/world.py),
# never a class.
ATTENDANCE_READERS = (Role.CLASS_TEACHER, *WHOLE_SCHOOL, SUPERUSER)
REFERRED = (Role.PSYCHOLOGIST,)
# journal.settle_reasons: reasons and excuse documents.
SETTLERS = (Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, SUPERUSER)
# casework.log_parent_contact: calls to the parents.
CONTACT_KEEPERS = (Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR, SUPERUSER)
# journal.mark_lesson.
MARKERS = (Role.SUBJECT_TEACHER, Role.CLASS_TEACHER, Role.DEPUTY, SUPERUSER)


def in_school(*roles, yes=200) -> dict:
    """``roles`` get ``yes`` on an object of school A, other staff 403, officials 404."""
    return allow(*roles, yes=yes) | dict.fromkeys(TERRITORY, 404)


def other_school(superuser=200) -> dict:
    return everyone(404, **{SUPERUSER: superuser})


def own_other_foreign(
    readers, key="class_id", *, own_only=(Role.CLASS_TEACHER,), referred=()
) -> list[Case]:
    """A page of a class (``key="class_id"``) or of a student (``"student_id"``) for
    ``readers``: ``own_only`` roles see their own class only, ``referred`` roles (the
    psychologist) only the student referred to them; another school is 404."""
    objects = {
        "class_id": ("school_class", "other_class"),
        "student_id": ("student", "other_student"),
    }
    own, other = objects[key]
    return [
        Case(
            "own class" if key == "class_id" else "student of own class",
            kwargs=lambda w: {key: getattr(w.a, own).pk},
            expect=in_school(*readers, *referred),
        ),
        Case(
            "another class of the school" if key == "class_id" else "student of another class",
            kwargs=lambda w: {key: getattr(w.a, other).pk},
            expect=in_school(*readers) | dict.fromkeys(own_only, 403),
        ),
        Case(
            "other school",
            kwargs=lambda w: {key: getattr(w.b, own).pk},
            expect=other_school(),
        ),
    ]


def class_posts(allowed) -> list[Case]:
    """A POST about a student of the class: ``allowed`` are sent back to the page (302)."""
    return [
        Case("GET", kwargs=lambda w: {"class_id": w.a.school_class.pk}, expect=everyone(405)),
        Case(
            "POST own class",
            kwargs=lambda w: {"class_id": w.a.school_class.pk},
            method="post",
            data=lambda w: {"student": w.a.student.pk, "date": f"{w.a.lesson.date}"},
            expect=in_school(*allowed, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"class_id": w.b.school_class.pk},
            method="post",
            data=lambda w: {"student": w.b.student.pk, "date": f"{w.b.lesson.date}"},
            expect=other_school(superuser=302),
        ),
    ]


OVERSEERS = (Role.DEPUTY, Role.DIRECTOR)
SETTINGS_READERS = (Role.SCHOOL_ADMIN, Role.DIRECTOR, Role.DEPUTY)
SETTINGS_EDITORS = (Role.SCHOOL_ADMIN, Role.DIRECTOR)
SETTING_KEY = "journal.unknown_reason_deadline"
REGION_SETTINGS = allow(Role.REGIONAL, SUPERUSER) | {Role.MUNICIPAL: 404}
REGISTRY_KINDS = sorted(REGISTRIES)


def _start_page(role: str) -> Case:
    return Case(role, kwargs=lambda w: {"role": role}, expect=allow(role))


URL_MATRIX: dict[str, list[Case]] = {
    "home:home": [Case("", expect=everyone(302, **{SUPERUSER: 200}))],
    "home:start": [
        *(_start_page(role) for role in Role.values),
        Case("unknown role", kwargs=lambda w: {"role": "nobody"}, expect=everyone(404)),
    ],
    "accounts:login": [Case("", expect=everyone(302), anonymous=200)],
    "accounts:logout": [Case("GET", expect=everyone(405), anonymous=405)],
    "accounts:password_change": [Case("", expect=everyone(200))],
    "accounts:password_change_done": [Case("", expect=everyone(200))],
    # Django's view: without POST it just redirects back.
    "set_language": [Case("GET", expect=everyone(302), anonymous=302)],
    # A permanent redirect to the static icon, for everybody.
    "favicon": [Case("", expect=everyone(301), anonymous=301)],
    # Journal marking (journal/rules.py): the lesson's teacher, the class teacher and the
    # whole-school readers; municipal and regional officials are no school's staff (404).
    "journal:my_lessons": [Case("", expect=everyone(200))],
    "journal:unmarked": [
        Case(
            "",
            expect=allow(
                Role.SUBJECT_TEACHER,
                Role.CLASS_TEACHER,
                Role.SOCIAL_PEDAGOGUE,
                Role.DEPUTY,
                Role.DIRECTOR,
            ),
        )
    ],
    "journal:lesson": [
        Case(
            "own school",
            kwargs=lambda w: {"lesson_id": w.a.lesson.pk},
            expect=allow(
                Role.SUBJECT_TEACHER,
                Role.CLASS_TEACHER,
                Role.SOCIAL_PEDAGOGUE,
                Role.DEPUTY,
                Role.DIRECTOR,
                SUPERUSER,
            )
            | dict.fromkeys(TERRITORY, 404),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"lesson_id": w.b.lesson.pk},
            expect=everyone(404, **{SUPERUSER: 200}),
        ),
    ],
    "journal:lesson_mark": [
        Case("GET", kwargs=lambda w: {"lesson_id": w.a.lesson.pk}, expect=everyone(405)),
        # Readers who may not mark: the service's refusal propagates as 403.
        Case(
            "POST own school",
            kwargs=lambda w: {"lesson_id": w.a.lesson.pk},
            method="post",
            data=lambda w: {"student": w.a.student.pk, "kind": "late"},
            expect=in_school(*MARKERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"lesson_id": w.b.lesson.pk},
            method="post",
            data=lambda w: {"student": w.b.student.pk, "kind": "late"},
            expect=other_school(superuser=302),
        ),
    ],
    "journal:lesson_confirm": [
        Case("GET", kwargs=lambda w: {"lesson_id": w.a.lesson.pk}, expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=lambda w: {"lesson_id": w.a.lesson.pk},
            method="post",
            expect=in_school(*MARKERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"lesson_id": w.b.lesson.pk},
            method="post",
            expect=other_school(superuser=302),
        ),
    ],
    # The class teacher's day: journal.view_class_attendance on the class.
    "journal:class_day": own_other_foreign(ATTENDANCE_READERS),
    # The month grid: journal.view_class_marks, the readers and the class's subject teachers.
    "journal:class_grid": own_other_foreign(
        (*ATTENDANCE_READERS, Role.SUBJECT_TEACHER),
        own_only=(Role.CLASS_TEACHER, Role.SUBJECT_TEACHER),
    ),
    # Both POST views fetch the class as readers (404 elsewhere), then refuse a reader who
    # may not settle reasons (journal.settle_reasons) or log contacts
    # (casework.log_parent_contact) with 403; the others are sent back to the page (302).
    "journal:class_day_reasons": class_posts(SETTLERS),
    "casework:class_day_contact": class_posts(CONTACT_KEEPERS),
    # The call form the class day loads when opened: the same checks as its POST.
    "casework:class_day_contact_form": [
        Case(
            "own class",
            kwargs=lambda w: {"class_id": w.a.school_class.pk},
            query=lambda w: f"?student={w.a.student.pk}&date={w.a.lesson.date}",
            expect=in_school(*CONTACT_KEEPERS),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"class_id": w.b.school_class.pk},
            query=lambda w: f"?student={w.b.student.pk}&date={w.b.lesson.date}",
            expect=other_school(),
        ),
    ],
    # A parent's note (issue #15 point 7): the class fetched for readers (404 elsewhere),
    # then journal.settle_reasons decides (403); a note of another class is 404.
    **{
        f"journal:guardian_note_{action}": [
            Case(
                "GET",
                kwargs=lambda w: {"class_id": w.a.school_class.pk, "note_id": w.a.nt["note"].pk},
                expect=everyone(405),
            ),
            Case(
                "POST own class",
                kwargs=lambda w: {"class_id": w.a.school_class.pk, "note_id": w.a.nt["note"].pk},
                method="post",
                data=lambda w: {"comment": "Не подтвердилось"},
                expect=in_school(*SETTLERS, yes=302),
            ),
            Case(
                "POST through another class of the school",
                kwargs=lambda w: {"class_id": w.a.other_class.pk, "note_id": w.a.nt["note"].pk},
                method="post",
                expect=in_school(*WHOLE_SCHOOL, SUPERUSER, yes=404),
            ),
            Case(
                "POST other school",
                kwargs=lambda w: {"class_id": w.b.school_class.pk, "note_id": w.b.nt["note"].pk},
                method="post",
                expect=other_school(superuser=302),
            ),
        ]
        for action in ("confirm", "reject")
    },
    # A student's attendance card and excuse documents: view_class_attendance on their class.
    "journal:student_card": own_other_foreign(ATTENDANCE_READERS, "student_id", referred=REFERRED),
    "journal:excuse_list": own_other_foreign(ATTENDANCE_READERS, "student_id", referred=REFERRED),
    "journal:excuse_add": own_other_foreign(SETTLERS, "student_id"),
    "journal:excuse_withdraw": [
        Case("GET", kwargs=lambda w: {"excuse_id": w.a.excuse.pk}, expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=lambda w: {"excuse_id": w.a.excuse.pk},
            method="post",
            data=lambda w: {"reason": "Документ выдан не тому ребёнку"},
            expect=in_school(*SETTLERS, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"excuse_id": w.b.excuse.pk},
            method="post",
            data=lambda w: {"reason": "Документ выдан не тому ребёнку"},
            expect=other_school(superuser=302),
        ),
    ],
    # The scan of a medical certificate, sent as an attachment.
    "journal:excuse_scan": [
        Case(
            "own school",
            kwargs=lambda w: {"excuse_id": w.a.excuse.pk},
            expect=in_school(*ATTENDANCE_READERS, *REFERRED),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"excuse_id": w.b.excuse.pk},
            expect=other_school(),
        ),
    ],
    # Registries list the user's own schools (or led classes) only: no object in the URL.
    **{
        name: [
            *(
                Case(
                    kind,
                    kwargs=lambda w, kind=kind: {"kind": kind},
                    expect=allow(Role.CLASS_TEACHER, *WHOLE_SCHOOL, SUPERUSER),
                )
                for kind in REGISTRY_KINDS
            ),
            Case("unknown kind", kwargs=lambda w: {"kind": "nothing"}, expect=everyone(404)),
        ]
        for name in ("journal:registry", "journal:registry_export")
    },
    # Alerts (alerts/rules.py): an alert is seen by the student's class teacher and the
    # whole school; deputy and director oversee every task and run the recalculation.
    "alerts:inbox": [Case("", expect=everyone(200))],
    "alerts:tasks": [Case("", expect=everyone(200))],
    "alerts:inbox_read_all": [
        Case("GET", expect=everyone(405)),
        Case("POST", method="post", expect=everyone(302)),
    ],
    # Another user's notification does not exist for the user, superuser included.
    "alerts:notification_read": [
        Case(
            "GET", kwargs=lambda w: {"notification_id": w.a.notification.pk}, expect=everyone(405)
        ),
        Case(
            "POST own",
            kwargs=lambda w: {"notification_id": w.a.notification.pk},
            method="post",
            expect=everyone(404, **{Role.CLASS_TEACHER: 302}),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"notification_id": w.b.notification.pk},
            method="post",
            expect=everyone(404),
        ),
    ],
    "alerts:task_done": [
        Case("GET", kwargs=lambda w: {"task_id": w.a.task.pk}, expect=everyone(405)),
        Case(
            "POST own school",
            kwargs=lambda w: {"task_id": w.a.task.pk},
            method="post",
            expect=in_school(Role.CLASS_TEACHER, *OVERSEERS, SUPERUSER, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"task_id": w.b.task.pk},
            method="post",
            expect=other_school(superuser=302),
        ),
    ],
    "alerts:alert": [
        Case(
            "own school",
            kwargs=lambda w: {"alert_id": w.a.alert.pk},
            expect=in_school(Role.CLASS_TEACHER, *WHOLE_SCHOOL, SUPERUSER),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"alert_id": w.b.alert.pk},
            expect=other_school(),
        ),
    ],
    # Without ?school= the user's first school with the overview (officials have none: 403).
    "alerts:school_alerts": [
        Case("", expect=allow(*WHOLE_SCHOOL, SUPERUSER)),
        Case(
            "own school",
            query=lambda w: f"?school={w.a.school.pk}",
            expect=in_school(*WHOLE_SCHOOL, SUPERUSER),
        ),
        Case("other school", query=lambda w: f"?school={w.b.school.pk}", expect=other_school()),
    ],
    "alerts:recalculate": [
        Case("GET", expect=everyone(405)),
        Case(
            "POST own school",
            method="post",
            data=lambda w: {"school": w.a.school.pk},
            expect=in_school(*OVERSEERS, SUPERUSER, yes=302),
        ),
        Case(
            "POST other school",
            method="post",
            data=lambda w: {"school": w.b.school.pk},
            expect=other_school(superuser=302),
        ),
    ],
    "alerts:run": [
        Case(
            "own school",
            kwargs=lambda w: {"run_id": w.a.evaluation_run.pk},
            expect=in_school(*WHOLE_SCHOOL, SUPERUSER),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"run_id": w.b.evaluation_run.pk},
            expect=other_school(),
        ),
    ],
    # Settings (policy/rules.py): a school's are read by its deputy and changed by its
    # administrator and director; a region's by its officials. Officials of the school's
    # territory know the school exists (403); anybody else gets 404.
    "policy:index": [
        Case("", expect=allow(*SETTINGS_READERS, Role.REGIONAL, SUPERUSER)),
    ],
    # One place to choose: straight to its history; a superuser chooses among the regions.
    "policy:history": [
        Case("", expect=allow(*SETTINGS_READERS, Role.REGIONAL, yes=302) | {SUPERUSER: 200}),
    ],
    **{
        f"policy:school_{name}": [
            Case(
                "own school",
                kwargs=lambda w: {"pk": w.a.school.pk},
                expect=allow(*SETTINGS_READERS, SUPERUSER),
            ),
            Case("other school", kwargs=lambda w: {"pk": w.b.school.pk}, expect=other_school()),
        ]
        for name in ("settings", "history")
    },
    "policy:school_edit": [
        Case(
            "own school",
            kwargs=lambda w: {"pk": w.a.school.pk, "key": SETTING_KEY},
            expect=allow(*SETTINGS_EDITORS, SUPERUSER),
        ),
        Case(
            "unknown setting",
            kwargs=lambda w: {"pk": w.a.school.pk, "key": "no.such.setting"},
            expect=allow(*SETTINGS_EDITORS, SUPERUSER, yes=404),
        ),
        Case(
            "other school",
            kwargs=lambda w: {"pk": w.b.school.pk, "key": SETTING_KEY},
            expect=other_school(),
        ),
    ],
    "policy:school_reset": [
        # require_POST comes before login_required: even the anonymous get 405.
        Case(
            "GET",
            kwargs=lambda w: {"pk": w.a.school.pk, "key": SETTING_KEY},
            expect=everyone(405),
            anonymous=405,
        ),
        Case(
            "POST own school",
            kwargs=lambda w: {"pk": w.a.school.pk, "key": SETTING_KEY},
            method="post",
            expect=allow(*SETTINGS_EDITORS, SUPERUSER, yes=302),
        ),
        Case(
            "POST other school",
            kwargs=lambda w: {"pk": w.b.school.pk, "key": SETTING_KEY},
            method="post",
            expect=other_school(superuser=302),
        ),
    ],
    # A region's settings: its regional officials. School staff of the region know the
    # region (403); a municipal official holds no school and no region (404).
    **{
        f"policy:region_{name}": [
            Case("own region", kwargs=lambda w: {"pk": w.a.region.pk}, expect=REGION_SETTINGS),
            Case("other region", kwargs=lambda w: {"pk": w.b.region.pk}, expect=other_school()),
        ]
        for name in ("settings", "history")
    },
    "policy:region_edit": [
        Case(
            "own region",
            kwargs=lambda w: {"pk": w.a.region.pk, "key": SETTING_KEY},
            expect=REGION_SETTINGS,
        ),
        Case(
            "other region",
            kwargs=lambda w: {"pk": w.b.region.pk, "key": SETTING_KEY},
            expect=other_school(),
        ),
    ],
    "policy:region_reset": [
        Case(
            "GET",
            kwargs=lambda w: {"pk": w.a.region.pk, "key": SETTING_KEY},
            expect=everyone(405),
            anonymous=405,
        ),
        Case(
            "POST own region",
            kwargs=lambda w: {"pk": w.a.region.pk, "key": SETTING_KEY},
            method="post",
            expect={
                role: 302 if status == 200 else status for role, status in REGION_SETTINGS.items()
            },
        ),
        Case(
            "POST other region",
            kwargs=lambda w: {"pk": w.b.region.pk, "key": SETTING_KEY},
            method="post",
            expect=other_school(superuser=302),
        ),
    ],
}


# --- Admin ---------------------------------------------------------------------------------

SCOPED = "scoped"  # SchoolScopedAdminMixin: school_admin of the object's school
SUPERUSER_ONLY = "superuser_only"  # shared reference data
MODEL_PERMS = "model_perms"  # third-party admins: Django model permissions (none granted)


@dataclass(frozen=True)
class AdminModel:
    access: str
    own: Callable[[World], object] | None = None  # an object of school A
    other: Callable[[World], object] | None = None  # the same kind in school B
    can_add: bool = True  # for a school administrator (scoped) or for anybody (otherwise)
    can_delete: bool = True
    read_only: bool = False  # nobody, not even a superuser, adds or deletes


def _side_object(attr: str) -> tuple[Callable, Callable]:
    return (lambda w: getattr(w.a, attr)), (lambda w: getattr(w.b, attr))


def scoped(attr: str, **flags) -> AdminModel:
    own, other = _side_object(attr)
    return AdminModel(SCOPED, own, other, **flags)


ADMIN_MODELS: dict[str, AdminModel] = {
    "accounts.user": scoped("class_teacher", can_delete=False),
    "accounts.roleassignment": scoped("role_assignment"),
    "audit.auditentry": scoped("audit_entry", read_only=True),
    "schools.region": AdminModel(SUPERUSER_ONLY, lambda w: w.a.school.municipality.region),
    "schools.municipality": AdminModel(SUPERUSER_ONLY, lambda w: w.a.school.municipality),
    "schools.school": scoped("school", can_add=False, can_delete=False),
    "schools.academicyear": scoped("year"),
    "schools.schoolclass": scoped("school_class"),
    "schools.classgroup": scoped("group"),
    "schools.subject": scoped("subject"),
    "schools.student": scoped("student"),
    "policy.policyvalue": scoped("policy_value"),
    "journal.publiccalendarday": AdminModel(SUPERUSER_ONLY, lambda w: w.public_day),
    "journal.term": scoped("term"),
    "journal.vacation": scoped("vacation"),
    "journal.quarantine": scoped("quarantine"),
    "journal.gradebandweek": scoped("grade_band_week"),
    "journal.calendaroverride": scoped("calendar_override"),
    "journal.bellperiod": scoped("bell_period"),
    "journal.timetableentry": scoped("timetable_entry"),
    "journal.lesson": scoped("lesson"),
    "auth.group": AdminModel(MODEL_PERMS),
    "axes.accessattempt": AdminModel(MODEL_PERMS, can_add=False),
    "axes.accesslog": AdminModel(MODEL_PERMS, can_add=False),
    "axes.accessfailurelog": AdminModel(MODEL_PERMS, can_add=False),
    "django_celery_beat.periodictask": AdminModel(MODEL_PERMS),
    "django_celery_beat.clockedschedule": AdminModel(MODEL_PERMS),
    "django_celery_beat.crontabschedule": AdminModel(MODEL_PERMS),
    "django_celery_beat.solarschedule": AdminModel(MODEL_PERMS),
    "django_celery_beat.intervalschedule": AdminModel(MODEL_PERMS),
}
MISSING_ID = "987654321"


def admin_expect(school_admin, superuser=200) -> dict:
    """Only staff enter the admin: everybody else is sent to the admin's sign-in page."""
    return everyone(LOGIN, **{Role.SCHOOL_ADMIN: school_admin, SUPERUSER: superuser})


def _object_id(getter) -> Callable[[World], dict]:
    return lambda w: {"object_id": str(getter(w).pk)}


def _admin_model_cases(model: AdminModel):
    """Cases per URL kind: changelist, add, change, history, delete, the bare object URL."""
    if model.access != SCOPED:
        own = _object_id(model.own) if model.own else (lambda w: {"object_id": MISSING_ID})
        # A missing object: the superuser is redirected to the index with a message.
        superuser_on_object = 200 if model.own else 302
        on_object = [Case("object", kwargs=own, expect=admin_expect(403, superuser_on_object))]
        # Django looks a missing object up before it asks for permission in the history.
        history_403 = 403 if model.own else 302
        return {
            "changelist": [Case("", expect=admin_expect(403))],
            "add": [Case("", expect=admin_expect(403, 200 if model.can_add else 403))],
            "change": on_object,
            "history": [
                Case("object", kwargs=own, expect=admin_expect(history_403, superuser_on_object))
            ],
            "delete": on_object,
            "": [Case("object", kwargs=own, expect=admin_expect(302, 302))],
        }
    own, other = _object_id(model.own), _object_id(model.other)
    can_add = model.can_add and not model.read_only
    can_delete = model.can_delete and not model.read_only
    superuser_edits = 403 if model.read_only else 200
    return {
        "changelist": [Case("", expect=admin_expect(200))],
        "add": [Case("", expect=admin_expect(200 if can_add else 403, superuser_edits))],
        "change": [
            Case("own", kwargs=own, expect=admin_expect(200)),
            Case("other school", kwargs=other, expect=admin_expect(404)),
        ],
        "history": [
            Case("own", kwargs=own, expect=admin_expect(200)),
            Case("other school", kwargs=other, expect=admin_expect(404)),
        ],
        "delete": [
            Case(
                "own", kwargs=own, expect=admin_expect(200 if can_delete else 403, superuser_edits)
            ),
            Case(
                "other school",
                kwargs=other,
                expect=admin_expect(404 if can_delete else 403, superuser_edits),
            ),
        ],
        "": [
            Case("own", kwargs=own, expect=admin_expect(302, 302)),
            Case("other school", kwargs=other, expect=admin_expect(302, 302)),
        ],
    }


def _admin_matrix() -> dict[str, list[Case]]:
    matrix = {
        "admin:index": [Case("", expect=admin_expect(200))],
        "admin:login": [Case("", expect=admin_expect(302, 302) | _non_staff(200), anonymous=200)],
        # Sign-out is POST only; a GET by a non-staff user is sent back to the admin index.
        "admin:logout": [
            Case("GET", expect=admin_expect(405, 405) | _non_staff(302), anonymous=302)
        ],
        "admin:password_change": [Case("", expect=admin_expect(200))],
        "admin:password_change_done": [Case("", expect=admin_expect(200))],
        "admin:jsi18n": [Case("", expect=admin_expect(200))],
        # Without its query parameters the autocomplete refuses to answer.
        "admin:autocomplete": [Case("", expect=admin_expect(403, 403))],
        "admin:view_on_site": [
            Case(
                "no absolute URL",
                kwargs=lambda w: {"content_type_id": 1, "object_id": "1"},
                expect=admin_expect(404, 404),
            )
        ],
        "admin/(?P<url>.*)$": [
            Case("", kwargs=lambda w: {"url": "no-such-page/"}, expect=admin_expect(404, 404))
        ],
        "admin:auth_user_password_change": [
            Case("own", kwargs=lambda w: {"id": w.a.class_teacher.pk}, expect=admin_expect(200)),
            Case(
                "other school",
                kwargs=lambda w: {"id": w.b.class_teacher.pk},
                expect=admin_expect(404),
            ),
        ],
        "admin:app_list": [
            Case(
                app_label,
                kwargs=lambda w, app_label=app_label: {"app_label": app_label},
                expect=admin_expect(200 if app_label in SCOPED_APPS else 404),
            )
            for app_label in sorted({label.split(".")[0] for label in ADMIN_MODELS})
        ],
    }
    for label, model in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        for kind, cases in _admin_model_cases(model).items():
            if kind:
                matrix[f"admin:{app_label}_{model_name}_{kind}"] = cases
            else:
                matrix[f"admin/{app_label}/{model_name}/<path:object_id>/"] = cases
    return matrix


def _non_staff(status) -> dict:
    return {role: status for role in LOGGED_IN if role not in (Role.SCHOOL_ADMIN, SUPERUSER)}


SCOPED_APPS = {"accounts", "audit", "schools", "journal", "policy"}
URL_MATRIX |= _admin_matrix()

# Casework's pages, one module per topic; imported here because they use the helpers above.
from tests.casework.url_matrix import CASEWORK_URLS  # noqa: E402

URL_MATRIX |= CASEWORK_URLS

from tests.reporting.url_matrix import REPORTING_URLS  # noqa: E402

URL_MATRIX |= REPORTING_URLS

from tests.audit.urls_audit import URLS as AUDIT_URLS  # noqa: E402

URL_MATRIX |= AUDIT_URLS

from tests.api.url_matrix import API_URLS  # noqa: E402

URL_MATRIX |= API_URLS

from tests.administration.url_matrix import ADMINISTRATION_URLS  # noqa: E402

URL_MATRIX |= ADMINISTRATION_URLS

from tests.notify.url_matrix import URLS as NOTIFY_URLS  # noqa: E402

URL_MATRIX |= NOTIFY_URLS


# --- The test --------------------------------------------------------------------------------


def _walk(patterns, namespace=None, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), None
            else:
                yield prefix + str(pattern.pattern), prefix + str(pattern.pattern)


def project_url_keys() -> dict[str, str | None]:
    """Every URL pattern of the project: name (or route, if unnamed) → route if unnamed."""
    return dict(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_expectations():
    missing = sorted(set(project_url_keys()) - set(URL_MATRIX))
    assert not missing, f"Add these URL patterns to URL_MATRIX: {missing}"


def test_every_admin_model_is_classified():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS), registered ^ set(ADMIN_MODELS)


def test_matrix_has_no_stale_entries():
    stale = sorted(set(URL_MATRIX) - set(project_url_keys()))
    assert not stale, f"URL_MATRIX names URLs that no longer exist: {stale}"


def _route_to_path(route: str, kwargs: dict) -> str:
    """Build the path of an unnamed pattern (bare admin object URL, admin catch-all)."""
    path = route
    for key, value in kwargs.items():
        path = path.replace(f"<path:{key}>", str(value)).replace(f"(?P<{key}>.*)$", str(value))
    return "/" + path


def _url(key: str, kwargs: dict) -> str:
    route = project_url_keys().get(key)
    return _route_to_path(route, kwargs) if route else reverse(key, kwargs=kwargs)


def _is_login_redirect(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(reverse("accounts:login"))
        or location.startswith(reverse("admin:login"))
    )


def _param(key: str, case: Case):
    label = f"{key}[{case.label}]" if case.label else key
    marks = pytest.mark.xfail(strict=True, reason=case.xfail) if case.xfail else ()
    return pytest.param(key, case, id=label, marks=marks)


MATRIX_PARAMS = [_param(key, case) for key, cases in URL_MATRIX.items() for case in cases]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world and one signed-in client per role for the whole matrix, rolled back at the end.

    Each test runs in its own savepoint (``db``), rolled back after it, and each POST in
    another one, so neither a POST case nor an audited read changes what other cases see.
    """
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path_factory.mktemp("private"))},
    }
    with (
        override_settings(STORAGES={**settings.STORAGES, "default": storage}),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        world = build_world()
        clients = {ANONYMOUS: Client()}
        for role, user in world.users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        yield world, clients
        transaction.set_rollback(True)


def _request(client: Client, case: Case, url: str, world: World):
    if case.method in ("post", "put"):
        # Rolled back at once, so that the next role meets the same world.
        with transaction.atomic():
            data = case.data(world) if case.data else {}
            if case.method == "put":  # the API's: a JSON body
                response = client.put(url, data, content_type="application/json")
            else:
                response = client.post(url, data)
            transaction.set_rollback(True)
    else:
        response = client.get(url)
    if response.streaming:
        # A download holds its file open until closed; closing sends request_finished, whose
        # close_old_connections would drop the connection inside the test's transaction.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "case"), MATRIX_PARAMS)
def test_url_answers_each_role_as_expected(shared_world, key, case):
    world, clients = shared_world
    url = _url(key, case.kwargs(world)) + case.query_string(world)
    mismatches = []
    for role in ALL_ROLES:
        response = _request(clients[role], case, url, world)
        expected = case.expected(role)
        ok = _is_login_redirect(response) if expected == LOGIN else response.status_code == expected
        if not ok:
            got = f"{response.status_code} {response.headers.get('Location', '')}".strip()
            mismatches.append(f"{role}: expected {expected}, got {got}")
    assert not mismatches, f"{case.method.upper()} {url}\n" + "\n".join(mismatches)
