"""The weekly timetable of the school's classes (issue #15 point 3): one row a lesson of
the template (class or subgroup, weekday, period, subject, teacher).

A row whose slot (class, subgroup, weekday, period) already holds the same subject and
teacher in the template from that date on is left as it is, so the same file imported
twice adds nothing; a slot holding another lesson is an error of the row, never overwritten
(the timetable page changes the template). The term's lessons are generated from the
template afterwards (``journal.timetable.generate_lessons``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.services import audit_entry, log_actions
from journal.models import TimetableEntry
from schools.models import ClassGroup, Subject

from .base import Column, Progress, Row, fold, in_steps
from .students import class_key, year_classes

CLASS = Column("school_class", "Класс", "5А", required=True)
GROUP = Column("group", "Подгруппа", "", hint="пусто — весь класс")
WEEKDAY = Column("weekday", "День недели", "понедельник", required=True, hint="пн … сб")
PERIOD = Column("period", "Урок №", 1, required=True)
SUBJECT = Column("subject", "Предмет", "Математика", required=True)
TEACHER = Column(
    "teacher", "Учитель", "Смирнова Анна Викторовна", required=True, hint="ФИО или логин"
)
ROOM = Column("room", "Кабинет", "204")
VALID_FROM = Column("valid_from", "Действует с", "", hint="пусто — с начала учебного года")
VALID_TO = Column("valid_to", "Действует по", "")
COLUMNS = (CLASS, GROUP, WEEKDAY, PERIOD, SUBJECT, TEACHER, ROOM, VALID_FROM, VALID_TO)
TITLE = gettext_lazy("Расписание")
MAX_PERIOD = 12

WEEKDAYS = {
    **{str(n): n for n in range(1, 7)},
    "пн": 1, "понедельник": 1,
    "вт": 2, "вторник": 2,
    "ср": 3, "среда": 3,
    "чт": 4, "четверг": 4,
    "пт": 5, "пятница": 5,
    "сб": 6, "суббота": 6,
}  # fmt: skip
TEACHING_ROLES = (Role.SUBJECT_TEACHER, Role.CLASS_TEACHER)


@dataclass
class Plan:
    new: list[TimetableEntry] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> dict:
        return {"entries_created": len(self.new), "entries_unchanged": self.unchanged}


class TimetableImport:
    columns = COLUMNS
    title = TITLE

    def __init__(self, *, school, year, acting_user, **_ignored):
        self.school = school
        self.year = year
        self.acting_user = acting_user

    def check(self, rows: list[Row], progress: Progress | None = None) -> Plan:
        classes = year_classes(self.school, self.year)
        groups = {
            (g.school_class_id, fold(g.name)): g
            for g in ClassGroup.objects.filter(school_class__in=list(classes.values()))
        }
        subjects = {}
        for subject in Subject.objects.filter(school=self.school, archived=False):
            for name in (subject.name, subject.short_name):
                if name:
                    subjects.setdefault(fold(name), subject)
        teachers = self._teachers()
        existing = defaultdict(list)
        for entry in TimetableEntry.objects.filter(school_class__in=list(classes.values())):
            existing[(entry.school_class_id, entry.group_id, entry.weekday, entry.period)].append(
                entry
            )
        seen: dict[tuple, int] = {}
        plan = Plan()
        for row in in_steps(rows, progress):
            self._check_row(row, plan, classes, groups, subjects, teachers, existing, seen)
        return plan

    def _teachers(self) -> dict[str, object]:
        """Teachers of the school by login, full name and «Фамилия И. О.»; a name two
        teachers share maps to None (ambiguous)."""
        found: dict[str, object] = {}
        assignments = RoleAssignment.objects.filter(
            school=self.school, role__in=TEACHING_ROLES, user__is_active=True
        ).select_related("user")
        users = {a.user_id: a.user for a in assignments}
        for user in users.values():
            initials = "".join(f"{part[0]}." for part in (user.first_name, user.patronymic) if part)
            names = {
                fold(" ".join(p for p in (user.last_name, user.first_name, user.patronymic) if p)),
                fold(f"{user.last_name} {initials}"),
                fold(f"{user.last_name} {initials.replace('.', '. ').strip()}"),
            }
            found[fold(user.username)] = user
            for name in names:
                found[name] = None if name in found and found[name] != user else user
        return found

    def _check_row(self, row, plan, classes, groups, subjects, teachers, existing, seen):
        class_text = row.required_text(CLASS)
        school_class = classes.get(class_key(class_text)) if class_text else None
        if class_text and school_class is None:
            row.error(
                CLASS,
                _("Класса «%(cls)s» нет в текущем учебном году школы.") % {"cls": class_text[:20]},
            )
        group = None
        group_text = row.text(GROUP.key)
        if group_text and school_class is not None:
            group = groups.get((school_class.pk, fold(group_text)))
            if group is None:
                row.error(
                    GROUP,
                    _("В классе %(cls)s нет подгруппы «%(group)s».")
                    % {"cls": school_class, "group": group_text[:40]},
                )
        weekday_text = row.text(WEEKDAY.key)
        weekday = WEEKDAYS.get(fold(weekday_text).rstrip("."))
        if weekday is None:
            row.error(
                WEEKDAY,
                _("Не заполнено.")
                if not weekday_text
                else _("«%(value)s»: укажите день недели с понедельника по субботу.")
                % {"value": weekday_text[:40]},
            )
        period = row.number_in(PERIOD, 1, MAX_PERIOD)
        subject_text = row.required_text(SUBJECT)
        subject = subjects.get(fold(subject_text)) if subject_text else None
        if subject_text and subject is None:
            row.error(
                SUBJECT,
                _(
                    "Предмета «%(name)s» нет в списке предметов школы: добавьте его на странице «Предметы»."
                )
                % {"name": subject_text[:60]},
            )
        teacher_text = row.required_text(TEACHER)
        teacher = teachers.get(fold(teacher_text)) if teacher_text else None
        if teacher_text and teacher is None:
            if fold(teacher_text) in teachers:
                message = _("«%(name)s»: так зовут нескольких учителей, укажите логин.")
            else:
                message = _("Учителя «%(name)s» нет среди учителей школы.")
            row.error(TEACHER, message % {"name": teacher_text[:60]})
        valid_from = row.date(VALID_FROM)
        valid_to = row.date(VALID_TO)
        room = row.bounded(ROOM, row.text(ROOM.key), 20)
        if school_class is not None and valid_from is None:
            valid_from = school_class.academic_year.start_date
        if valid_from and valid_to and valid_to < valid_from:
            row.error(VALID_TO, _("Раньше даты «Действует с»."))
        if row.errors:
            return
        slot = (school_class.pk, group.pk if group else None, weekday, period)
        if slot in seen:
            row.error(
                PERIOD, _("Этот урок класса уже есть в строке %(n)d файла.") % {"n": seen[slot]}
            )
            return
        seen[slot] = row.number
        for entry in existing.get(slot, ()):
            if not _overlap(entry, valid_from, valid_to):
                continue
            if entry.subject_id == subject.pk and entry.teacher_id == teacher.pk:
                plan.unchanged += 1
                return
            row.error(
                PERIOD,
                _(
                    "В этот день и урок у класса уже стоит другой предмет или учитель: "
                    "измените расписание на странице расписания."
                ),
            )
            return
        plan.new.append(
            TimetableEntry(
                school_class=school_class,
                group=group,
                weekday=weekday,
                period=period,
                subject=subject,
                teacher=teacher,
                room=room,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )

    def write(self, plan: Plan, progress: Progress | None = None) -> dict:
        entries = TimetableEntry.objects.bulk_create(plan.new, batch_size=2000)
        log_actions(
            [
                audit_entry(
                    actor=self.acting_user,
                    action="journal.timetable_entry.added",
                    obj=entry,
                    school=self.school,
                    data={**_entry_state(entry), "source": "import"},
                )
                for entry in entries
            ]
        )
        return plan.summary()


def _entry_state(entry: TimetableEntry) -> dict:
    """The line as the timetable pages log it (``journal.timetable_template``)."""
    return {
        "weekday": entry.weekday,
        "period": entry.period,
        "subject_id": entry.subject_id,
        "teacher_id": entry.teacher_id,
        "group_id": entry.group_id,
        "room": entry.room,
        "valid_from": entry.valid_from.isoformat(),
        "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
    }


def _overlap(entry: TimetableEntry, start: datetime.date, end: datetime.date | None) -> bool:
    entry_end = entry.valid_to or datetime.date.max
    return entry.valid_from <= (end or datetime.date.max) and start <= entry_end


__all__ = ["COLUMNS", "TimetableImport"]
