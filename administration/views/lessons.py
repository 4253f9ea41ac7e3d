"""A term's lessons made from the timetable template, with a preview of every change
(``journal.timetable.plan_lessons`` / ``apply_lesson_plan``), and a day's lessons with
replacements and cancellations (``replace_teacher``, ``cancel_lesson``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journal.models import Term
from journal.services.errors import JournalError
from journal.timetable import (
    apply_lesson_plan,
    cancel_lesson,
    plan_lessons,
    replace_teacher,
    restore_lesson,
)
from journal.timetable_template import teacher_candidates
from schools.models import SchoolClass
from schools.selectors import get_school_for_user

from ..forms_timetable import ApplyForm, CancelForm, GenerationForm, LessonDayForm, ReplaceForm
from ..selectors import current_year, get_managed_school
from ..selectors_timetable import ARRANGE, day_lessons, get_arranged_lesson, year_terms

# Rows of each list the preview shows; the counts are always whole.
PREVIEW_ROWS = 200


def _generation_form(school, year, data):
    classes = SchoolClass.objects.filter(academic_year=year) if year else SchoolClass.objects.none()
    terms = year_terms(year) if year else Term.objects.none()
    form_class = ApplyForm if "fingerprint" in (data or {}) else GenerationForm
    return form_class(data, terms=terms, classes=classes.order_by("grade", "letter"))


@login_required
def generation(request, school_id: int):
    """GET with a term: the preview. POST: apply the previewed plan."""
    school = get_managed_school(request.user, school_id)
    year = current_year(school)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = _generation_form(school, year, data)
    plan = None
    if form.is_bound and form.is_valid():
        start, end = form.dates()
        school_class = form.cleaned_data["school_class"]
        if request.method == "POST":
            try:
                plan = apply_lesson_plan(
                    school=school,
                    start=start,
                    end=end,
                    school_class=school_class,
                    fingerprint=form.cleaned_data.get("fingerprint", ""),
                    acting_user=request.user,
                )
            except JournalError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Уроки созданы: добавлено %(added)d, изменено %(changed)d, убрано "
                        "%(removed)d, оставлено без изменений %(kept)d."
                    )
                    % {
                        "added": len(plan.to_add),
                        "changed": len(plan.to_change),
                        "removed": len(plan.to_remove),
                        "kept": len(plan.kept),
                    },
                )
            query = {"term": form.cleaned_data["term"].pk}
            if form.cleaned_data.get("start"):
                query["start"] = form.cleaned_data["start"].isoformat()
            if school_class is not None:
                query["school_class"] = school_class.pk
            url = reverse("administration:lesson_generation", args=[school.pk])
            return redirect(f"{url}?{urlencode(query)}")
        plan = plan_lessons(school=school, start=start, end=end, school_class=school_class)
    elif request.method == "POST":
        messages.error(request, _("Проверьте период и даты."))
    context = {
        "school": school,
        "year": year,
        "form": form,
        "plan": plan,
        "rows": PREVIEW_ROWS,
    }
    return render(request, "administration/lesson_generation.html", context)


@login_required
def lessons(request, school_id: int):
    """A day's lessons of the school or of one class, each with its replacement and
    cancellation (the deputy arranges them; the other administration pages are not theirs)."""
    school = get_school_for_user(request.user, school_id, perm=ARRANGE)
    year = current_year(school)
    classes = SchoolClass.objects.filter(academic_year=year) if year else SchoolClass.objects.none()
    day, school_class = timezone.localdate(), None
    form = LessonDayForm(
        request.GET or None, classes=classes.order_by("grade", "letter"), initial={"date": day}
    )
    if form.is_bound:
        if form.is_valid():
            day = form.cleaned_data["date"] or day
            school_class = form.cleaned_data["school_class"]
        else:
            messages.warning(
                request, _("Дата или класс указаны неверно: показан сегодняшний день.")
            )
    context = {
        "school": school,
        "form": form,
        "day": day,
        "school_class": school_class,
        "lessons": day_lessons(school, day, school_class),
        "teachers": list(teacher_candidates(school)),
        "manages_school": request.user.has_perm("schools.manage_school", school),
    }
    return render(request, "administration/lessons.html", context)


def _back(request, lesson):
    url = reverse("administration:lessons", args=[lesson.school_id])
    return redirect(f"{url}?{urlencode({'date': lesson.date.isoformat()})}")


@require_POST
@login_required
def lesson_replace(request, lesson_id: int):
    lesson = get_arranged_lesson(request.user, lesson_id)
    form = ReplaceForm(request.POST, teachers=teacher_candidates(lesson.school))
    if not form.is_valid():
        messages.error(request, _("Выберите замещающего учителя из списка."))
        return _back(request, lesson)
    try:
        replace_teacher(
            lesson=lesson, teacher=form.cleaned_data["teacher"], acting_user=request.user
        )
    except JournalError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Замена назначена: %(lesson)s — %(teacher)s.")
            % {"lesson": lesson, "teacher": form.cleaned_data["teacher"].full_name},
        )
    return _back(request, lesson)


@require_POST
@login_required
def lesson_cancel(request, lesson_id: int):
    lesson = get_arranged_lesson(request.user, lesson_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите причину отмены урока (до 300 символов)."))
        return _back(request, lesson)
    try:
        cancel_lesson(lesson=lesson, reason=form.cleaned_data["reason"], acting_user=request.user)
    except JournalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Урок отменён: %(lesson)s.") % {"lesson": lesson})
    return _back(request, lesson)


@require_POST
@login_required
def lesson_restore(request, lesson_id: int):
    lesson = get_arranged_lesson(request.user, lesson_id)
    try:
        restore_lesson(lesson=lesson, acting_user=request.user)
    except JournalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Урок снова по расписанию: %(lesson)s.") % {"lesson": lesson})
    return _back(request, lesson)
