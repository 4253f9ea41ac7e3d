"""The class teacher's day (R-J-4, seed 002 §3.4).

Today's absences of the class whose reason is still unknown, grouped by student, with one
action per student to settle a whole day or chosen lessons and a form to log the call to
the parents. Absences of earlier days of the academic year that are still unknown stay
listed until settled. The page runs a fixed number of queries whatever the class size.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.inputs import InputError, day_from_query, parse_day, parse_id
from audit.services import log_read
from policy.services import school_settings
from schools.models import Guardian, SchoolClass, Student
from schools.namesakes import mark_namesakes
from schools.selectors import get_class_for_user

from ..forms import DayReasonsForm, first_error
from ..models import Mark
from ..selectors import (
    get_guardian_note_of_class,
    guardian_notes_of_class,
    unknown_absences_of_class,
    unmarked_lessons_of_class,
)
from ..services import JournalError, set_reasons
from ..services.guardian_notes import confirm_guardian_note, reject_guardian_note
from ..services.marks import with_marking_times
from ..signals import class_day_panels_for

# Seed 002 §3.4: the class teacher finds out the reasons «до 19.00 часов этого дня».
DEADLINE_SETTING = "journal.unknown_reason_deadline"
PAST_DAYS_PAGE_SIZE = 10


def _get_class(request: HttpRequest, class_id: int) -> SchoolClass:
    return get_class_for_user(request.user, class_id, perm="journal.view_class_attendance")


@dataclass
class DayGroup:
    """One student's unknown absences on one day, with the form that settles them."""

    student: Student
    day: datetime.date
    marks: list[Mark]

    @cached_property
    def form(self) -> DayReasonsForm:
        """Built when shown: the past days not on the page have none."""
        return DayReasonsForm(
            marks=self.marks,
            initial={"student": self.student.pk, "date": self.day},
            auto_id=f"id_reasons_{self.student.pk}_{self.day:%Y%m%d}_%s",
        )


@dataclass
class TodayBlock:
    group: DayGroup
    guardians: list[Guardian]
    panels: list[str]  # added by other apps (journal.signals.class_day_panels)


def _group(marks: list[Mark]) -> list[DayGroup]:
    grouped: dict[tuple[int, datetime.date], list[Mark]] = defaultdict(list)
    for mark in marks:
        grouped[(mark.student_id, mark.date)].append(mark)
    return [DayGroup(ms[0].student, day, ms) for (_, day), ms in grouped.items()]


def _deadline(school, day: datetime.date, today: datetime.date, has_unknown: bool) -> dict:
    time = school_settings(school.pk)[DEADLINE_SETTING]
    deadline = timezone.make_aware(datetime.datetime.combine(day, time))
    if day > today or not has_unknown:
        state = "none"
    elif timezone.now() > deadline:
        state = "overdue"
    else:
        state = "due"
    return {"at": deadline, "state": state}


@login_required
@require_GET
def class_day(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = _get_class(request, class_id)
    today = timezone.localdate()
    day = day_from_query(request, "date", today)
    year_start = school_class.academic_year.start_date
    marks = list(unknown_absences_of_class(school_class, min(year_start, day), day))
    today_groups = _group([m for m in marks if m.date == day])
    past_groups = _group([m for m in marks if m.date < day])
    # Namesakes are told apart within the class, not only among those listed.
    mark_namesakes(
        [group.student for group in (*today_groups, *past_groups)],
        roster=Student.objects.filter(enrollments__school_class=school_class)
        .only("pk", "last_name", "first_name", "birth_date")
        .distinct(),
    )

    student_ids = [group.student.pk for group in today_groups]
    guardians: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in Guardian.objects.filter(student_id__in=student_ids).order_by("pk"):
        guardians[guardian.student_id].append(guardian)
    panels = class_day_panels_for(
        request=request,
        school_class=school_class,
        day=day,
        students=[group.student for group in today_groups],
    )
    blocks = [
        TodayBlock(
            group=group,
            guardians=guardians[group.student.pk],
            panels=panels[group.student.pk],
        )
        for group in today_groups
    ]
    # Parents' notes (issue #15 point 7): those waiting for a decision first.
    notes = sorted(guardian_notes_of_class(school_class, day), key=lambda n: not n.is_pending)
    # Lessons nobody marked are a gap, not «all present» (issue #15 point 8); today's
    # lessons that have not begun yet are not unmarked.
    unmarked = unmarked_lessons_of_class(school_class, day) if day <= today else []
    if day == today and unmarked:
        unmarked = [lesson for lesson in with_marking_times(unmarked) if lesson.opens_at is None]
    # A class that let reasons pile up has a long list of past days: a page at a time.
    past_page = Paginator(past_groups, PAST_DAYS_PAGE_SIZE).get_page(request.GET.get("past_page"))
    # The children listed (names, parents' phones) are logged as read: one entry for the
    # page with their ids, not one per child (152-ФЗ, R-SEC).
    log_read(
        actor=request.user,
        action="journal.class_day.viewed",
        obj=school_class,
        school_id=school_class.school_id,
        student_ids=[
            *(group.student.pk for group in (*today_groups, *past_page)),
            *(note.student_id for note in notes),
        ],
        data={"date": day},
    )
    context = {
        "school_class": school_class,
        "day": day,
        "today": today,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "blocks": blocks,
        "guardian_notes": notes,
        "unmarked_lessons": unmarked,
        "past_page": past_page,
        "past_query": f"date={day:%Y-%m-%d}",
        "past_students": len({group.student.pk for group in past_groups}),
        "deadline": _deadline(school_class.school, day, today, bool(today_groups)),
        "can_settle": request.user.has_perm("journal.settle_reasons", school_class),
    }
    return render(request, "journal/class/day.html", context)


def _back(request: HttpRequest, school_class: SchoolClass, day: datetime.date) -> HttpResponse:
    try:
        back = parse_day(request.POST.get("back"))
    except InputError:
        back = day
    return redirect(f"{reverse('journal:class_day', args=[school_class.pk])}?date={back:%Y-%m-%d}")


@login_required
@require_POST
def class_day_reasons(request: HttpRequest, class_id: int) -> HttpResponse:
    """Set the reason of one student's absences on one day (all of them or chosen lessons)."""
    school_class = _get_class(request, class_id)
    if not request.user.has_perm("journal.settle_reasons", school_class):
        raise PermissionDenied(_("Причины отсутствия устанавливает классный руководитель."))
    try:
        student_id = parse_id(request.POST.get("student"))
        day = parse_day(request.POST.get("date"))
    except InputError as error:
        return HttpResponseBadRequest(
            _("Не указан обучающийся или дата: %(error)s") % {"error": error}
        )
    # «Весь день» means every absence of that day, also those marked after the page loaded.
    candidates = list(
        Mark.objects.filter(
            lesson__school_class_id=school_class.pk,
            student_id=student_id,
            date=day,
            kind=Mark.Kind.ABSENT,
        ).select_related("lesson__subject")
    )
    form = DayReasonsForm(request.POST, marks=candidates)
    if not candidates:
        messages.error(request, _("У обучающегося нет пропусков в этот день."))
    elif not form.is_valid():
        messages.error(request, first_error(form))
    else:
        data = form.cleaned_data
        chosen = candidates
        if data["scope"] == DayReasonsForm.SCOPE_LESSONS:
            chosen = [mark for mark in candidates if mark.pk in set(data["marks"])]
        try:
            set_reasons(
                marks=chosen,
                status=data["status"],
                acting_user=request.user,
                valid_reason=data["valid_reason"],
                note=data["note"],
            )
        except JournalError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(student)s, %(day)s: причина установлена (пропусков: %(count)s).")
                % {
                    "student": chosen[0].student.short_name,
                    "day": f"{day:%d.%m.%Y}",
                    "count": len(chosen),
                },
            )
    return _back(request, school_class, day)


def _note_and_class(request: HttpRequest, class_id: int, note_id: int):
    school_class = _get_class(request, class_id)
    note = get_guardian_note_of_class(school_class, note_id)
    if not request.user.has_perm("journal.settle_reasons", school_class):
        raise PermissionDenied(_("Сообщения родителей рассматривает классный руководитель."))
    return school_class, note


@login_required
@require_POST
def guardian_note_confirm(request: HttpRequest, class_id: int, note_id: int) -> HttpResponse:
    """Confirm a parent's note: its absences get the valid reason (an excuse document)."""
    school_class, note = _note_and_class(request, class_id, note_id)
    try:
        confirm_guardian_note(note=note, acting_user=request.user)
    except JournalError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(student)s: сообщение родителей подтверждено, причина уважительная.")
            % {"student": note.student.short_name},
        )
    return _back(request, school_class, timezone.localdate())


@login_required
@require_POST
def guardian_note_reject(request: HttpRequest, class_id: int, note_id: int) -> HttpResponse:
    """Reject a parent's note: the reasons stay as they are."""
    school_class, note = _note_and_class(request, class_id, note_id)
    comment = (request.POST.get("comment") or "").strip()[:300]
    try:
        reject_guardian_note(note=note, acting_user=request.user, comment=comment)
    except JournalError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(student)s: сообщение родителей отклонено.") % {"student": note.student.short_name},
        )
    return _back(request, school_class, timezone.localdate())
