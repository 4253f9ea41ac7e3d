"""Telling namesakes apart on a roster: two children called «Иванова Мария» in one class.

A list shows a child by surname and first name; when that collides within the list, each of
the namesakes gets a hint: the date of birth, and a number when that collides too.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .models import Student


def _name_key(student: Student) -> str:
    return f"{student.last_name} {student.first_name}".casefold().replace("ё", "е")


def mark_namesakes(students: Iterable[Student]) -> None:
    """Set ``namesake_hint`` on every student of the list ("" for a unique name)."""
    students = list(students)
    by_name = defaultdict(list)
    for student in students:
        by_name[_name_key(student)].append(student)
    for student in students:
        student.namesake_hint = ""
    for namesakes in by_name.values():
        if len({student.pk for student in namesakes}) < 2:
            continue
        by_birth = defaultdict(list)
        for student in namesakes:
            by_birth[student.birth_date].append(student)
        for birth_date, twins in by_birth.items():
            born = _("р. %(date)s") % {"date": f"{birth_date:%d.%m.%Y}"}
            for number, student in enumerate(twins, start=1):
                student.namesake_hint = born if len(twins) == 1 else f"{born}, № {number}"
