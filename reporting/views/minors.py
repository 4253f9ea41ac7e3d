"""The pages where the deputy director, the director and the social pedagogue keep the
children the weekly report names that the journal does not know (``reporting.minors``):
the list by section of the report, adding a child, correcting a row, removing a child from
the register (or undoing a removal made by mistake)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.inputs import id_or_none

from .. import minors, rules_minors  # noqa: F401  (rules_minors declares the permissions)
from ..forms_minors import MinorForm, RemoveForm
from ..models import TrackedMinor
from ..services import ReportError

REMOVED_SHOWN = 50


def _schools(request: HttpRequest):
    if not request.user.has_perm("reporting.open_tracked_minors"):
        raise PermissionDenied
    return minors.keeper_schools(request.user)


def _chosen_school(request: HttpRequest, schools):
    """The school of ``?school=`` among the user's, else their first; 404 for another's."""
    raw = request.GET.get("school", "")
    if not raw:
        school = schools.first()
        if school is None:
            raise PermissionDenied
        return school
    school_id = id_or_none(raw)
    if school_id is None:
        raise Http404
    school = schools.filter(pk=school_id).first()
    if school is None:
        raise Http404
    return school


def _list_url(school) -> str:
    return f"{reverse('reporting:minors')}?school={school.pk}"


@login_required
def minor_list(request: HttpRequest) -> HttpResponse:
    schools = _schools(request)
    school = _chosen_school(request, schools)
    rows = list(minors.minors_of(school).order_by("full_name", "pk"))
    for minor in rows:
        minor.details = _details(minor)
    sections = [
        {
            "category": category,
            "label": label,
            "minors": [m for m in rows if m.category == category and m.removed_on is None],
        }
        for category, label in TrackedMinor.Category.choices
    ]
    removed = sorted(
        (m for m in rows if m.removed_on is not None),
        key=lambda m: (m.removed_on, m.pk),
        reverse=True,
    )
    return render(
        request,
        "reporting/minors/list.html",
        {
            "school": school,
            "schools": schools if len(schools) > 1 else [],
            "sections": sections,
            "removed": removed[:REMOVED_SHOWN],
            "removed_more": max(0, len(removed) - REMOVED_SHOWN),
        },
    )


def _details(minor: TrackedMinor) -> str:
    """The row's facts in one line: course, school, education, whereabouts, term."""
    parts = [
        _("курс %(course)s") % {"course": minor.course} if minor.course else "",
        minor.previous_school,
        minor.education,
        minor.whereabouts,
    ]
    term = []
    if minor.since:
        term.append(_("с %(date)s") % {"date": f"{minor.since:%d.%m.%Y}"})
    if minor.until:
        term.append(_("по %(date)s") % {"date": f"{minor.until:%d.%m.%Y}"})
    parts.append(" ".join(term))
    return " · ".join(part for part in parts if part)


@login_required
def minor_add(request: HttpRequest) -> HttpResponse:
    school = _chosen_school(request, _schools(request))
    category = request.GET.get("category")
    initial = {"category": category} if category in TrackedMinor.Category.values else {}
    form = MinorForm(request.POST or None, students=minors.school_students(school), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            minors.add_minor(school=school, acting_user=request.user, **form.cleaned_data)
        except ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ребёнок поставлен на учёт."))
            return redirect(_list_url(school))
    return render(
        request,
        "reporting/minors/form.html",
        {"school": school, "form": form, "minor": None},
    )


@login_required
def minor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    minor = minors.get_minor_for_user(request.user, pk)
    initial = {name: getattr(minor, name) for name in minors.FIELDS}
    form = MinorForm(
        request.POST or None, students=minors.school_students(minor.school), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            minors.change_minor(minor=minor, acting_user=request.user, **form.cleaned_data)
        except ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(_list_url(minor.school))
    return render(
        request,
        "reporting/minors/form.html",
        {"school": minor.school, "form": form, "minor": minor},
    )


@login_required
def minor_remove(request: HttpRequest, pk: int) -> HttpResponse:
    minor = minors.get_minor_for_user(request.user, pk)
    form = RemoveForm(
        request.POST or None,
        initial={"removed_on": timezone.localdate(), "removal_note": minor.removal_note},
    )
    if request.method == "POST" and request.POST.get("action") == "restore":
        try:
            minors.restore_minor(minor=minor, acting_user=request.user)
        except ReportError as error:
            form = RemoveForm(initial=form.initial)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ребёнок снова на учёте."))
            return redirect(_list_url(minor.school))
    elif request.method == "POST" and form.is_valid():
        try:
            minors.remove_minor(
                minor=minor,
                removed_on=form.cleaned_data["removed_on"],
                note=form.cleaned_data["removal_note"],
                acting_user=request.user,
            )
        except ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ребёнок снят с учёта."))
            return redirect(_list_url(minor.school))
    return render(request, "reporting/minors/remove.html", {"minor": minor, "form": form})


urlpatterns = [
    path("minors/", minor_list, name="minors"),
    path("minors/add/", minor_add, name="minor_add"),
    path("minors/<int:pk>/", minor_edit, name="minor_edit"),
    path("minors/<int:pk>/remove/", minor_remove, name="minor_remove"),
]
