"""Telling namesakes apart on a roster: two children called «Иванова Мария» in one class.

A list shows a child by surname and first name; when that collides within the roster, each
of the namesakes gets a hint: the date of birth, and a number when that collides too.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import Student


def _name_key(student: Student) -> str:
    return f"{student.last_name} {student.first_name}".casefold().replace("ё", "е")


def _hints(roster: Iterable[Student]) -> dict[int, str]:
    """{student id: hint} for the namesakes of ``roster`` (each student counted once)."""
    by_name: dict[str, dict[int, Student]] = defaultdict(dict)
    for student in roster:
        by_name[_name_key(student)][student.pk] = student
    hints = {}
    for namesakes in by_name.values():
        if len(namesakes) < 2:
            continue
        by_birth = defaultdict(list)
        for student in namesakes.values():
            by_birth[student.birth_date].append(student.pk)
        for birth_date, ids in by_birth.items():
            born = _("р. %(date)s") % {"date": f"{birth_date:%d.%m.%Y}"}
            for number, pk in enumerate(ids, start=1):
                hints[pk] = born if len(ids) == 1 else f"{born}, № {number}"
    return hints


def mark_namesakes(students: Iterable[Student], *, roster: Iterable[Student] = ()) -> None:
    """Set ``namesake_hint`` on each of ``students`` ("" for a unique name).

    Names collide within ``roster`` (the whole class, when ``students`` are only some of
    it), else within ``students`` themselves.
    """
    students = list(students)
    hints = _hints(list(roster) or students)
    for student in students:
        student.namesake_hint = hints.get(student.pk, "")
