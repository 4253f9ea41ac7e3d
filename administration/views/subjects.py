"""Subjects of a school: list with the form to add one, rename, archive and restore (R-A)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schools.services_subjects import (
    SubjectError,
    add_subject,
    rename_subject,
    set_subject_archived,
)

from ..forms import SubjectForm
from ..selectors import get_managed_school, get_managed_subject, subject_rows


@login_required
def subject_list(request, school_id: int):
    school = get_managed_school(request.user, school_id)
    form = SubjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject = add_subject(school=school, acting_user=request.user, **form.cleaned_data)
        except SubjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Предмет «%(name)s» добавлен.") % {"name": subject})
            return redirect("administration:subjects", school_id=school.pk)
    context = {"school": school, "subjects": list(subject_rows(school)), "form": form}
    return render(request, "administration/subjects.html", context)


@login_required
def subject_edit(request, subject_id: int):
    subject = get_managed_subject(request.user, subject_id)
    initial = {"name": subject.name, "short_name": subject.short_name}
    form = SubjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rename_subject(subject=subject, acting_user=request.user, **form.cleaned_data)
        except SubjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Предмет сохранён."))
            return redirect("administration:subjects", school_id=subject.school_id)
    context = {"school": subject.school, "subject": subject, "form": form}
    return render(request, "administration/subject_form.html", context)


@require_POST
@login_required
def subject_archive(request, subject_id: int):
    subject = get_managed_subject(request.user, subject_id)
    archived = request.POST.get("archived") != "0"
    try:
        set_subject_archived(subject=subject, archived=archived, acting_user=request.user)
    except SubjectError as error:
        messages.error(request, str(error))
    else:
        text = (
            _("Предмет «%(name)s» в архиве.")
            if archived
            else _("Предмет «%(name)s» снова в списке.")
        )
        messages.success(request, text % {"name": subject})
    return redirect("administration:subjects", school_id=subject.school_id)
