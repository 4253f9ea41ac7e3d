"""Finding the app's lesson and student for a row of the e-journal's export.

A lesson is the class's lesson on the row's date with the row's number (R-CAL-3); where a
class is split into subgroups, the one the student attends, then the one whose subject is
the row's. A student is found by name among those enrolled in the class on that date:
the full name, or surname and first name, or surname and initials («Иванов П. С.»), case
and «ё» ignored; two students answering the same name are reported, never guessed.
Everything is read in a few queries for the whole file (``Lookup``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict

from django.utils.translation import gettext as _

from journal.models import Lesson, Mark
from schools.models import ClassGroup, Enrollment, School, SchoolClass, enrolled_during

from .letters import LOOKALIKES
from .models import EjournalRecord
from .reader import SourceRow

CLASS_NAME = re.compile(r"(\d{1,2})\s*[-–—«\"'\s]*([^\W\d_][^\W_]{0,3})[»\"']?", re.UNICODE)


class RowProblem(Exception):
    """The row cannot be matched; the message is Russian and shown in the report."""


def fold_name(value: str) -> str:
    text = unicodedata.normalize("NFC", value).lower().replace("ё", "е")
    return " ".join(re.findall(r"[^\W_]+(?:-[^\W_]+)?", text))


def parse_class(value: str) -> tuple[int, str] | None:
    match = CLASS_NAME.fullmatch(value.strip())
    if not match:
        return None
    return int(match.group(1)), class_letter(match.group(2))


def class_letter(value: str) -> str:
    return value.upper().translate(LOOKALIKES).replace("Ё", "Е")


def name_keys(student) -> set[str]:
    last, first, patronymic = (
        fold_name(student.last_name),
        fold_name(student.first_name),
        fold_name(student.patronymic or ""),
    )
    keys = {f"{last} {first}", f"{last} {first[:1]}"}
    if patronymic:
        keys |= {f"{last} {first} {patronymic}", f"{last} {first[:1]} {patronymic[:1]}"}
    return keys


def full_key(student) -> str:
    return fold_name(student.full_name)


class Lookup:
    """The school's classes, lessons, enrollments, marks and e-journal records that the
    rows may name: six queries, whatever the number of rows."""

    def __init__(self, school: School, rows: list[SourceRow]):
        self.school = school
        days = {row.day for row in rows if row.day}
        self.classes: dict[tuple[int, str], list[SchoolClass]] = defaultdict(list)
        self.lessons: dict[tuple[int, datetime.date, int], list[Lesson]] = defaultdict(list)
        self.enrollments: dict[int, list[Enrollment]] = defaultdict(list)
        self.members: set[tuple[int, int]] = set()
        self.marks: dict[tuple[int, int], Mark] = {}
        self.records: dict[tuple[int, int], EjournalRecord] = {}
        self.imported_lessons: set[int] = set()
        if not days:
            return
        start, end = min(days), max(days)
        classes = list(
            SchoolClass.objects.filter(
                school=school,
                academic_year__start_date__lte=end,
                academic_year__end_date__gte=start,
            ).select_related("academic_year", "school")
        )
        for school_class in classes:
            self.classes[(school_class.grade, class_letter(school_class.letter))].append(
                school_class
            )
        lessons = list(
            Lesson.objects.filter(school=school, school_class__in=classes, date__in=days)
            .select_related("school", "school_class__school", "subject", "group")
            .order_by("pk")
        )
        for lesson in lessons:
            self.lessons[(lesson.school_class_id, lesson.date, lesson.period)].append(lesson)
        for enrollment in (
            Enrollment.objects.filter(school_class__in=classes)
            .filter(enrolled_during(start, end))
            .select_related("student")
            .order_by("student__last_name", "student__first_name", "pk")
        ):
            self.enrollments[enrollment.school_class_id].append(enrollment)
        group_ids = {lesson.group_id for lesson in lessons if lesson.group_id}
        if group_ids:
            self.members = set(
                ClassGroup.students.through.objects.filter(classgroup_id__in=group_ids).values_list(
                    "classgroup_id", "student_id"
                )
            )
        lesson_ids = [lesson.pk for lesson in lessons]
        self.marks = {
            (mark.lesson_id, mark.student_id): mark
            for mark in Mark.objects.filter(lesson_id__in=lesson_ids)
        }
        for record in EjournalRecord.objects.filter(lesson_id__in=lesson_ids):
            self.records[(record.lesson_id, record.student_id)] = record
            if record.applied is not None:
                self.imported_lessons.add(record.lesson_id)

    def school_class(self, row: SourceRow) -> SchoolClass:
        parsed = parse_class(row.school_class)
        candidates = self.classes.get(parsed, []) if parsed else []
        found = [
            c
            for c in candidates
            if c.academic_year.start_date <= row.day <= c.academic_year.end_date
        ]
        if not found:
            raise RowProblem(
                _("Класс «%(name)s» не найден в школе на %(date)s.")
                % {"name": row.school_class[:20], "date": f"{row.day:%d.%m.%Y}"}
            )
        return found[0]

    def student(self, school_class: SchoolClass, row: SourceRow):
        wanted = fold_name(row.student)
        on_day = [e.student for e in self.enrollments.get(school_class.pk, []) if e.covers(row.day)]
        exact = [s for s in on_day if full_key(s) == wanted]
        found = exact or [s for s in on_day if wanted in name_keys(s)]
        unique = list({s.pk: s for s in found}.values())
        if len(unique) == 1:
            return unique[0]
        if len(unique) > 1:
            raise RowProblem(
                _(
                    "«%(name)s» — неоднозначно: в %(class)s так можно назвать нескольких "
                    "обучающихся (%(names)s). Укажите фамилию, имя и отчество."
                )
                % {
                    "name": row.student[:60],
                    "class": school_class,
                    "names": "; ".join(s.full_name for s in unique[:5]),
                }
            )
        left = [
            e
            for e in self.enrollments.get(school_class.pk, [])
            if wanted in name_keys(e.student) or full_key(e.student) == wanted
        ]
        if left:
            raise RowProblem(
                _("%(name)s не числится в %(class)s на %(date)s.")
                % {"name": row.student[:60], "class": school_class, "date": f"{row.day:%d.%m.%Y}"}
            )
        raise RowProblem(
            _("Обучающийся «%(name)s» не найден в %(class)s.")
            % {"name": row.student[:60], "class": school_class}
        )

    def lesson(self, school_class: SchoolClass, student, row: SourceRow) -> tuple[Lesson, str]:
        """The lesson and a note for the report ("" or the subject the app has)."""
        slot = self.lessons.get((school_class.pk, row.day, row.period), [])
        where = {"class": school_class, "date": f"{row.day:%d.%m.%Y}", "period": row.period}
        if not slot:
            raise RowProblem(
                _("У %(class)s нет %(period)s-го урока %(date)s в расписании приложения.") % where
            )
        attended = [
            lesson
            for lesson in slot
            if lesson.group_id is None or (lesson.group_id, student.pk) in self.members
        ]
        if not attended:
            raise RowProblem(
                _(
                    "%(period)s-й урок %(date)s у %(class)s — урок подгруппы, в которой нет этого обучающегося."
                )
                % where
            )
        if len(attended) > 1 and row.subject:
            wanted = fold_name(row.subject)
            by_subject = [lesson for lesson in attended if _subject_matches(lesson, wanted)]
            attended = by_subject or attended
        if len(attended) > 1:
            raise RowProblem(
                _(
                    "%(period)s-й урок %(date)s у %(class)s: несколько уроков подгрупп, предмет не различает их."
                )
                % where
            )
        lesson = attended[0]
        note = ""
        if row.subject and not _subject_matches(lesson, fold_name(row.subject)):
            note = _("В приложении этот урок — «%(subject)s».") % {"subject": lesson.subject}
        return lesson, note


def _subject_matches(lesson: Lesson, wanted: str) -> bool:
    names = {fold_name(lesson.subject.name), fold_name(lesson.subject.short_name or "")}
    return wanted in names - {""}
