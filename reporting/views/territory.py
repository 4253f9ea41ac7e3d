"""The officials' overviews (spec §1, §6; issue #13 point 5): a municipality's schools, a
region's municipalities, a school's approved reports. Figures and approved reports only:
no link leads to a school's page, a student or a case."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from .. import selectors_territory as territory

PAGE_SIZE = 50


@login_required
def territory_index(request: HttpRequest) -> HttpResponse:
    """The territories the user oversees; straight to the overview when there is one."""
    if not request.user.has_perm("reporting.open_territory_pages"):
        raise PermissionDenied
    regions, municipalities = territory.territories_of(request.user)
    if len(regions) + len(municipalities) == 1 and not request.user.is_superuser:
        if regions:
            return redirect("reporting:region", pk=regions[0].pk)
        return redirect("reporting:municipality", pk=municipalities[0].pk)
    return render(
        request,
        "reporting/territory/index.html",
        {"regions": regions, "municipalities": municipalities},
    )


@login_required
def municipality_page(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = territory.get_municipality_for_user(request.user, pk)
    overview = territory.municipality_overview(municipality)
    user = request.user
    page = (municipality, overview.totals.consolidation)
    return render(
        request,
        "reporting/territory/municipality.html",
        {
            "overview": overview,
            "municipality": municipality,
            "consolidation": overview.totals.consolidation,
            "can_open": user.has_perm("reporting.compose_consolidation", page),
            # A superuser holds every permission (Django's backend answers before the rules):
            # without an opened report there is nothing to link to.
            "can_read": page[1] is not None
            and page[1].report_id is not None
            and user.has_perm("reporting.read_consolidation", page),
            "region_link": user.has_perm("reporting.view_region", municipality.region),
        },
    )


@login_required
def region_page(request: HttpRequest, pk: int) -> HttpResponse:
    region = territory.get_region_for_user(request.user, pk)
    return render(
        request,
        "reporting/territory/region.html",
        {"overview": territory.region_overview(region), "region": region},
    )


@login_required
def school_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """A school's approved reports, as its municipality and region receive them."""
    school = territory.get_school_for_official(request.user, pk)
    reports = territory.approved_school_reports(request.user, school)
    return render(
        request,
        "reporting/territory/school_reports.html",
        {
            "school": school,
            "page": Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page")),
            "municipality_link": request.user.has_perm(
                "reporting.view_municipality", school.municipality
            ),
        },
    )


urlpatterns = [
    path("territory/", territory_index, name="territory"),
    path("territory/region/<int:pk>/", region_page, name="region"),
    path("territory/municipality/<int:pk>/", municipality_page, name="municipality"),
    path("territory/school/<int:pk>/", school_reports, name="school_reports"),
]
