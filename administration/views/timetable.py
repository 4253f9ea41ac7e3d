"""The weekly timetable template of each class and subgroup, and the school's bells (R-CAL-3).

Views are thin: a form checks the shape, ``journal.timetable_template`` (lines, bells) and
``schools.services_classes`` (subgroups) decide and write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from journal.models import GradeBandWeek
from journal.services.errors import JournalError
from journal.timetable_template import (
    add_entry,
    change_entry,
    remove_bell_period,
    remove_entry,
    save_bell_period,
    teacher_candidates,
)
from schools.services_classes import ClassError, add_group, remove_group, set_group_students

from ..forms_timetable import (
    BellForm,
    EntryChangeForm,
    EntryForm,
    EntryRemoveForm,
    GroupForm,
    GroupStudentsForm,
)
from ..selectors import current_year, get_managed_class, get_managed_school
from ..selectors_timetable import (
    bell_periods,
    class_groups,
    class_students,
    class_template,
    get_managed_bell,
    get_managed_entry,
    get_managed_group,
    timetable_classes,
)


@login_required
def timetable(request, school_id: int):
    """The classes of the current year with their number of template lines."""
    school = get_managed_school(request.user, school_id)
    year = current_year(school)
    context = {
        "school": school,
        "year": year,
        "classes": list(timetable_classes(year)) if year else [],
        "bells": bell_periods(school),
    }
    return render(request, "administration/timetable.html", context)


def _week_length(school_class) -> int:
    band = GradeBandWeek.objects.filter(
        school_id=school_class.school_id,
        grade_from__lte=school_class.grade,
        grade_to__gte=school_class.grade,
    ).first()
    return band.week_length if band else school_class.school.week_length


def _entry_form(school_class, data=None, form_class=EntryForm, **kwargs):
    school = school_class.school
    periods = [bell.number for bell in bell_periods(school)]
    return form_class(
        data,
        school_class=school_class,
        teachers=teacher_candidates(school),
        periods=periods,
        **kwargs,
    )


@login_required
def timetable_class(request, class_id: int):
    """A class's week: its lines by weekday, the form to add one, its subgroups."""
    school_class = get_managed_class(request.user, class_id)
    initial = {"weekday": request.GET.get("weekday"), "period": request.GET.get("period")}
    form = _entry_form(school_class, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = add_entry(
                school_class=school_class, acting_user=request.user, **form.cleaned_data
            )
        except JournalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Добавлено: %(day)s, %(n)d-й урок — %(subject)s.")
                % {
                    "day": entry.get_weekday_display(),
                    "n": entry.period,
                    "subject": entry.subject,
                },
            )
            return redirect("administration:timetable_class", class_id=school_class.pk)
    context = {
        "school": school_class.school,
        "school_class": school_class,
        "days": class_template(school_class, _week_length(school_class)),
        "today": timezone.localdate(),
        "groups": list(class_groups(school_class)),
        "form": form,
        "group_form": GroupForm(),
    }
    return render(request, "administration/timetable_class.html", context)


@login_required
def entry_edit(request, entry_id: int):
    entry = get_managed_entry(request.user, entry_id)
    school_class = entry.school_class
    today = timezone.localdate()
    initial = {
        "weekday": entry.weekday,
        "period": entry.period,
        "subject": entry.subject_id,
        "teacher": entry.teacher_id,
        "group": entry.group_id,
        "room": entry.room,
        "from_date": max(today, entry.valid_from),
    }
    form = _entry_form(
        school_class, request.POST or None, form_class=EntryChangeForm, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = change_entry(entry=entry, acting_user=request.user, **form.cleaned_data)
        except JournalError as error:
            form.add_error(None, str(error))
        else:
            if changed is None:
                messages.info(request, _("Изменений нет."))
            else:
                messages.success(
                    request,
                    _(
                        "Строка расписания сохранена. Чтобы изменились уже созданные уроки, "
                        "создайте уроки периода заново."
                    ),
                )
            return redirect("administration:timetable_class", class_id=school_class.pk)
    context = {
        "school": school_class.school,
        "school_class": school_class,
        "entry": entry,
        "form": form,
        "remove_form": EntryRemoveForm(initial={"from_date": max(today, entry.valid_from)}),
    }
    return render(request, "administration/timetable_entry.html", context)


@require_POST
@login_required
def entry_remove(request, entry_id: int):
    entry = get_managed_entry(request.user, entry_id)
    form = EntryRemoveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("administration:timetable_entry", entry_id=entry.pk)
    deleted = remove_entry(entry=entry, acting_user=request.user, **form.cleaned_data)
    if deleted:
        messages.success(request, _("Строка расписания удалена."))
    else:
        messages.success(
            request,
            _(
                "Строка убрана из расписания с %(date)s. Уроки, созданные по ней на эти дни, "
                "уберёт следующее создание уроков (уроки с отметками останутся)."
            )
            % {"date": f"{form.cleaned_data['from_date']:%d.%m.%Y}"},
        )
    return redirect("administration:timetable_class", class_id=entry.school_class_id)


@require_POST
@login_required
def group_add(request, class_id: int):
    school_class = get_managed_class(request.user, class_id)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group = add_group(
                school_class=school_class, acting_user=request.user, **form.cleaned_data
            )
        except ClassError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Подгруппа «%(name)s» создана: отметьте её обучающихся.") % {"name": group.name},
            )
            return redirect("administration:group_edit", group_id=group.pk)
    else:
        messages.error(request, _("Укажите название подгруппы (до 100 символов)."))
    return redirect("administration:timetable_class", class_id=school_class.pk)


@login_required
def group_edit(request, group_id: int):
    group = get_managed_group(request.user, group_id)
    school_class = group.school_class
    form = GroupStudentsForm(
        request.POST or None,
        students=class_students(school_class),
        initial={"students": list(group.students.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_group_students(
                group=group, students=form.cleaned_data["students"], acting_user=request.user
            )
        except ClassError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Состав подгруппы сохранён."))
            return redirect("administration:timetable_class", class_id=school_class.pk)
    context = {
        "school": school_class.school,
        "school_class": school_class,
        "group": group,
        "form": form,
    }
    return render(request, "administration/timetable_group.html", context)


@require_POST
@login_required
def group_remove(request, group_id: int):
    group = get_managed_group(request.user, group_id)
    try:
        remove_group(group=group, acting_user=request.user)
    except ClassError as error:
        messages.error(request, str(error))
        return redirect("administration:group_edit", group_id=group.pk)
    messages.success(request, _("Подгруппа «%(name)s» удалена.") % {"name": group.name})
    return redirect("administration:timetable_class", class_id=group.school_class_id)


@login_required
def bells(request, school_id: int):
    school = get_managed_school(request.user, school_id)
    form = BellForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_bell_period(school=school, acting_user=request.user, **form.cleaned_data)
        except JournalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Звонок добавлен."))
            return redirect("administration:bells", school_id=school.pk)
    context = {"school": school, "bells": bell_periods(school), "form": form}
    return render(request, "administration/bells.html", context)


@login_required
def bell_edit(request, period_id: int):
    period = get_managed_bell(request.user, period_id)
    initial = {
        "number": period.number,
        "start_time": period.start_time,
        "end_time": period.end_time,
    }
    form = BellForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_bell_period(
                school=period.school, period=period, acting_user=request.user, **form.cleaned_data
            )
        except JournalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Звонок сохранён."))
            return redirect("administration:bells", school_id=period.school_id)
    context = {"school": period.school, "period": period, "form": form}
    return render(request, "administration/bell_form.html", context)


@require_POST
@login_required
def bell_remove(request, period_id: int):
    period = get_managed_bell(request.user, period_id)
    try:
        remove_bell_period(period=period, acting_user=request.user)
    except JournalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Звонок удалён."))
    return redirect("administration:bells", school_id=period.school_id)
