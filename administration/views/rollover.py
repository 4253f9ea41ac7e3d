"""Year-end rollover of a school (issue #15 point 2): a preview of every change, then the
apply in one transaction (``schools.rollover``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.inputs import InputError, parse_id
from audit.services import log_read
from schools.models import AcademicYear
from schools.rollover import RolloverError, apply_rollover, plan_rollover

from ..forms_rollover import ApplyRolloverForm, RolloverForm
from ..selectors import current_year, get_managed_school


def _ids(values) -> list[int] | None:
    """The repeaters' ids; None when one is not an id."""
    try:
        return [parse_id(value) for value in values]
    except InputError:
        return None


@login_required
def rollover(request, school_id: int):
    """GET: the year to roll over and the preview of its rollover. POST: apply it."""
    school = get_managed_school(request.user, school_id)
    years = AcademicYear.objects.filter(school=school).order_by("-start_date")
    if request.method == "POST":
        form = ApplyRolloverForm(request.POST, years=years)
        repeaters = _ids(request.POST.getlist("repeaters"))
        if form.is_valid() and repeaters is not None:
            year = form.cleaned_data["year"]
            try:
                plan = apply_rollover(
                    year=year,
                    fingerprint=form.cleaned_data["fingerprint"],
                    repeaters=repeaters,
                    acting_user=request.user,
                )
            except RolloverError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Переход в %(year)s учебный год выполнен: переведено %(promoted)d, "
                        "выпущено %(graduated)d, оставлено на повторное обучение "
                        "%(repeaters)d, открыто первых классов: %(first)d."
                    )
                    % {
                        "year": plan.target,
                        "promoted": plan.promoted_count,
                        "graduated": plan.graduate_count,
                        "repeaters": len(plan.repeaters),
                        "first": len(plan.first_grades),
                    },
                )
            url = reverse("administration:rollover", args=[school.pk])
            return redirect(f"{url}?{urlencode({'year': year.pk})}")
        messages.error(request, _("Выберите учебный год и обучающихся из списка."))
    default = current_year(school)
    form = RolloverForm(
        request.GET or None, years=years, initial={"year": default.pk if default else None}
    )
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else default
    plan = plan_rollover(year=year) if year is not None else None
    if plan is not None:
        student_ids = [s.pk for step in plan.steps for s in step.students]
        if student_ids:
            log_read(
                actor=request.user,
                action="administration.rollover.viewed",
                obj=school,
                school_id=school.pk,
                student_ids=student_ids,
            )
    context = {"school": school, "form": form, "year": year, "plan": plan}
    return render(request, "administration/rollover.html", context)
