"""Marking pages of the subject teacher (R-J-1): my lessons, one lesson's roster, unmarked lessons.

The lesson page is the most used page of the product: every tap on a row is one POST that
saves at once and re-renders that row (htmx), and every request runs a fixed number of SQL
queries whatever the size of the class.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.inputs import day_from_query
from schools.models import Student
from schools.namesakes import mark_namesakes

from ..forms import first_error
from ..forms_marking import DateRangeForm, MarkForm
from ..models import Lesson, Mark
from ..selectors import (
    MARKING_RELATED,
    bell_of,
    get_lesson_for_user,
    lessons_taught_on,
    marks_of_lesson,
    read_roster,
    unmarked_lessons_for_user,
)
from ..services import JournalError, confirm_attendance_taken, set_mark, set_mark_once
from ..services.marks import PRESENT, marking_refusal, with_marking_times

# Returned for a refused mark so that the row shows the error; htmx swaps it (see lesson.html).
UNPROCESSABLE = 422


@dataclass
class MarkRow:
    student: Student | None
    mark: Mark | None
    error: str = ""

    @property
    def state(self) -> str:
        return self.mark.kind if self.mark is not None else PRESENT


def _counts(rows: list[MarkRow]) -> dict:
    absent = sum(1 for row in rows if row.state == Mark.Kind.ABSENT)
    late = sum(1 for row in rows if row.state == Mark.Kind.LATE)
    return {"total": len(rows), "absent": absent, "late": late, "present": len(rows) - absent}


def _lesson_rows(lesson: Lesson, errors: dict[int, str] | None = None) -> list[MarkRow]:
    """One row per student on the roster with their stored mark: two queries (one when the
    lesson's roster has been read, as a tap reads it)."""
    errors = errors or {}
    marks = marks_of_lesson(lesson)
    roster = read_roster(lesson)
    mark_namesakes(roster)
    return [
        MarkRow(student, marks.get(student.pk), errors.get(student.pk, "")) for student in roster
    ]


# What the lesson's page joins to it; its teacher and who took attendance are mostly the
# user who opens it (_with_user_as_known), else one query each: a join of seven tables cost
# PostgreSQL ~2 ms to plan and the ORM ~1 ms to build.
LESSON_PAGE_JOINED = ("school_class", "subject", "group")


def _with_user_as_known(lesson: Lesson, user) -> None:
    """The lesson's teacher and who took its attendance, when that is ``user``, without a
    query (the page's header and status line name them)."""
    if lesson.teacher_id == user.pk:
        lesson.teacher = user
    if lesson.attendance_taken_by_id == user.pk:
        lesson.attendance_taken_by = user


def _lesson_page(request, lesson: Lesson, *, errors: dict[int, str] | None = None, status=200):
    errors = errors or {}
    rows = _lesson_rows(lesson, errors)
    on_roster = {row.student.pk for row in rows}
    bell = bell_of(lesson)
    refusal = marking_refusal(request.user, lesson, bell=bell)
    context = {
        "lesson": lesson,
        "bell": bell,
        "rows": rows,
        "counts": _counts(rows),
        "mark_url": reverse("journal:lesson_mark", args=[lesson.pk]),
        "can_mark": not refusal,
        "refusal": refusal,
        # A refusal about a student who is not (any more) on the roster has no row to sit by.
        "orphan_errors": [error for pk, error in errors.items() if pk not in on_roster],
    }
    return render(request, "journal/marking/lesson.html", context, status=status)


@login_required
@require_GET
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_lesson_for_user(request.user, lesson_id, related=LESSON_PAGE_JOINED)
    _with_user_as_known(lesson, request.user)
    return _lesson_page(request, lesson)


def _row_response(request, lesson: Lesson, student_id: int, error: str) -> HttpResponse:
    """The re-rendered row of one student plus the header counts (htmx out-of-band swap).

    After a refusal the row shows what is stored. The class is loaded whole (it is small)
    so that the counts cost no more queries than the row; the tap has read its roster.
    """
    rows = _lesson_rows(lesson)
    row = next((row for row in rows if row.student.pk == student_id), MarkRow(None, None))
    row.error = error
    context = {
        "lesson": lesson,
        "row": row,
        "can_mark": True,
        "mark_url": reverse("journal:lesson_mark", args=[lesson.pk]),
        "counts": _counts(rows),
        "oob": True,
    }
    status = UNPROCESSABLE if error else 200
    return render(request, "journal/marking/_mark_row_response.html", context, status=status)


def _posted_student_id(data) -> int:
    """The row the answer belongs to, even when the form is invalid (0 when unreadable)."""
    try:
        return int(data.get("student", ""))
    except ValueError:
        return 0


def _save_mark(user, lesson: Lesson, data: dict) -> None:
    """One tap; with the page's key (a tap kept offline, a resend) at most once per key."""
    asked = {
        "lesson": lesson,
        "student_id": data["student"],
        "kind": data["kind"],
        "minutes_late": data["minutes_late"],
        "acting_user": user,
    }
    if data["client_key"]:
        set_mark_once(client_key=data["client_key"], **asked)
    else:
        set_mark(**asked)


@login_required
@require_POST
def lesson_mark(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Save one student's mark. JournalPermissionDenied propagates as 403.

    The page sends each tap with its own ``client_key``: a repeat of a key stored before
    changes nothing and answers the row as it is now."""
    lesson = get_lesson_for_user(request.user, lesson_id, related=MARKING_RELATED)
    form = MarkForm(request.POST)
    student_id = _posted_student_id(request.POST)
    _with_user_as_known(lesson, request.user)
    # Read once, for the service's check that the student is on it and for the row's answer.
    read_roster(lesson)
    error = ""
    if not form.is_valid():
        error = form.first_error()
    else:
        try:
            _save_mark(request.user, lesson, form.cleaned_data)
        except JournalError as refusal:
            error = str(refusal)
    if request.htmx:
        return _row_response(request, lesson, student_id, error)
    if error:
        return _lesson_page(request, lesson, errors={student_id: error}, status=UNPROCESSABLE)
    url = reverse("journal:lesson", args=[lesson.pk])
    return redirect(f"{url}#student-{student_id}")


@login_required
@require_POST
def lesson_confirm(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """«Все остальные присутствуют»: attendance is taken, the rest are present."""
    lesson = get_lesson_for_user(request.user, lesson_id)
    error = ""
    try:
        confirm_attendance_taken(lesson=lesson, acting_user=request.user)
    except JournalError as refusal:
        error = str(refusal)
    if request.htmx:
        context = {"lesson": lesson, "counts": _counts(_lesson_rows(lesson)), "status_error": error}
        status = UNPROCESSABLE if error else 200
        return render(request, "journal/marking/_lesson_status.html", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Посещаемость урока отмечена."))
    return redirect("journal:lesson", lesson.pk)


@login_required
@require_GET
def my_lessons(request: HttpRequest) -> HttpResponse:
    """The lessons the user teaches on one day (substitutions included)."""
    day = day_from_query(request, "date", timezone.localdate())
    lessons = list(lessons_taught_on(request.user, day))
    with_marking_times(lessons)
    context = {
        "day": day,
        "today": timezone.localdate(),
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "lessons": lessons,
    }
    return render(request, "journal/marking/my_lessons.html", context)


@dataclass
class TeacherGroup:
    teacher: object
    lessons: list[Lesson]

    @property
    def count(self) -> int:
        return len(self.lessons)


@login_required
@require_GET
def unmarked_lessons(request: HttpRequest) -> HttpResponse:
    """Lessons whose attendance was not taken, grouped by teacher, most first."""
    form = DateRangeForm(request.GET)
    date_from, date_to = form.period()
    if not form.is_valid() and not form.non_field_errors():  # those the page shows itself
        messages.warning(request, first_error(form))
    lessons, whole_school = unmarked_lessons_for_user(request.user, date_from, date_to)
    # Today's lessons that have not begun are not unmarked yet.
    lessons = [lesson for lesson in with_marking_times(list(lessons)) if lesson.opens_at is None]
    groups = [
        TeacherGroup(teacher, list(items))
        for teacher, items in itertools.groupby(lessons, key=lambda lesson: lesson.teacher)
    ]
    groups.sort(key=lambda group: -group.count)
    context = {
        "form": form,
        "date_from": date_from,
        "date_to": date_to,
        "groups": groups,
        "total": sum(group.count for group in groups),
        "whole_school": whole_school,
    }
    return render(request, "journal/marking/unmarked.html", context)
