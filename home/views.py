"""Start pages: ``/`` sends each user to the page of their role (``LANDING_ORDER``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import landing_role, roles_of

from . import selectors as home_data

ACTIVE_ROLE_SESSION_KEY = "active_role"

# The whole school's dashboard (home.dashboards, R-C-9).
SCHOOL_DASHBOARD_ROLES = (Role.SOCIAL_PEDAGOGUE, Role.DEPUTY, Role.DIRECTOR)


@login_required
def home(request):
    """Redirect to the start page of the role chosen last, else of the first role held."""
    held = roles_of(request.user)
    role = request.session.get(ACTIVE_ROLE_SESSION_KEY)
    if role not in held:
        role = landing_role(request.user)
    if role is None:
        return render(request, "home/no_role.html")
    return redirect("home:start", role=role)


@login_required
def start_page(request, role: str):
    if role not in Role.values:
        raise Http404
    if role not in roles_of(request.user):
        raise PermissionDenied
    if request.session.get(ACTIVE_ROLE_SESSION_KEY) != role:
        request.session[ACTIVE_ROLE_SESSION_KEY] = role  # saved only when it changes
    user, today = request.user, timezone.localdate()
    context = {"role": role, "role_label": Role(role).label, "today": today}
    if role == Role.SUBJECT_TEACHER:
        template, data = "subject_teacher", home_data.subject_teacher_data(user, today)
    elif role == Role.CLASS_TEACHER:
        template, data = "class_teacher", home_data.class_teacher_data(user, today)
    elif role == Role.PSYCHOLOGIST:
        template, data = role, home_data.psychologist_data(user)
    elif role in SCHOOL_DASHBOARD_ROLES:
        template, data = role, home_data.school_dashboard_data(user, role, today, request.GET)
    elif role == Role.SCHOOL_ADMIN:
        template, data = "school_admin", home_data.school_admin_data(user)
    else:
        template, data = role, home_data.territory_data(user, role)
    return render(request, f"home/{template}.html", context | data)
