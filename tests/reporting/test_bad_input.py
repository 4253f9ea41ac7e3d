"""Bad input on the report pages is a 404 or a message, never a server error."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reporting.models import Kind, Report, ReportFile
from reporting.services import open_report, request_file
from tests.reporting.helpers import WEEK, WEEK_END, school_setup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, query",
    [
        ("reporting:board", "school=²"),
        ("reporting:minors", "school=1²"),
        ("reporting:minor_add", "school=²"),
    ],
)
def test_superscript_digit_in_a_pk_parameter_is_not_found(client, url, query):
    setup = school_setup()
    client.force_login(setup.deputy)
    assert client.get(f"{reverse(url)}?{query}").status_code == 404


def test_superscript_digit_in_the_weeks_parameter_shows_the_default(client):
    setup = school_setup()
    client.force_login(setup.deputy)
    response = client.get(f"{reverse('reporting:board')}?weeks=²")
    assert response.status_code == 200
    assert response.context["weeks"] == 4


@pytest.mark.parametrize("kind", [Kind.WEEKLY_SCHOOL_REPORT, Kind.MONTHLY_INFORMATION])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_out_of_range_opens_no_report(client, kind, day):
    setup = school_setup()
    client.force_login(setup.deputy)
    response = client.post(
        reverse("reporting:open"), {"kind": kind, "day": day, "school": setup.school.pk}
    )
    assert response.status_code == 302
    assert response.url == reverse("reporting:list")
    assert not Report.objects.exists()


def test_a_file_is_not_rendered_for_whoever_may_not_read_the_version():
    setup = school_setup()
    report = open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        period_start=WEEK,
        period_end=WEEK_END,
        school_class=setup.school_class,
        acting_user=setup.deputy,
    )
    draft = report.versions.get()
    outsider = school_setup().deputy
    with pytest.raises(PermissionDenied):
        request_file(version=draft, format="pdf", acting_user=outsider)
    assert not ReportFile.objects.exists()
