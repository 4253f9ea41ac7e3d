"""The school's registries (R-J-7): filterable lists and their XLSX export.

Whole-school readers (deputy, director, social pedagogue) see their schools; a class
teacher sees the students of the classes they lead. The definitions are in
``journal.registries``.
"""

import datetime

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.inputs import BoundedDateField
from accounts.roles import REGISTRY_READER_ROLES
from accounts.selectors import school_ids_with_role
from audit.services import log_action
from printing.pdf import Document
from printing.xlsx import Sheet, Table, render_xlsx
from schools.models import Enrollment, School, SchoolClass

from ..forms import DATE_INPUT
from ..registries import COMMON_COLUMNS, REGISTRIES, Period, build_rows, row_values
from ..selectors import registry_scope

REGISTRY_PAGE_SIZE = 50
# №, name, date of birth, class, then the registry's own columns.
COLUMN_WIDTHS = (5, 36, 14, 10, 22, 30, 16, 16)


def _user_school_ids(user) -> set[int]:
    return set(school_ids_with_role(user, *REGISTRY_READER_ROLES))


class ClassChoiceFilter(django_filters.ModelChoiceFilter):
    class field_class(django_filters.fields.ModelChoiceField):  # noqa: N801 (django-filter hook)
        def label_from_instance(self, school_class):
            return f"{school_class} ({school_class.academic_year.name})"


class BoundedDateFilter(django_filters.DateFilter):
    """A period's day inside the bounds of ``accounts.inputs``: a day such as 9999-12-31
    is shown as the filter's error, not counted (its week would overflow the calendar)."""

    field_class = BoundedDateField


class RegistryFilter(django_filters.FilterSet):
    """Class, name and period. The period also bounds the counting (``Period``)."""

    school_class = ClassChoiceFilter(
        label=gettext_lazy("Класс"), queryset=SchoolClass.objects.none()
    )
    name = django_filters.CharFilter(label=gettext_lazy("ФИО"), method="filter_name")
    start = BoundedDateFilter(label=gettext_lazy("С"), method="filter_start", widget=DATE_INPUT)
    end = BoundedDateFilter(label=gettext_lazy("По"), method="filter_end", widget=DATE_INPUT)

    class Meta:
        model = Enrollment
        fields = ["school_class", "name", "start", "end"]

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school_class"].queryset = classes

    def filter_name(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(student__last_name__icontains=word)
                | Q(student__first_name__icontains=word)
                | Q(student__patronymic__icontains=word)
            )
        return queryset

    # Enrollments that overlap the period: the student was in the school then.
    def filter_start(self, queryset, name, value):
        return queryset.exclude(end_date__lt=value)

    def filter_end(self, queryset, name, value):
        return queryset.filter(start_date__lte=value)


def _default_period(today: datetime.date) -> Period:
    return Period(today.replace(day=1), today)


def _registry_data(request: HttpRequest, kind: str):
    registry = REGISTRIES.get(kind)
    if registry is None:
        raise Http404
    scope = registry_scope(request.user)
    if scope is None or not request.user.has_perm("journal.view_registries"):
        raise PermissionDenied
    today = timezone.localdate()
    period = _default_period(today)
    data = request.GET.copy()
    data.setdefault("start", f"{period.start:%Y-%m-%d}")
    data.setdefault("end", f"{period.end:%Y-%m-%d}")
    enrollments = Enrollment.objects.filter(scope)
    classes = (
        SchoolClass.objects.filter(pk__in=enrollments.values("school_class_id"))
        .select_related("academic_year")
        .order_by("-academic_year__start_date", "grade", "letter")
    )
    filterset = RegistryFilter(data, queryset=enrollments, classes=classes)
    if filterset.is_valid():
        cleaned = filterset.form.cleaned_data
        period = Period(cleaned.get("start") or period.start, cleaned.get("end") or period.end)
        rows = build_rows(kind, filterset.qs, period, today)
    else:
        rows = []
    return registry, filterset, period, rows


@login_required
@require_GET
def registry(request: HttpRequest, kind: str) -> HttpResponse:
    registry, filterset, period, rows = _registry_data(request, kind)
    # The rows are counted in one pass; a page shows part of them, the export all of them.
    page = Paginator(rows, REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "registry": registry,
        "registries": REGISTRIES.values(),
        "filter": filterset,
        "period": period,
        "page": page,
        "rows": page.object_list,
        "total": len(rows),
        "columns": (*COMMON_COLUMNS, *registry.columns),
        "query": query.urlencode(),
    }
    return render(request, "journal/registries/list.html", context)


@login_required
@require_GET
def registry_export(request: HttpRequest, kind: str) -> HttpResponse:
    registry, filterset, period, rows = _registry_data(request, kind)
    document = _workbook(registry, period, rows)
    # Names and dates of birth leave the system: logged (R-SEC).
    school_ids = {row.enrollment.school_id for row in rows} or _user_school_ids(request.user)
    log_action(
        actor=request.user,
        action="journal.registry.exported",
        school=School.objects.get(pk=school_ids.pop()) if len(school_ids) == 1 else None,
        data={
            "kind": kind,
            "filters": request.GET.dict(),
            "start": period.start,
            "end": period.end,
            "rows": len(rows),
            "student_ids": sorted({row.student.pk for row in rows}),
        },
    )
    response = document.as_response()
    response["Cache-Control"] = "private, no-store"
    return response


def _workbook(registry, period: Period, rows) -> Document:
    """Title, period, Russian headers, then one line per row (``printing.xlsx`` neutralises
    formula-like text such as a surname typed as «=HYPERLINK(…)»)."""
    columns = [str(column) for column in (*COMMON_COLUMNS, *registry.columns)]
    period_line = _("Период: %(start)s – %(end)s") % {
        "start": f"{period.start:%d.%m.%Y}",
        "end": f"{period.end:%d.%m.%Y}",
    }
    sheet = Sheet(
        title=_("Реестр"),
        heading=(str(registry.title), period_line),
        tables=(
            Table(
                columns=columns,
                rows=[row_values(number, row) for number, row in enumerate(rows, start=1)],
                widths=COLUMN_WIDTHS[: len(columns)],
            ),
        ),
        freeze_header=True,
    )
    filename = f"registry-{registry.kind}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    return render_xlsx([sheet], filename=filename)
