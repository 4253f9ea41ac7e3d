"""Demo casework: the prevention work on the demo's children, in every state.

``seed_casework`` tells one story per school through the casework services only, acting as
the school's staff of the right roles: the cases the threshold engine opened and some
opened by hand, with calls and meetings with the parents; a home visit done with its act
and one awaiting agreement; the council's session of about three weeks ago (a hearing
with the parents, one in absentia that places the child on the registry by the approved
conclusion), the observation diary, a repeat hearing due and next week's session; a
prevention plan in progress; a family in a socially dangerous position with its four
notifications; referrals to the КДН, the family centre and the school psychologist; a memo
and a characteristic; a case in monitoring and a closed one. The class of the demo class
teacher holds two of the cases.

The services read the clock (``timezone.now``) as «today»: they refuse future dates, date
the tasks they open and stamp what they write. The story happens over the past weeks, so
each step runs with the clock set to the moment it happened (:func:`clock`), never later
than the real now. The threshold engine is run first, this morning (otherwise it runs only
once the whole demo is committed, its evaluation queued on commit), so its alerts, tasks
and cases are there to be worked: doing the thing completes the task.

Every person and text is invented.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections import defaultdict
from unittest import mock

from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from alerts.services import evaluate
from audit.models import AuditEntry
from casework.models import (
    Body,
    Case,
    Characteristic,
    CouncilHearing,
    CouncilSession,
    HomeVisit,
    MeasureKind,
    ParentContact,
    Referral,
    RegistryPlacement,
)
from casework.models.visits import (
    ChildCondition,
    FamilyProblem,
    HousingType,
    ParentalControl,
    Relations,
    SanitaryState,
    SchoolContact,
)
from casework.services import (
    add_control,
    add_measure,
    add_observation,
    agree_visit,
    approve_conclusion,
    change_case_status,
    create_characteristic,
    create_memo,
    create_plan,
    create_referral,
    create_session,
    flag_overdue_measures,
    log_parent_contact,
    mark_referral_sent,
    mark_sop,
    open_case_by_hand,
    plan_visit,
    put_on_session,
    record_hearing,
    record_measure_outcome,
    record_parents_informed,
    record_referral_answer,
    save_act,
    schedule_repeat_hearings,
    set_responsible,
)
from casework.services.council import AssignmentData
from casework.services.documents import characteristic_draft, memo_draft
from demo import generators
from demo.generators import surname_for
from journal.calendar import SchoolCalendar
from journal.models import Mark, ReasonStatus
from schools.models import Enrollment, Guardian, School, SchoolClass, Student

CALL = ParentContact.ContactType.PHONE_CALL
MEETING = ParentContact.ContactType.MEETING
MESSAGE = ParentContact.ContactType.MESSAGE
REACHED = ParentContact.Result.REACHED
UNCLEAR = ParentContact.Result.REASON_UNCLEAR
NOT_REACHED = ParentContact.Result.NOT_REACHED
WITHOUT_VALID = (ReasonStatus.INVALID, ReasonStatus.UNKNOWN)


@contextlib.contextmanager
def clock(moment: datetime.datetime):
    """Run the services as if it were ``moment``: «today», the tasks' dates, the records'
    and the audit's timestamps."""
    created_at = AuditEntry._meta.get_field("created_at")
    with (
        mock.patch("django.utils.timezone.now", new=lambda: moment),
        mock.patch.object(created_at, "_get_default", new=lambda: moment),
    ):
        yield


def seed_casework(*, school: School, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Bring the school's prevention work into every state (see the module docstring)."""
    return Story(school=school, today=today, rng=rng).run()


def _short(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def _masculine(surname: str, gender: str) -> str:
    """Иванова → Иванов, Зелинская → Зелинский (a family's surname for its men)."""
    if gender != "f":
        return surname
    if surname.endswith("ая"):
        return surname[:-2] + "ий"
    return surname[:-1] if surname.endswith("а") else surname


def _lessons(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} урок"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} урока"
    return f"{n} уроков"


class Story:
    def __init__(self, *, school: School, today: datetime.date, rng: random.Random):
        self.school = school
        self.today = today
        self.rng = rng
        self.people = generators.PeopleGenerator(rng)
        self.real_now = timezone.now()
        self.real_today = timezone.localdate(self.real_now)
        calendar = SchoolCalendar.for_school(
            school, today - datetime.timedelta(days=70), today + datetime.timedelta(days=30)
        )
        span = range(1, 70)
        # Staff working days before today, the latest first; and from today on.
        self.past = [
            day
            for day in (today - datetime.timedelta(days=n) for n in span)
            if calendar.is_working_day(day)
        ]
        self.ahead = [
            day
            for day in (today + datetime.timedelta(days=n) for n in range(0, 30))
            if calendar.is_working_day(day)
        ]
        self.workday = today if calendar.is_working_day(today) else self.past[0]
        self._staff()
        self._absences()
        self.told: dict[int, set[datetime.date]] = defaultdict(set)

    # --- Time -----------------------------------------------------------------------------

    def ago(self, n: int) -> datetime.date:
        """The ``n``-th working day before today."""
        return self.past[n - 1]

    def after(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``day``, but not after the last working day."""
        later = sorted(d for d in self.past + [self.workday] if d > day)
        return later[n - 1] if len(later) >= n else self.workday

    def moment(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        if at > self.real_now and day == self.real_today:
            at = self.real_now - datetime.timedelta(minutes=1)
        return at

    def at(self, day: datetime.date, hour: int, minute: int = 0):
        return clock(self.moment(day, hour, minute))

    # --- Who and what ------------------------------------------------------------------------

    def _staff(self) -> None:
        holders: dict[str, User] = {}
        for assignment in (
            RoleAssignment.objects.filter(
                school=self.school,
                role__in=(Role.DIRECTOR, Role.DEPUTY, Role.SOCIAL_PEDAGOGUE, Role.PSYCHOLOGIST),
            )
            .select_related("user")
            .order_by("pk")
        ):
            holders.setdefault(assignment.role, assignment.user)
        self.director = holders[Role.DIRECTOR]
        self.deputy = holders[Role.DEPUTY]
        self.socped = holders[Role.SOCIAL_PEDAGOGUE]
        self.psych = holders[Role.PSYCHOLOGIST]
        window_start = self.today - datetime.timedelta(weeks=6)
        enrollments = (
            Enrollment.objects.filter(school=self.school, start_date__lte=window_start)
            .on(self.today)
            .select_related("student", "school_class__class_teacher")
            .order_by("school_class__grade", "school_class__letter", "student__last_name")
        )
        self.class_of: dict[int, SchoolClass] = {}
        self.students: dict[int, Student] = {}
        for enrollment in enrollments:
            self.class_of[enrollment.student_id] = enrollment.school_class
            self.students[enrollment.student_id] = enrollment.student
        self.guardians: dict[int, list[Guardian]] = defaultdict(list)
        for guardian in Guardian.objects.filter(student_id__in=list(self.students)).order_by("pk"):
            self.guardians[guardian.student_id].append(guardian)
        # The demo class teacher's class (``classteacherN``): two of the cases are there.
        self.demo_class = (
            SchoolClass.objects.filter(
                school=self.school, class_teacher__username__startswith="classteacher"
            )
            .order_by("pk")
            .first()
        )

    def _absences(self) -> None:
        """Lessons missed without a valid reason by student and day; valid ones counted."""
        self.missed: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
        self.valid: dict[int, int] = defaultdict(int)
        rows = Mark.objects.filter(
            school=self.school, kind=Mark.Kind.ABSENT, student_id__in=list(self.students)
        ).values_list("student_id", "date", "reason_status")
        for student_id, day, status in rows:
            if status in WITHOUT_VALID:
                self.missed[student_id][day] += 1
            else:
                self.valid[student_id] += 1

    def missed_between(self, student: Student, start: datetime.date, end: datetime.date) -> int:
        return sum(n for day, n in self.missed[student.pk].items() if start <= day <= end)

    def missed_days(self, student: Student) -> list[datetime.date]:
        return sorted(self.missed[student.pk])

    def teacher(self, student: Student) -> User:
        return self.class_of[student.pk].class_teacher

    def g(self, student: Student, masculine: str, feminine: str) -> str:
        return feminine if student.gender == "f" else masculine

    def parent(self, student: Student) -> Guardian | None:
        guardians = self.guardians[student.pk]
        mothers = [g for g in guardians if g.relation == Guardian.Relation.MOTHER]
        return (mothers or guardians or [None])[0]

    def other_parent(self, student: Student) -> Guardian | None:
        first = self.parent(student)
        return next((g for g in self.guardians[student.pk] if g != first), first)

    # --- Steps used by every case -------------------------------------------------------

    def open(self, student: Student, *, by: User, day, hour: int, reason: str, also=()) -> Case:
        with self.at(day, hour):
            case = open_case_by_hand(
                student=student, school=self.school, reason=reason, acting_user=by
            )
            team = [by, *[u for u in also if u.pk != by.pk]]
            if len(team) > 1:
                set_responsible(case=case, users=team, acting_user=by)
        return case

    def contact(
        self,
        student: Student,
        *,
        by: User,
        day: datetime.date,
        hour: int,
        kind: str,
        result: str,
        summary: str,
        reason: str = "",
        next_step: str = "",
        guardian: Guardian | None = None,
        minute: int = 0,
    ) -> ParentContact:
        guardian = guardian or self.parent(student)
        told = []
        if result != NOT_REACHED:
            told = [
                d for d in self.missed_days(student) if d <= day and d not in self.told[student.pk]
            ]
            self.told[student.pk].update(told)
        with self.at(day, hour, minute):
            return log_parent_contact(
                student=student,
                school=self.school,
                acting_user=by,
                contact_type=kind,
                contacted_at=self.moment(day, hour, minute),
                result=result,
                guardian=guardian,
                guardian_name="" if guardian else "Родственница (со слов — тётя)",
                summary=summary,
                stated_reason=reason,
                next_step=next_step,
                absences_told=told,
            )

    # --- The story ---------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        # The engine's evaluation of the marks (it would run after the commit otherwise).
        with self.at(self.workday, 7, 30):
            evaluate(school_ids=[self.school.pk])
        self.used: set[int] = set()
        alert_cases = list(
            Case.objects.filter(school=self.school, opened_by_alert__isnull=False)
            .exclude(status=Case.Status.CLOSED)
            .select_related("student")
            .order_by("pk")
        )
        self.used |= {case.student_id for case in alert_cases}
        self.session_day = self.ago(15)
        for n, case in enumerate(alert_cases):
            if case.student_id in self.class_of:
                self.alert_case(case, first=n == 0)

        in_class = [
            s
            for s in self.students.values()
            if self.demo_class is not None and self.class_of[s.pk].pk == self.demo_class.pk
        ]
        # In the class: the open case is the child missing lessons lately; the case in
        # monitoring is one whose absences stopped before it was moved there.
        free = [s for s in in_class if s.pk not in self.used]
        recent = self.ago(10)
        class_open = max(
            sorted(free, key=lambda s: s.pk),
            key=lambda s: (
                self.missed_between(s, recent, self.today),
                sum(self.missed[s.pk].values()),
                self.valid[s.pk],
            ),
            default=None,
        )
        calm = [
            s
            for s in free
            if s is not class_open and not self.missed_between(s, recent, self.today)
        ]
        class_calm = max(
            sorted(calm, key=lambda s: s.pk),
            key=lambda s: (sum(self.missed[s.pk].values()), self.valid[s.pk]),
            default=None,
        )
        class_pair = [s for s in (class_open, class_calm) if s is not None]
        self.used |= {s.pk for s in class_pair}

        before = self.session_day - datetime.timedelta(days=1)
        earliest = self.today - datetime.timedelta(weeks=6)
        registry_student = self.pick(
            key=lambda s: (self.missed_between(s, earliest, before), len(self.missed[s.pk]))
        )
        help_student = self.pick(
            key=lambda s: (self.missed_between(s, earliest, before), len(self.missed[s.pk]))
        )
        streak_student = self.pick(key=lambda s: sum(self.missed[s.pk].values()))
        closed_student = self.pick(
            key=lambda s: (self.valid[s.pk] - 10 * len(self.missed[s.pk]), self.valid[s.pk])
        )

        registry_case = help_case = None
        if registry_student is not None:
            registry_case = self.before_council(registry_student, absent_parents=True)
        if help_student is not None:
            help_case = self.before_council(help_student, absent_parents=False)
        self.council(registry_case, help_case)
        if registry_case is not None:
            self.registry_work(registry_case)
        if streak_student is not None:
            self.streak(streak_student)
        if class_open is not None:
            self.class_case_open(class_open)
        if class_calm is not None:
            self.class_case_monitoring(class_calm)
        if closed_student is not None:
            self.closed(closed_student)

        with self.at(self.workday, 7, 45):
            schedule_repeat_hearings(today=self.today)
            flag_overdue_measures(today=self.today)
        return self.summary()

    def pick(self, *, key) -> Student | None:
        """The free student ranking highest by ``key`` (ties: the first by id)."""
        free = [s for s in self.students.values() if s.pk not in self.used]
        if not free:
            return None
        chosen = max(sorted(free, key=lambda s: s.pk), key=key)
        self.used.add(chosen.pk)
        return chosen

    def summary(self) -> dict[str, int]:
        cases = Case.objects.filter(school=self.school)
        return {
            "профилактических дел": cases.count(),
            "контактов с родителями": ParentContact.objects.filter(school=self.school).count(),
            "посещений семей": HomeVisit.objects.filter(school=self.school).count(),
            "заседаний Совета профилактики": CouncilSession.objects.filter(
                school=self.school
            ).count(),
            "на внутришкольном учёте": RegistryPlacement.objects.filter(
                school=self.school, removed_on=None
            ).count(),
            "направлений и информирований": Referral.objects.filter(school=self.school).count(),
        }

    # --- A case the engine opened this morning -----------------------------------------------

    def alert_case(self, case: Case, *, first: bool) -> None:
        """The class teacher calls; for the first such case the social pedagogue calls too
        and plans a home visit for tomorrow, to be agreed by the deputy."""
        student = case.student
        teacher = self.teacher(student)
        day = self.workday
        he = student.gender != "f"
        self.contact(
            student,
            by=teacher,
            day=day,
            hour=8,
            minute=20,
            kind=CALL,
            result=NOT_REACHED,
            summary="Телефон матери выключен; сообщение с просьбой перезвонить оставлено.",
            next_step="Повторить звонок; сообщить социальному педагогу",
        )
        if not first:
            return
        self.contact(
            student,
            by=self.socped,
            day=day,
            hour=10,
            minute=40,
            kind=CALL,
            result=UNCLEAR,
            summary=(
                "Мать ответила со второго звонка, разговаривала раздражённо: "
                f"{'сын' if he else 'дочь'} «болеет», к врачу не обращались; от встречи в "
                "школе отказалась."
            ),
            reason="Со слов матери — болезнь, документов нет",
            next_step="Посетить семью по месту жительства с классным руководителем",
        )
        planned_for = next(d for d in self.ahead if d > self.today)
        with self.at(day, 11):
            visit = plan_visit(
                case=case,
                planned_for=planned_for,
                members=[teacher, self.socped],
                other_members=self.inspector(),
                acting_user=self.socped,
            )
        with self.at(day, 11, 15):
            record_parents_informed(visit=visit, on=day, acting_user=self.socped)

    def inspector(self) -> str:
        officer = self.people.adult("f")
        parent = self.people.adult()
        return (
            f"{officer.full_name}, инспектор ПДН ОМВД России «Демоградский»; "
            f"{parent.full_name}, член родительского комитета школы"
        )

    def act(self, student: Student, day: datetime.date) -> dict:
        """Every field of the act of inspection of living conditions, filled."""
        mother = self.parent(student)
        father = next(
            (g for g in self.guardians[student.pk] if g.relation == Guardian.Relation.FATHER),
            None,
        )
        surname = _masculine(student.last_name, student.gender)
        brother = f"{surname_for(surname, 'm')} {self.rng.choice(generators.BOY_NAMES)}"
        grandmother = self.people.adult("f")
        absent_father = self.people.adult("m")
        if father is not None:
            father_fields = {
                "father_name": father.full_name,
                "father_age": self.rng.randint(38, 47),
                "father_work": father.workplace or "не работает",
                "father_schedule": "вахтовым методом (месяц через месяц), сейчас на вахте",
                "father_education": "среднее профессиональное",
                "father_phone": father.phone,
            }
        else:
            father_fields = {
                "father_name": f"{absent_father.full_name} (с семьёй не проживает)",
                "father_age": self.rng.randint(38, 47),
                "father_work": "сведений нет",
                "father_schedule": "сведений нет",
                "father_education": "сведений нет",
                "father_phone": "не известен",
            }
        klass = self.class_of[student.pk]
        she = student.gender == "f"
        return {
            "visited_on": day,
            "student_name": student.full_name,
            "birth_year": student.birth_date.year,
            "class_name": str(klass),
            "disability": "нет",
            "address": student.actual_address,
            "mother_name": mother.full_name if mother else "",
            "mother_age": self.rng.randint(33, 42),
            "mother_work": (mother.workplace if mother else "") or "не работает",
            "mother_schedule": "сменный график 2/2, с 8:00 до 20:00",
            "mother_education": "среднее профессиональное (продавец)",
            "mother_phone": mother.phone if mother else "",
            **father_fields,
            "other_relatives": (
                f"Брат — {brother}, {self.today.year - 5} г. р., воспитанник "
                f"МБДОУ «Детский сад № 3»; бабушка — {grandmother.full_name}, "
                f"{self.today.year - 66} г. р., проживает отдельно, помогает эпизодически."
            ),
            "family_income": (
                "Заработная плата матери (около 24 000 руб. в месяц), ежемесячное пособие на "
                "детей; алименты отец выплачивает нерегулярно. Задолженность по оплате "
                "коммунальных услуг — около 38 000 руб. (со слов матери)."
            ),
            "housing_type": HousingType.APARTMENT,
            "housing": (
                "двухкомнатная квартира на 3-м этаже пятиэтажного дома, 44 кв. м; центральное "
                "отопление, холодное и горячее водоснабжение, канализация. В меньшей комнате "
                "отопление не работает, окно не утеплено, температура около +14 °C."
            ),
            "sanitary_state": SanitaryState.UNSATISFACTORY,
            "sanitary_note": (
                "в квартире не убрано: на кухне немытая посуда, мусор не вынесен, "
                "неприятный запах; постельное бельё несвежее."
            ),
            "child_conditions": [
                ChildCondition.SLEEPING_PLACE,
                ChildCondition.BOOKS,
                ChildCondition.SCHOOL_SUPPLIES,
            ],
            "child_conditions_note": (
                "отдельной комнаты нет, спит на диване в комнате "
                "с братом; письменного стола нет, уроки делает на кухне. Зимней куртки и обуви "
                "нет; продукты питания в холодильнике в недостаточном количестве (хлеб, "
                "макароны, крупа)."
            ),
            "daily_routine": (
                "Режим дня не соблюдается: ложится спать после полуночи, утром "
                "самостоятельно не встаёт; домашние задания не выполняет; кружки и секции не "
                "посещает; большую часть дня проводит дома за "
                "телефоном, присматривает за младшим братом."
            ),
            "school_contact": [SchoolContact.IGNORE_CALLS, SchoolContact.AVOID_TEACHER],
            "parental_control": ParentalControl.ABSENT,
            "school_contact_note": (
                "на звонки классного руководителя мать отвечает редко; на родительские собрания "
                "в этом учебном году не приходила; дневник не проверяет."
            ),
            "relations": [Relations.NEGLECT, Relations.INDIFFERENT],
            "relations_note": (
                "мать учёбой ребёнка не интересуется, о пропусках узнала от классного "
                f"руководителя. {self.g(student, 'Мальчик', 'Девочка')} замкнут"
                f"{'а' if she else ''}, о матери говорит неохотно."
            ),
            "family_problems": [
                FamilyProblem.NO_CONTROL,
                FamilyProblem.BASIC_NEEDS,
                FamilyProblem.ALCOHOL,
            ],
            "family_problems_note": (
                "со слов соседей, мать злоупотребляет спиртными напитками; в момент посещения "
                "находилась в состоянии алкогольного опьянения. Ребёнок не обеспечен одеждой "
                "по сезону."
            ),
            "additional_info": (
                f"Со слов {self.g(student, 'мальчика', 'девочки')}, в школу не ходит, потому "
                "что «нечего надеть» и «никто не будит». Соседка по площадке подтвердила, что "
                "ребёнок днём дома один с младшим братом."
            ),
            "responsibility_explained": True,
            "measures_proposed": (
                f"Обеспечить ежедневное посещение школы с {_short(self.after(day, 1))}; "
                "обратиться к участковому педиатру ГБУЗ «Демоградская ЦРБ»; обратиться в центр "
                "социальной защиты населения за материальной помощью (зимняя одежда и обувь); "
                "явиться в школу на беседу к социальному педагогу."
            ),
            "parents_present": f"{mother.full_name} (мать)" if mother else "",
            "danger_found": True,
        }

    # --- The council: a hearing with the parents, one in absentia -------------------------

    def before_council(self, student: Student, *, absent_parents: bool) -> Case:
        """Opened about five weeks ago; calls (and a meeting or an unanswered invitation)."""
        teacher = self.teacher(student)
        opened = self.ago(24 if absent_parents else 22)
        he = student.gender != "f"
        if absent_parents:
            case = self.open(
                student,
                by=teacher,
                day=opened,
                hour=13,
                reason="Систематические пропуски уроков без уважительной причины (уходит с уроков)",
                also=[self.socped, self.deputy],
            )
            self.contact(
                student,
                by=teacher,
                day=opened,
                hour=15,
                kind=CALL,
                result=REACHED,
                summary=(
                    f"Матери сообщено о пропусках. Она ответила, что {'сын' if he else 'дочь'} "
                    f"уже взросл{'ый' if he else 'ая'} и «сам{'' if he else 'а'} разберётся», "
                    "обещала поговорить."
                ),
                reason=f"Со слов матери — {'ушёл' if he else 'ушла'} с уроков к друзьям, "
                "дома об этом не знали",
                next_step="Пригласить мать на беседу в школу",
            )
            self.contact(
                student,
                by=teacher,
                day=self.ago(21),
                hour=16,
                kind=CALL,
                result=NOT_REACHED,
                summary="Мать не ответила на два звонка.",
                next_step="Направить приглашение письменно",
            )
            self.contact(
                student,
                by=self.socped,
                day=self.ago(18),
                hour=11,
                kind=MESSAGE,
                result=NOT_REACHED,
                summary=(
                    "Направлено приглашение на заседание Совета профилактики "
                    f"{_short(self.session_day)} в 15:00 (сообщение в мессенджере и письмо "
                    "с ребёнком). Ответа нет."
                ),
                next_step="Рассмотреть на Совете профилактики",
            )
            with self.at(self.ago(17), 14):
                draft = characteristic_draft(case)
                create_characteristic(
                    case=case,
                    date=self.ago(17),
                    addressee=Characteristic.Addressee.COUNCIL,
                    acting_user=teacher,
                    family=draft["family"],
                    study=(
                        draft["study"]
                        + " Успевает на «3» по большинству предметов, по алгебре и физике "
                        "имеет задолженности за I четверть."
                    ),
                    behaviour=(
                        f"На уроках пассив{'ен' if he else 'на'}, замечания учителей "
                        f"выслушивает, но не исправляет поведение. С одноклассниками отношения "
                        f"ровные, близко общается с ребятами старше себя вне школы. "
                        f"Со взрослыми вежлив{'' if he else 'а'}, но не откровен{'' if he else 'на'}."
                    ),
                    interests=(
                        "Кружки и секции в школе не посещает. Свободное время проводит с "
                        "друзьями во дворе и за компьютерными играми."
                    ),
                    traits=(
                        f"Самооценка завышена, к критике относится болезненно. Легко поддаётся "
                        f"влиянию старших. Трудолюбив{'' if he else 'а'} в том, что "
                        f"{'ему' if he else 'ей'} интересно (техника, спорт)."
                    ),
                    conclusion=(
                        "Профилактические беседы результата не дали, мать на контакт идёт "
                        "неохотно. Рекомендуется рассмотреть вопрос о постановке на "
                        "внутришкольный учёт и разработке плана индивидуальной "
                        "профилактической работы; вовлечь в спортивную секцию."
                    ),
                )
            return case
        case = self.open(
            student,
            by=self.socped,
            day=opened,
            hour=10,
            reason="Пропуски отдельных уроков без уважительной причины",
            also=[teacher],
        )
        self.contact(
            student,
            by=teacher,
            day=opened,
            hour=14,
            kind=CALL,
            result=REACHED,
            summary=(
                f"Мать удивлена: была уверена, что {'сын' if he else 'дочь'} на уроках. "
                "Договорились, что она будет проверять электронный дневник ежедневно."
            ),
            reason=f"Со слов {'сына' if he else 'дочери'} — конфликт с учителем, "
            "не хочет идти на урок",
            next_step="Беседа с родителями и педагогом-психологом",
        )
        self.contact(
            student,
            by=self.socped,
            day=self.ago(19),
            hour=16,
            kind=MEETING,
            result=REACHED,
            guardian=self.other_parent(student),
            summary=(
                "Беседа в школе с участием родителей, классного руководителя и педагога-"
                "психолога. Родителям разъяснена ответственность за обучение ребёнка; "
                f"{'сын' if he else 'дочь'} обещал{'' if he else 'а'} не уходить с уроков."
            ),
            reason="Конфликт с учителем, нежелание идти на урок",
            next_step="Рассмотреть на Совете профилактики с участием родителей",
        )
        return case

    def council(self, registry_case: Case | None, help_case: Case | None) -> None:
        day = self.session_day
        members = [self.deputy, self.socped, self.psych]
        for case in (registry_case, help_case):
            if case is not None and self.teacher(case.student) not in members:
                members.append(self.teacher(case.student))
        number = (day.month - 9) % 12 + 1
        names = [case.student.full_name for case in (registry_case, help_case) if case]
        with self.at(self.ago(18), 12):
            session = create_session(
                school=self.school,
                date=day,
                number=str(number),
                chair=self.deputy,
                secretary=self.socped,
                members=members,
                invited=self.inspector(),
                agenda=(
                    "1. О посещаемости учебных занятий за октябрь–ноябрь (информация "
                    "социального педагога).\n"
                    f"2. Рассмотрение персональных дел обучающихся: {', '.join(names)}.\n"
                    "3. О занятости обучающихся, состоящих на внутришкольном учёте, во "
                    "внеурочное время."
                ),
                acting_user=self.deputy,
            )
            hearings = {
                case.pk: put_on_session(session=session, case=case, acting_user=self.deputy)
                for case in (registry_case, help_case)
                if case is not None
            }
        if registry_case is not None:
            self.hear_in_absentia(hearings[registry_case.pk], registry_case)
        if help_case is not None:
            self.hear_with_parents(hearings[help_case.pk], help_case)
        # Next week's session, planned, with the case of the memo put on it (see streak).
        later = next(d for d in self.ahead if d >= self.today + datetime.timedelta(days=7))
        with self.at(self.ago(1), 11):
            self.next_session = create_session(
                school=self.school,
                date=later,
                number=str(number + 1),
                chair=self.deputy,
                secretary=self.socped,
                members=[self.deputy, self.socped, self.psych],
                agenda=(
                    "1. Об исполнении решений Совета профилактики от "
                    f"{_short(day)}.\n2. Рассмотрение персональных дел обучающихся.\n"
                    "3. Повторное рассмотрение дел, сроки исполнения рекомендаций по которым "
                    "истекли."
                ),
                acting_user=self.deputy,
            )

    def hear_in_absentia(self, hearing, case: Case) -> None:
        student = case.student
        day = self.session_day
        teacher = self.teacher(student)
        he = student.gender != "f"
        with self.at(day, 16):
            record_hearing(
                hearing=hearing,
                acting_user=self.deputy,
                parents_present=False,
                decision=CouncilHearing.Decision.REGISTRY,
                attendees=(
                    f"Обучающ{'ийся' if he else 'аяся'} {student.full_name}; мать на заседание "
                    "не явилась, о дате извещена письменно и по телефону"
                ),
                discussion=(
                    f"Классный руководитель сообщил{'а' if teacher.patronymic.endswith('на') else ''} о "
                    f"систематических уходах с уроков без уважительной причины. Проведены "
                    "телефонные беседы с матерью, приглашение на беседу мать проигнорировала. "
                    "Социальный педагог представил характеристику и сведения о пропусках."
                ),
                recommendations_child=(
                    "Посещать все учебные занятия; о причине отсутствия сообщать классному "
                    "руководителю; ликвидировать задолженности по алгебре и физике до конца "
                    "второй четверти."
                ),
                recommendations_parents=(
                    "Обеспечить контроль посещения занятий, ежедневно проверять электронный "
                    "дневник; явиться к социальному педагогу для беседы."
                ),
                decision_text=(
                    "Направить информацию в КДН и ЗП с предложением рассмотреть вопрос о "
                    "привлечении матери к административной ответственности по ст. 5.35 КоАП РФ."
                ),
                review_date=max(day + datetime.timedelta(days=42), self.today),
                work_until=day + datetime.timedelta(days=182),
                assignments=[
                    AssignmentData(
                        teacher,
                        "Ежедневно контролировать посещаемость, о каждом пропуске сообщать "
                        "социальному педагогу",
                        day + datetime.timedelta(days=42),
                    ),
                    AssignmentData(
                        self.deputy,
                        "Организовать занятость обучающегося во внеурочное время (секция, "
                        "кружок), о результатах доложить Совету",
                        day + datetime.timedelta(days=42),
                    ),
                ],
            )
        approved = self.after(day, 1)
        with self.at(approved, 10):
            approve_conclusion(
                conclusion=hearing.conclusion, acting_user=self.director, comment="Утверждаю."
            )

    def hear_with_parents(self, hearing, case: Case) -> None:
        student = case.student
        day = self.session_day
        teacher = self.teacher(student)
        mother = self.parent(student)
        he = student.gender != "f"
        review = day + datetime.timedelta(days=14)
        with self.at(day, 16, 30):
            record_hearing(
                hearing=hearing,
                acting_user=self.deputy,
                parents_present=True,
                decision=CouncilHearing.Decision.HELP,
                attendees=(
                    f"Обучающ{'ийся' if he else 'аяся'} {student.full_name}; "
                    f"{mother.full_name if mother else 'мать'} (мать)"
                ),
                discussion=(
                    f"Обучающ{'ийся' if he else 'аяся'} пропускает отдельные уроки, объясняет "
                    "это конфликтом с учителем. Мать присутствовала, с фактами согласна, "
                    "готова сотрудничать со школой."
                ),
                recommendations_child=(
                    "Не пропускать уроки без уважительной причины; при конфликтной ситуации "
                    "обращаться к классному руководителю или педагогу-психологу."
                ),
                recommendations_parents=(
                    "Ежедневно проверять электронный дневник; посетить консультацию "
                    "педагога-психолога вместе с ребёнком; поддерживать связь с классным "
                    "руководителем."
                ),
                decision_text="Оказать социально-психолого-педагогическую помощь; "
                "рассмотреть повторно по истечении срока исполнения рекомендаций.",
                review_date=review,
                assignments=[
                    AssignmentData(
                        self.psych,
                        "Провести консультацию обучающегося и матери, диагностику "
                        "школьной тревожности",
                        day + datetime.timedelta(days=7),
                    ),
                    AssignmentData(
                        teacher,
                        "Провести беседу с учителем-предметником и обучающимся о "
                        "разрешении конфликта",
                        review,
                    ),
                    AssignmentData(
                        self.socped,
                        "Вовлечь обучающегося в кружок или секцию по интересам",
                        review,
                    ),
                ],
            )
        with self.at(day, 17):
            # The council's assignment to the psychologist: they join the case to do it.
            team = [*case.responsible.all(), self.psych]
            set_responsible(case=case, users=team, acting_user=self.socped)
        self.contact(
            student,
            by=teacher,
            day=self.ago(2),
            hour=15,
            kind=CALL,
            result=REACHED,
            summary=(
                "Мать сообщила, что на консультацию к педагогу-психологу пока не ходили "
                "(болел младший ребёнок), запишутся на следующей неделе; конфликт с "
                "учителем, по её словам, исчерпан."
            ),
            reason="Со слов матери — прогулял отдельные уроки, уважительной причины нет"
            if he
            else "Со слов матери — прогуляла отдельные уроки, уважительной причины нет",
            next_step="Повторное рассмотрение на Совете профилактики",
        )

    # --- After the council: the registry, the plan, the КДН --------------------------------

    def registry_work(self, case: Case) -> None:
        student = case.student
        teacher = self.teacher(student)
        he = student.gender != "f"
        placement = RegistryPlacement.objects.get(case=case, removed_on=None)
        start = self.after(self.session_day, 3)
        with self.at(start, 12):
            kdn = create_referral(
                case=case,
                body=Body.KDN,
                purpose=Referral.Purpose.LIABILITY,
                acting_user=self.socped,
            )
        sent = self.after(start, 1)
        answered = self.ago(4)
        with self.at(sent, 10):
            mark_referral_sent(
                referral=kdn,
                sent_on=sent,
                outgoing_number=f"{self.rng.randint(200, 240)}/01-17",
                acting_user=self.socped,
            )
        with self.at(answered, 15):
            record_referral_answer(
                referral=kdn,
                answer_on=answered,
                answer=(
                    f"Материалы рассмотрены на заседании КДН и ЗП {_short(self.ago(6))}. "
                    f"В отношении матери вынесено постановление по ч. 1 ст. 5.35 КоАП РФ "
                    "(предупреждение); семья включена в план межведомственной "
                    "профилактической работы."
                ),
                acting_user=self.socped,
            )
        end = self.session_day + datetime.timedelta(days=182)
        with self.at(start, 13):
            # The psychologist does the diagnostics of the plan: they join the case.
            team = [*case.responsible.all(), self.psych]
            set_responsible(case=case, users=team, acting_user=self.socped)
        with self.at(start, 14):
            plan = create_plan(
                case=case,
                goal=(
                    "Устранение причин пропусков уроков без уважительной причины, "
                    "восстановление учебной мотивации, организация занятости во внеурочное "
                    "время."
                ),
                start_date=start,
                end_date=end,
                acting_user=self.socped,
            )
            measures = [
                (MeasureKind.RECORDS, "", self.socped, self.after(start, 1)),
                (MeasureKind.CHARTER, "", teacher, self.after(start, 3)),
                (MeasureKind.DIAGNOSTICS, "", self.psych, self.after(start, 5)),
                (MeasureKind.CONSULTATION, "", self.socped, self.ago(3)),
                (MeasureKind.OBSERVATION, "", teacher, end),
                (
                    MeasureKind.CLUBS,
                    "секция волейбола школьного спортивного клуба",
                    self.deputy,
                    self.today + datetime.timedelta(days=14),
                ),
            ]
            added = [
                add_measure(
                    plan=plan,
                    kind=kind,
                    description=description,
                    responsible=responsible,
                    due_date=due,
                    acting_user=self.socped,
                )
                for kind, description, responsible, due in measures
            ]
        outcomes = [
            (added[0], self.socped, "Заполнена карта персонифицированного учёта обучающегося."),
            (
                added[1],
                teacher,
                "Проведена беседа, памятка об обязанностях обучающихся вручена под подпись.",
            ),
            (
                added[2],
                self.psych,
                "Проведена диагностика (тест школьной тревожности Филлипса, опросник "
                "мотивации): учебная мотивация снижена, тревожность в пределах нормы. "
                "Рекомендации переданы классному руководителю.",
            ),
        ]
        for measure, who, result in outcomes:
            done = min(measure.due_date, self.workday)
            with self.at(done, 15):
                record_measure_outcome(
                    measure=measure, status="done", done_on=done, result=result, acting_user=who
                )
        for n, week_ago in enumerate((10, 5, 1)):
            day = self.ago(week_ago)
            if day < start:
                continue
            missed = self.missed_between(student, day - datetime.timedelta(days=6), day)
            text = (
                f"За неделю пропущено без уважительной причины: {_lessons(missed)}. "
                if missed
                else "За неделю пропусков без уважительной причины нет. "
            ) + (
                "Мероприятия выполняются в срок.",
                "Консультация социального педагога перенесена: мать не явилась.",
                "Классный руководитель ежедневно отмечает посещаемость, мать на связи.",
            )[n]
            with self.at(day, 17):
                add_control(plan=plan, date=day, text=text, acting_user=self.socped)
        for n, days_ago in enumerate((12, 7, 2)):
            day = self.ago(days_ago)
            if day < placement.placed_on:
                continue
            week = self.missed_between(student, day - datetime.timedelta(days=6), day)
            with self.at(day, 16):
                add_observation(
                    placement=placement,
                    date=day,
                    acting_user=teacher,
                    attendance=(
                        f"за неделю пропущено без уважительной причины: {_lessons(week)}"
                        if week
                        else "пропусков без уважительной причины нет"
                    ),
                    progress=(
                        "«3» по большинству предметов, задолженность по алгебре",
                        f"исправил{'' if he else 'а'} «2» по физике, по алгебре задолженность "
                        "сохраняется",
                        "текущие оценки «3» и «4», задолженность по алгебре ликвидирована",
                    )[n],
                    behaviour=(
                        f"на уроках пассив{'ен' if he else 'на'}, замечаний по дисциплине нет",
                        f"опоздал{'' if he else 'а'} на первый урок дважды, на замечания реагирует",
                        "на уроках работает, конфликтов нет",
                    )[n],
                    text=(
                        "Проведена индивидуальная беседа о посещаемости; "
                        f"{'обучающийся ознакомлен' if he else 'обучающаяся ознакомлена'} с "
                        "планом профилактической работы.",
                        "Беседа с матерью по телефону о контроле посещаемости; рекомендовано "
                        "записаться в секцию волейбола.",
                        f"{'Обучающийся посетил' if he else 'Обучающаяся посетила'} пробное "
                        "занятие секции волейбола; мать "
                        "поддерживает связь с классным руководителем.",
                    )[n],
                )
        self.contact(
            student,
            by=teacher,
            day=self.ago(1),
            hour=16,
            kind=CALL,
            result=REACHED,
            summary=(
                "Матери сообщено о пропусках этой недели; обещала поговорить с "
                f"{'сыном' if he else 'дочерью'} и проверять электронный дневник."
            ),
            reason=f"Со слов матери — {'ушёл' if he else 'ушла'} с последних уроков, "
            "уважительной причины нет",
            next_step="Ежедневный контроль посещаемости по плану ИПР",
        )

    # --- The streak: the memo, the visit and its act, СОП, next week's council ------------

    def streak(self, student: Student) -> None:
        """Days missed in a row: the case, a memo to the director, a meeting; the family
        centre confirms the trouble; the home visit finds the child in danger, so the family
        is marked СОП (the КДН told at once, the other three notifications still due); the
        case goes to next week's council."""
        teacher = self.teacher(student)
        days = [d for d in self.missed_days(student) if d < self.today]
        he = student.gender != "f"
        first = max(days[0] if days else self.ago(9), self.ago(25))
        opened = max(min(days[2] if len(days) > 2 else first, self.ago(8)), self.ago(25))
        self.contact(
            student,
            by=teacher,
            day=first,
            hour=10,
            minute=15,
            kind=CALL,
            result=NOT_REACHED,
            summary="Не удалось дозвониться ни матери, ни отцу.",
            next_step="Перезвонить вечером",
        )
        case = self.open(
            student,
            by=teacher,
            day=opened,
            hour=12,
            reason=(
                "Пропуски учебных дней подряд без уважительной причины; родители причину "
                "не подтверждают документами"
            ),
            also=[self.socped],
        )
        self.contact(
            student,
            by=teacher,
            day=opened,
            hour=18,
            kind=CALL,
            result=REACHED,
            guardian=self.other_parent(student),
            summary=(
                f"Отец сообщил, что {'сын' if he else 'дочь'} отказывается ходить в школу, "
                f"жалуется, что {'его' if he else 'её'} обижают одноклассники; в школу "
                "родители не обращались."
            ),
            reason="Со слов отца — конфликт с одноклассниками, без уважительной причины",
            next_step="Докладная записка директору; встреча с родителями",
        )
        with self.at(opened, 19):
            draft = memo_draft(case)
            create_memo(
                case=case,
                date=opened,
                addressee=draft["addressee"],
                text=draft["text"].replace(
                    "проведена беседа: … ",
                    "проведена беседа по телефону: со слов отца, ребёнок отказывается ходить в "
                    "школу из-за конфликта с одноклассниками; подтверждающих документов нет. ",
                ),
                acting_user=teacher,
            )
        meeting = self.after(opened, 1)
        self.contact(
            student,
            by=self.socped,
            day=meeting,
            hour=15,
            kind=MEETING,
            result=REACHED,
            summary=(
                "Беседа с матерью в кабинете социального педагога с участием классного "
                "руководителя. Мать выглядела неопрятно, от ответов уклонялась; согласилась "
                "на посещение семьи."
            ),
            reason="Конфликт с одноклассниками, нежелание ходить в школу",
            next_step="Посещение семьи по месту жительства (по согласованию с администрацией)",
        )
        with self.at(meeting, 16):
            centre = create_referral(
                case=case,
                body=Body.FAMILY_CENTRE,
                purpose=Referral.Purpose.INFORMATION,
                acting_user=self.socped,
            )
            mark_referral_sent(
                referral=centre,
                sent_on=meeting,
                outgoing_number=f"{self.rng.randint(180, 260)}/01-17",
                acting_user=self.socped,
            )
        visit_day = self.after(meeting, 1)
        with self.at(meeting, 16, 30):
            visit = plan_visit(
                case=case,
                planned_for=visit_day,
                members=[teacher, self.socped],
                other_members=self.inspector(),
                acting_user=teacher,
            )
        with self.at(meeting, 17):
            agree_visit(visit=visit, acting_user=self.deputy)
        with self.at(meeting, 17, 30):
            record_parents_informed(visit=visit, on=meeting, acting_user=teacher)
        with self.at(visit_day, 18):
            save_act(visit=visit, data=self.act(student, visit_day), acting_user=self.socped)
        missed = [d for d in days if d <= visit_day]
        since = (
            f" (пропуски уроков с {_short(missed[0])} по {_short(missed[-1])})" if missed else ""
        )
        circumstances = (
            "В ходе посещения семьи по месту жительства выявлено: мать находилась в состоянии "
            "алкогольного опьянения; в комнате ребёнка не работает отопление; продуктов "
            "питания недостаточно; зимней одежды и обуви у ребёнка нет, по этой причине "
            f"{'он' if he else 'она'} не посещал{'' if he else 'а'} школу{since}."
        )
        with self.at(visit_day, 18, 40):
            notifications = mark_sop(
                case=case, circumstances=circumstances, found_on=visit_day, acting_user=self.socped
            )
        kdn = next(r for r in notifications if r.body == Body.KDN)
        with self.at(visit_day, 19, 10):
            mark_referral_sent(
                referral=kdn,
                sent_on=visit_day,
                outgoing_number=f"{self.rng.randint(261, 320)}/01-17",
                acting_user=self.socped,
            )
        answered = self.after(visit_day, 2)
        if answered > visit_day:
            with self.at(answered, 11):
                record_referral_answer(
                    referral=centre,
                    answer_on=answered,
                    answer=(
                        "Семейное неблагополучие подтверждено. Семья поставлена на учёт "
                        "семейного центра, закреплён специалист по социальной работе; "
                        "назначен патронаж."
                    ),
                    family_centre_status="confirmed",
                    acting_user=self.socped,
                )
        with self.at(self.ago(1), 15):
            put_on_session(session=self.next_session, case=case, acting_user=self.deputy)

    # --- The demo class teacher's class ----------------------------------------------------

    def class_case_open(self, student: Student) -> None:
        teacher = self.teacher(student)
        opened = self.ago(9)
        he = student.gender != "f"
        case = self.open(
            student,
            by=teacher,
            day=opened,
            hour=13,
            reason="Частые пропуски уроков; причина не всегда подтверждается документами",
            also=[self.socped],
        )
        self.contact(
            student,
            by=teacher,
            day=opened,
            hour=16,
            kind=CALL,
            result=REACHED,
            summary=(
                f"Мать сообщила, что {'сын' if he else 'дочь'} часто жалуется на боли в "
                "животе по утрам, особенно перед контрольными."
            ),
            reason="Со слов матери — плохое самочувствие по утрам, к врачу не обращались",
            next_step="Рекомендовано обследование у педиатра; консультация педагога-психолога",
        )
        self.contact(
            student,
            by=teacher,
            day=self.ago(4),
            hour=17,
            kind=MEETING,
            result=REACHED,
            summary=(
                "Встреча с матерью после родительского собрания. Мать согласна на работу "
                "педагога-психолога с ребёнком; справку от педиатра обещала принести."
            ),
            reason="Тревожность перед контрольными работами (со слов матери)",
            next_step="Направить к педагогу-психологу",
        )
        with self.at(self.ago(3), 10):
            create_referral(
                case=case,
                body=Body.PSYCHOLOGIST,
                purpose=Referral.Purpose.HELP,
                psychologist=self.psych,
                acting_user=self.socped,
            )

    def class_case_monitoring(self, student: Student) -> None:
        teacher = self.teacher(student)
        opened = self.ago(20)
        he = student.gender != "f"
        case = self.open(
            student,
            by=teacher,
            day=opened,
            hour=12,
            reason="Пропуски уроков, причина не выяснена",
        )
        self.contact(
            student,
            by=teacher,
            day=opened,
            hour=15,
            kind=CALL,
            result=REACHED,
            summary=f"Мать сообщила, что {'сын' if he else 'дочь'} простыл{'' if he else 'а'}; "
            "школу о болезни не предупредили, справку от педиатра обещали принести.",
            reason="Со слов матери — простуда",
            next_step="Напомнить, что о болезни нужно сообщать в тот же день",
        )
        self.contact(
            student,
            by=teacher,
            day=self.ago(16),
            hour=17,
            kind=MEETING,
            result=REACHED,
            summary=(
                "Беседа с родителями: о пропусках без предупреждения договорились сообщать "
                "классному руководителю утром того же дня; памятка о порядке уведомления вручена."
            ),
            reason="Болезнь (простуда)",
            next_step="Наблюдение за посещаемостью",
        )
        with self.at(self.ago(10), 12):
            change_case_status(
                case=case,
                status=Case.Status.MONITORING,
                reason=(
                    "Причина пропусков выяснена (болезнь), родители сообщают о пропусках в тот "
                    "же день; наблюдение за посещаемостью"
                ),
                acting_user=teacher,
            )

    # --- A case closed ----------------------------------------------------------------------

    def closed(self, student: Student) -> None:
        teacher = self.teacher(student)
        opened = self.ago(27)
        he = student.gender != "f"
        case = self.open(
            student,
            by=self.socped,
            day=opened,
            hour=11,
            reason="Отсутствие на уроках несколько дней, родители не сообщили причину",
            also=[teacher],
        )
        self.contact(
            student,
            by=teacher,
            day=opened,
            hour=13,
            kind=CALL,
            result=REACHED,
            summary=f"Мать сообщила, что {'сын' if he else 'дочь'} болеет, наблюдается у "
            "педиатра; справку принесут после выздоровления.",
            reason="Болезнь (ОРВИ), наблюдается у педиатра",
            next_step="Получить справку медицинской организации",
        )
        with self.at(self.ago(22), 12):
            change_case_status(
                case=case,
                status=Case.Status.CLOSED,
                reason=(
                    "Причина пропусков уважительная: представлена справка медицинской "
                    "организации; пропусков без уважительной причины нет."
                ),
                acting_user=self.socped,
            )
