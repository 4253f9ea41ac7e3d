"""Students with their guardians, into classes of the school (issue #15 point 3).

A student already in the school is matched by surname, first name, patronymic and birth
date (case and «ё» ignored) among the students with an enrollment in the school; a
guardian by the student and the full name. Matched people are left as they are, so the
same file imported twice adds nothing. New students are admitted through
``schools.services`` (``enroll_new_students`` set-based for the students the import
creates, ``enroll_student`` for a known student who is not enrolled any more).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_entry, log_actions
from schools.models import Enrollment, Guardian, SchoolClass, Student
from schools.services import EnrollmentError, enroll_new_students, enroll_student

from .base import Column, Progress, Row, fold, in_steps

LAST = Column("last_name", "Фамилия", "Иванов", required=True)
FIRST = Column("first_name", "Имя", "Пётр", required=True)
PATRONYMIC = Column("patronymic", "Отчество", "Сергеевич")
BIRTH = Column("birth_date", "Дата рождения", datetime.date(2015, 3, 14), required=True)
GENDER = Column("gender", "Пол", "м", hint="м или ж")
CLASS = Column(
    "school_class",
    "Класс",
    "1А",
    hint="например 5Б; пусто — класс, выбранный при загрузке",
    in_sample=False,
)
START = Column("start_date", "Дата зачисления", "", hint="пусто — дата, выбранная при загрузке")
REG_ADDRESS = Column("registration_address", "Адрес регистрации", "ул. Ленина, д. 1, кв. 2")
ACT_ADDRESS = Column("actual_address", "Адрес проживания", "")
FLAGS = (
    Column("large_family", "Многодетная семья", "нет", hint="да или нет"),
    Column("low_income", "Малообеспеченная семья", "нет", hint="да или нет"),
    Column("single_parent", "Неполная семья", "нет", hint="да или нет"),
    Column("difficult_life_situation", "ТЖС", "нет", hint="трудная жизненная ситуация: да или нет"),
    Column(
        "socially_dangerous_position", "СОП", "нет", hint="социально опасное положение: да или нет"
    ),
    Column("disability", "ОВЗ / инвалидность", "нет", hint="да или нет"),
)
GUARDIAN_COLUMNS = tuple(
    (
        Column(f"g{n}_name", f"Представитель {n}: ФИО", sample[0]),
        Column(
            f"g{n}_relation",
            f"Представитель {n}: кем приходится",
            sample[1],
            hint="мать, отец, опекун, приёмный родитель, иной",
        ),
        Column(f"g{n}_phone", f"Представитель {n}: телефон", sample[2]),
        Column(f"g{n}_email", f"Представитель {n}: e-mail", sample[3]),
    )
    for n, sample in (
        (1, ("Иванова Мария Петровна", "мать", "+7 900 123-45-67", "ivanova@example.ru")),
        (2, ("Иванов Сергей Андреевич", "отец", "+7 900 765-43-21", "")),
    )
)
COLUMNS = (
    LAST,
    FIRST,
    PATRONYMIC,
    BIRTH,
    GENDER,
    CLASS,
    START,
    REG_ADDRESS,
    ACT_ADDRESS,
    *FLAGS,
    *(column for group in GUARDIAN_COLUMNS for column in group),
)
TITLE = gettext_lazy("Обучающиеся")
# Students written per statement round (one progress step each).
WRITE_CHUNK = 1000

GENDERS = {"м": "m", "муж": "m", "мужской": "m", "ж": "f", "жен": "f", "женский": "f"}
RELATIONS = {
    "мать": Guardian.Relation.MOTHER,
    "мама": Guardian.Relation.MOTHER,
    "отец": Guardian.Relation.FATHER,
    "папа": Guardian.Relation.FATHER,
    "опекун": Guardian.Relation.GUARDIAN,
    "попечитель": Guardian.Relation.GUARDIAN,
    "приемный родитель": Guardian.Relation.FOSTER,
    "приемная мать": Guardian.Relation.FOSTER,
    "приемный отец": Guardian.Relation.FOSTER,
    "иной": Guardian.Relation.OTHER,
    "иной законный представитель": Guardian.Relation.OTHER,
    "другое": Guardian.Relation.OTHER,
}


def class_key(text: str) -> str:
    """«5 А», «5-а», «5 «А»» → «5а»."""
    return re.sub(r"[\s\-«»\"'.]+", "", fold(text))


def year_classes(school, year) -> dict[str, SchoolClass]:
    if year is None:
        return {}
    classes = SchoolClass.objects.filter(school=school, academic_year=year).select_related(
        "academic_year"
    )
    return {class_key(f"{c.grade}{c.letter}"): c for c in classes}


def person_key(last: str, first: str, patronymic: str, birth: datetime.date) -> tuple:
    return (fold(last), fold(first), fold(patronymic), birth)


@dataclass
class NewStudent:
    student: Student
    school_class: SchoolClass
    start_date: datetime.date
    guardians: list[Guardian] = field(default_factory=list)


@dataclass
class Plan:
    new: list[NewStudent] = field(default_factory=list)
    # (student id, class, date): known students enrolled again.
    readmit: list[tuple[int, SchoolClass, datetime.date]] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)  # of known students
    unchanged: int = 0

    def summary(self) -> dict:
        return {
            "students_created": len(self.new),
            "students_readmitted": len(self.readmit),
            "students_unchanged": self.unchanged,
            "guardians_created": sum(len(n.guardians) for n in self.new) + len(self.guardians),
        }


class StudentImport:
    columns = COLUMNS
    title = TITLE

    def __init__(self, *, school, year, acting_user, school_class=None, start_date=None):
        self.school = school
        self.year = year
        self.acting_user = acting_user
        self.default_class = school_class
        self.default_start = start_date

    def check(self, rows: list[Row], progress: Progress | None = None) -> Plan:
        classes = year_classes(self.school, self.year)
        known = self._known_students()
        enrolled = self._current_enrollments(known.values())
        later = self._later_enrollments(known.values())
        known_guardians = self._known_guardians(known.values())
        seen: dict[tuple, int] = {}
        plan = Plan()
        for row in in_steps(rows, progress):
            self._check_row(row, plan, classes, known, enrolled, later, known_guardians, seen)
        return plan

    def _check_row(self, row, plan, classes, known, enrolled, later, known_guardians, seen):
        last = row.required_text(LAST, 150)
        first = row.required_text(FIRST, 150)
        patronymic = row.bounded(PATRONYMIC, row.text(PATRONYMIC.key), 150)
        birth = row.date(BIRTH, required=True)
        school_class = self._class(row, classes)
        start = row.date(START) or self.default_start
        if start is None:
            row.error(START, _("Не заполнено, и дата зачисления не выбрана при загрузке."))
        if birth is not None:
            today = datetime.date.today()
            if birth > today:
                row.error(BIRTH, _("Дата рождения в будущем."))
            elif birth.year < today.year - 30:
                row.error(BIRTH, _("Обучающемуся больше 30 лет: проверьте год рождения."))
        if school_class is not None and start is not None:
            year = school_class.academic_year
            if not year.start_date <= start <= year.end_date:
                row.error(
                    START,
                    _("Дата %(date)s вне учебного года %(year)s.")
                    % {"date": f"{start:%d.%m.%Y}", "year": year},
                )
        gender = GENDERS.get(fold(row.text(GENDER.key)).rstrip("."))
        if gender is None and row.text(GENDER.key):
            row.error(GENDER, _("Укажите «м» или «ж»."))
        flags = {column.key: row.flag(column) for column in FLAGS}
        guardians = [g for g in (self._guardian(row, group) for group in GUARDIAN_COLUMNS) if g]
        names = [fold(g.full_name) for g in guardians]
        if len(set(names)) < len(names):
            row.error(GUARDIAN_COLUMNS[1][0], _("Тот же представитель указан дважды."))
        if row.errors:
            return
        key = person_key(last, first, patronymic, birth)
        if key in seen:
            row.error(LAST, _("Этот обучающийся уже есть в строке %(n)d файла.") % {"n": seen[key]})
            return
        seen[key] = row.number
        student_id = known.get(key)
        if student_id is None:
            student = Student(
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                birth_date=birth,
                gender=gender or "",
                registration_address=row.bounded(REG_ADDRESS, row.text(REG_ADDRESS.key), 500),
                actual_address=row.bounded(ACT_ADDRESS, row.text(ACT_ADDRESS.key), 500),
                **flags,
            )
            if not row.errors:
                plan.new.append(NewStudent(student, school_class, start, guardians))
            return
        current = enrolled.get(student_id)
        if current is not None and current != school_class.pk:
            row.error(
                CLASS,
                _(
                    "Обучающийся уже зачислен в другой класс на эту дату: переведите его на "
                    "странице класса."
                ),
            )
            return
        if current is None and later.get(student_id, datetime.date.min) > start:
            row.error(START, _("У обучающегося есть более позднее зачисление."))
            return
        if current is None:
            plan.readmit.append((student_id, school_class, start))
        had = known_guardians.get(student_id, set())
        new_guardians = [g for g in guardians if fold(g.full_name) not in had]
        for guardian in new_guardians:
            guardian.student_id = student_id
        plan.guardians.extend(new_guardians)
        if current is not None and not new_guardians:
            plan.unchanged += 1

    def _class(self, row: Row, classes) -> SchoolClass | None:
        text = row.text(CLASS.key)
        if not text:
            if self.default_class is None:
                row.error(CLASS, _("Не заполнено, и класс не выбран при загрузке."))
            return self.default_class
        school_class = classes.get(class_key(text))
        if school_class is None:
            row.error(
                CLASS,
                _("Класса «%(cls)s» нет в текущем учебном году школы.") % {"cls": text[:20]},
            )
        return school_class

    def _guardian(self, row: Row, group) -> Guardian | None:
        name_col, relation_col, phone_col, email_col = group
        name = row.bounded(name_col, row.text(name_col.key), 300)
        relation_text = row.text(relation_col.key)
        phone = row.bounded(phone_col, row.text(phone_col.key), 32)
        email = row.text(email_col.key)
        if not name:
            if relation_text or phone or email:
                row.error(name_col, _("Укажите ФИО представителя."))
            return None
        relation = RELATIONS.get(fold(relation_text))
        if relation is None:
            row.error(
                relation_col,
                _("Укажите, кем приходится: мать, отец, опекун, приёмный родитель, иной."),
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.error(email_col, _("Неверный адрес электронной почты."))
        return Guardian(full_name=name, relation=relation or "", phone=phone, email=email[:254])

    def _known_students(self) -> dict[tuple, int]:
        rows = (
            Student.objects.filter(enrollments__school=self.school)
            .values_list("pk", "last_name", "first_name", "patronymic", "birth_date")
            .distinct()
        )
        return {person_key(*values[1:]): values[0] for values in rows}

    def _current_enrollments(self, student_ids) -> dict[int, int]:
        if self.default_start is None:
            return {}
        return dict(
            Enrollment.objects.on(self.default_start)
            .filter(student_id__in=list(student_ids))
            .values_list("student_id", "school_class_id")
        )

    def _later_enrollments(self, student_ids) -> dict[int, datetime.date]:
        """The last admission date of each known student: they may be admitted again only
        on or after it (``enroll_student``)."""
        latest = defaultdict(lambda: datetime.date.min)
        for student_id, start in Enrollment.objects.filter(
            student_id__in=list(student_ids)
        ).values_list("student_id", "start_date"):
            latest[student_id] = max(latest[student_id], start)
        return dict(latest)

    def _known_guardians(self, student_ids) -> dict[int, set[str]]:
        names = defaultdict(set)
        for student_id, name in Guardian.objects.filter(
            student_id__in=list(student_ids)
        ).values_list("student_id", "full_name"):
            names[student_id].add(fold(name))
        return names

    def write(self, plan: Plan, progress: Progress | None = None) -> dict:
        """Write the plan in the caller's transaction, set-based in chunks (progress after
        each); EnrollmentError (Russian) refuses."""
        actor = self.acting_user
        done = 0
        for start in range(0, len(plan.new), WRITE_CHUNK):
            chunk = plan.new[start : start + WRITE_CHUNK]
            self._write_new(chunk)
            done += len(chunk)
            if progress:
                progress(done)
        for student_id, school_class, start in plan.readmit:
            student = Student.objects.get(pk=student_id)
            enroll_student(
                student=student, school_class=school_class, start_date=start, acting_user=actor
            )
        self._write_guardians(plan.guardians)
        return plan.summary()

    def _write_new(self, chunk: list[NewStudent]) -> None:
        students = Student.objects.bulk_create([n.student for n in chunk])
        log_actions(
            [
                audit_entry(
                    actor=self.acting_user,
                    action="schools.student.added",
                    obj=student,
                    school=self.school,
                    student_id=student.pk,
                    data={"new": _fields(student, STUDENT_FIELDS), "source": "import"},
                )
                for student in students
            ]
        )
        by_date = defaultdict(list)
        for new in chunk:
            by_date[new.start_date].append((new.student, new.school_class))
        for start, placements in by_date.items():
            enroll_new_students(
                placements=placements, start_date=start, acting_user=self.acting_user
            )
        guardians = []
        for new in chunk:
            for guardian in new.guardians:
                guardian.student = new.student
                guardians.append(guardian)
        self._write_guardians(guardians)

    def _write_guardians(self, guardians: list[Guardian]) -> None:
        Guardian.objects.bulk_create(guardians)
        log_actions(
            [
                audit_entry(
                    actor=self.acting_user,
                    action="schools.guardian.added",
                    obj=guardian,
                    school=self.school,
                    student_id=guardian.student_id,
                    data={"new": _fields(guardian, GUARDIAN_FIELDS), "source": "import"},
                )
                for guardian in guardians
            ]
        )


STUDENT_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "gender",
    "registration_address",
    "actual_address",
    *(column.key for column in FLAGS),
)
GUARDIAN_FIELDS = ("full_name", "relation", "phone", "email")


def _fields(obj, names) -> dict:
    """The values written, as the students pages log them (``data["new"]``)."""
    return {name: getattr(obj, name) for name in names}


__all__ = ["COLUMNS", "EnrollmentError", "StudentImport"]
