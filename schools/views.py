"""The school's audit log for its director and deputy (issue #14, spec R-SEC): a search by
child, user, period and kind of action, a page at a time, and its export to XLSX or CSV.

The school is fetched through ``accounts.access``: another school answers 404, a member of
the school without the permission 403. Reads and filters are in ``schools.audit_log``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import get_object_for_user
from accounts.roles import Role
from accounts.selectors import school_ids_with_role
from audit.services import log_read
from printing.pdf import Document
from printing.xlsx import Sheet, Table, render_csv, render_xlsx

from . import audit_log
from .models import School

PAGE_SIZE = 50
# An export holds at most this many entries, newest first; a narrower search gets the rest.
EXPORT_LIMIT = 20_000
COLUMN_WIDTHS = (17, 28, 30, 30, 28, 60, 30)
# Who reads a school's log (schools.rules, schools.view_school_audit).
AUDIT_ROLES = (Role.DIRECTOR, Role.DEPUTY)


def _school(request: HttpRequest, pk: int) -> School:
    return get_object_for_user(
        request.user, School.objects.all(), perm="schools.view_school_audit", pk=pk
    )


@login_required
@require_GET
def audit_index(request: HttpRequest) -> HttpResponse:
    """Straight to the school's log, or a choice for a user of several schools."""
    if not request.user.has_perm("schools.view_any_school_audit"):
        raise PermissionDenied
    schools = School.objects.order_by("name")
    if not request.user.is_superuser:
        schools = schools.filter(pk__in=school_ids_with_role(request.user, *AUDIT_ROLES))
    schools = list(schools)
    if len(schools) == 1:
        return redirect("schools:audit", pk=schools[0].pk)
    return render(request, "schools/audit_index.html", {"schools": schools})


@login_required
@require_GET
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    found = audit_log.search(school, request.GET)
    entries = found.qs if found.is_valid() else found.queryset.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "school": school,
        "filter": found,
        "page": page,
        "rows": [(entry, audit_log.row_values(entry)) for entry in page],
        "query": query.urlencode(),
    }
    return render(request, "schools/audit.html", context)


@login_required
@require_GET
def audit_export(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    if format not in ("xlsx", "csv"):
        raise Http404
    school = _school(request, pk)
    found = audit_log.search(school, request.GET)
    if not found.is_valid():
        return redirect(f"{_page_url(school)}?{request.GET.urlencode()}")
    rows = [audit_log.row_values(entry) for entry in found.qs[:EXPORT_LIMIT]]
    # The log names children and who read about them: its export is logged like any read.
    log_read(
        actor=request.user,
        action="audit.log.exported",
        obj=school,
        school_id=school.pk,
        data={"format": format, "filters": request.GET.dict(), "rows": len(rows)},
    )
    stem = f"audit-{school.pk}-{timezone.localdate():%Y-%m-%d}"
    document = _xlsx(school, rows, stem) if format == "xlsx" else _csv(rows, stem)
    response = document.as_response()
    response["Cache-Control"] = "private, no-store"
    return response


def _page_url(school: School) -> str:
    return reverse("schools:audit", args=[school.pk])


def _xlsx(school: School, rows: list[list], stem: str) -> Document:
    heading = [
        _("Журнал аудита: %(school)s") % {"school": school.name},
        _("Выгружено %(when)s") % {"when": f"{timezone.localtime():%d.%m.%Y %H:%M}"},
    ]
    table = Table(
        columns=[str(column) for column in audit_log.COLUMNS], rows=rows, widths=COLUMN_WIDTHS
    )
    sheet = Sheet(title=_("Журнал аудита"), heading=heading, tables=[table], freeze_header=True)
    return render_xlsx([sheet], filename=f"{stem}.xlsx")


def _csv(rows: list[list], stem: str) -> Document:
    return render_csv([str(column) for column in audit_log.COLUMNS], rows, filename=f"{stem}.csv")
