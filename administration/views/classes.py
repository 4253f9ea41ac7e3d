"""Classes of the current academic year: list, open, change, close (R-A).

Views are thin: a form checks the shape, ``schools.services_classes`` decides and writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.services_classes import (
    ClassError,
    change_class,
    class_teacher_candidates,
    close_class,
    open_class,
)

from ..forms import ClassForm
from ..selectors import class_rows, current_year, get_managed_class, get_managed_school


@login_required
def class_list(request, school_id: int):
    school = get_managed_school(request.user, school_id)
    year = current_year(school)
    context = {
        "school": school,
        "year": year,
        "classes": list(class_rows(year)) if year else [],
    }
    return render(request, "administration/classes.html", context)


@login_required
def class_add(request, school_id: int):
    school = get_managed_school(request.user, school_id)
    year = current_year(school)
    if year is None:
        messages.error(request, _("В школе нет учебного года: класс открыть некуда."))
        return redirect("administration:classes", school_id=school.pk)
    form = ClassForm(request.POST or None, candidates=class_teacher_candidates(school))
    if request.method == "POST" and form.is_valid():
        try:
            school_class = open_class(
                academic_year=year, acting_user=request.user, **form.cleaned_data
            )
        except ClassError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Класс %(cls)s открыт.") % {"cls": school_class})
            return redirect("administration:classes", school_id=school.pk)
    context = {"school": school, "year": year, "form": form}
    return render(request, "administration/class_form.html", context)


@login_required
def class_edit(request, class_id: int):
    school_class = get_managed_class(request.user, class_id)
    school = school_class.school
    initial = {
        "grade": school_class.grade,
        "letter": school_class.letter,
        "class_teacher": school_class.class_teacher_id,
    }
    form = ClassForm(
        request.POST or None, initial=initial, candidates=class_teacher_candidates(school)
    )
    if request.method == "POST" and form.is_valid():
        try:
            change_class(school_class=school_class, acting_user=request.user, **form.cleaned_data)
        except ClassError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Класс %(cls)s сохранён.") % {"cls": school_class})
            return redirect("administration:classes", school_id=school.pk)
    context = {
        "school": school,
        "year": school_class.academic_year,
        "school_class": school_class,
        "form": form,
    }
    return render(request, "administration/class_form.html", context)


@require_POST
@login_required
def class_close(request, class_id: int):
    school_class = get_managed_class(request.user, class_id)
    try:
        close_class(school_class=school_class, acting_user=request.user)
    except ClassError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Класс %(cls)s закрыт.") % {"cls": school_class})
    return redirect("administration:classes", school_id=school_class.school_id)
