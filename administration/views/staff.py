"""A school's staff and their roles (R-A, R-SEC): the list, taking a person on, granting and
revoking a role, deactivating a person.

Roles change only through ``accounts.services.assign_role`` / ``revoke_role``, which refuse
what the acting user may not do (``check_role_change``); the pages offer only what
``grantable_roles`` allows, and show the services' Russian refusal for anything else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import RoleAssignment
from accounts.services import RoleError, assign_role, grantable_roles, revoke_role
from accounts.services_staff import StaffError, create_staff_member, deactivate_staff_member

from ..forms import GrantRoleForm, StaffForm
from ..selectors import get_assignment, get_staff_member, get_staff_school, staff_rows
from . import error_text


@login_required
def staff_list(request, school_id: int):
    school = get_staff_school(request.user, school_id)
    context = {
        "school": school,
        "rows": staff_rows(school),
        "can_add": bool(grantable_roles(request.user, school)),
    }
    return render(request, "administration/staff.html", context)


@login_required
def staff_add(request, school_id: int):
    school = get_staff_school(request.user, school_id)
    roles = grantable_roles(request.user, school)
    if not roles:
        raise PermissionDenied
    form = StaffForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            created = create_staff_member(
                school=school, acting_user=request.user, **form.cleaned_data
            )
        except (StaffError, RoleError) as error:
            form.add_error(None, error_text(error))
        else:
            # Shown in this answer only: the password is stored nowhere in clear.
            return render(
                request, "administration/staff_created.html", {"school": school, "created": created}
            )
    return render(request, "administration/staff_form.html", {"school": school, "form": form})


def _member_context(request, school, person) -> dict:
    assignments = list(RoleAssignment.objects.filter(user=person, school=school).order_by("role"))
    allowed = grantable_roles(request.user, school) if person != request.user else frozenset()
    held = {a.role for a in assignments}
    return {
        "school": school,
        "person": person,
        "assignments": [(a, a.role in allowed) for a in assignments],
        "grant_form": GrantRoleForm(roles=allowed - held) if allowed - held else None,
        "can_deactivate": bool(assignments) and held <= allowed,
    }


@login_required
def staff_member(request, school_id: int, user_id: int):
    school = get_staff_school(request.user, school_id)
    person = get_staff_member(school, user_id)
    return render(
        request, "administration/staff_member.html", _member_context(request, school, person)
    )


@require_POST
@login_required
def staff_grant(request, school_id: int, user_id: int):
    school = get_staff_school(request.user, school_id)
    person = get_staff_member(school, user_id)
    form = GrantRoleForm(request.POST, roles=grantable_roles(request.user, school))
    if not form.is_valid():
        messages.error(request, _("Эту роль вы назначить не можете."))
    else:
        role = form.cleaned_data["role"]
        try:
            assign_role(user=person, role=role, school=school, acting_user=request.user)
        except RoleError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Роль назначена."))
    return redirect("administration:staff_member", school_id=school.pk, user_id=person.pk)


@require_POST
@login_required
def role_revoke(request, assignment_id: int):
    assignment = get_assignment(request.user, assignment_id)
    try:
        revoke_role(assignment=assignment, acting_user=request.user)
    except RoleError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Роль «%(role)s» снята: %(name)s.")
            % {"role": assignment.get_role_display(), "name": assignment.user},
        )
    if request.POST.get("back") == "leadership":
        return redirect(
            "administration:leadership", municipality_id=assignment.school.municipality_id
        )
    return redirect(
        "administration:staff_member", school_id=assignment.school_id, user_id=assignment.user_id
    )


@require_POST
@login_required
def staff_deactivate(request, school_id: int, user_id: int):
    school = get_staff_school(request.user, school_id)
    person = get_staff_member(school, user_id)
    try:
        switched_off = deactivate_staff_member(user=person, school=school, acting_user=request.user)
    except (StaffError, RoleError) as error:
        messages.error(request, error_text(error))
        return redirect("administration:staff_member", school_id=school.pk, user_id=person.pk)
    if switched_off:
        text = _("%(name)s больше не работает в школе; учётная запись отключена.")
    else:
        text = _("%(name)s больше не работает в этой школе (роли в других школах остались).")
    messages.success(request, text % {"name": person})
    return redirect("administration:staff", school_id=school.pk)
