"""A municipal specialist's page: the directors, deputies and administrators of the
municipality's schools, appointed and revoked here (R-SEC: a school administrator may not
grant these roles; until this page only a superuser could, in the Django admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.services import RoleError, assign_role
from accounts.services_staff import StaffError, create_staff_member
from schools.models import School

from ..forms import AppointForm, NewLeaderForm
from ..selectors import get_managed_municipality, leadership_candidates, leadership_rows
from . import error_text


@login_required
def leadership(request, municipality_id: int):
    municipality = get_managed_municipality(request.user, municipality_id)
    schools = School.objects.filter(municipality=municipality).order_by("short_name")
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if data else None
    appoint = AppointForm(
        data if action == "appoint" else None,
        prefix="appoint",
        schools=schools,
        candidates=leadership_candidates(municipality),
    )
    new = NewLeaderForm(data if action == "new" else None, prefix="new", schools=schools)
    if action == "appoint" and appoint.is_valid():
        person = appoint.cleaned_data["person"]
        try:
            assign_role(
                user=person,
                role=appoint.cleaned_data["role"],
                school=appoint.cleaned_data["school"],
                acting_user=request.user,
            )
        except RoleError as error:
            appoint.add_error(None, error_text(error))
        else:
            messages.success(request, _("Назначение сохранено: %(name)s.") % {"name": person})
            return redirect("administration:leadership", municipality_id=municipality.pk)
    if action == "new" and new.is_valid():
        fields = dict(new.cleaned_data)
        school = fields.pop("school")
        try:
            created = create_staff_member(school=school, acting_user=request.user, **fields)
        except (StaffError, RoleError) as error:
            new.add_error(None, error_text(error))
        else:
            context = {"school": school, "created": created, "municipality": municipality}
            return render(request, "administration/staff_created.html", context)
    context = {
        "municipality": municipality,
        "rows": leadership_rows(municipality),
        "appoint_form": appoint,
        "new_form": new,
    }
    return render(request, "administration/leadership.html", context)
