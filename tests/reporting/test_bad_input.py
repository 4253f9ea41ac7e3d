"""Bad input on the report pages is a 404 or a message, never a server error."""

import pytest
from django.urls import reverse

from reporting.models import Kind, Report
from tests.reporting.helpers import school_setup

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
