"""The school administrator's first day: every link of their start page opens (it used to
end at «недостаточно прав» because the role did not carry the admin's staff flag)."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import assign_role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school_admin():
    school = factories.SchoolFactory()
    today = timezone.localdate()
    year = factories.AcademicYearFactory(
        school=school,
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
    )
    factories.SchoolClassFactory(school=school, academic_year=year)
    admin = factories.UserFactory()
    # As the product assigns roles (the demo and the admin pages): through the service.
    assign_role(user=admin, role=Role.SCHOOL_ADMIN, school=school, acting_user=None)
    return admin


def test_every_link_of_the_school_admins_start_page_answers_200(
    live_server, browser, sign_in, school_admin
):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    sign_in(page, school_admin)
    start = page.url
    assert "/start/school_admin/" in start
    links = page.eval_on_selector_all(
        "main a[href^='/'], main a[href^='" + live_server.url + "']",
        "anchors => [...new Set(anchors.map(a => a.href))]",
    )
    assert len(links) >= 10, links
    refused = []
    for link in links:
        response = page.goto(link)
        if response.status != 200 or "Недостаточно прав" in page.content():
            refused.append((link, response.status))
    context.close()
    assert not refused
