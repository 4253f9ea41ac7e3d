"""The school's audit log page (issue #14, spec R-SEC): the director and the deputy find who
read or changed what about a child, by the child's name, the user, the period and the kind
of action, and export it; another school's entries never show."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEntry
from journal.services import set_mark
from tests import factories

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://example.com","x")&"'


def _page(client, reader, school, **params):
    client.force_login(reader)
    response = client.get(reverse("schools:audit", args=[school.pk]), params)
    assert response.status_code == 200
    return response


def _actions(response) -> list[str]:
    return [entry.action for entry, _values in response.context["rows"]]


def _read_pages(client, world):
    """The class teacher opens the student's card and the class day (listing the student);
    the card of a student of another class is refused (403) and not logged."""
    client.force_login(world.users[Role.CLASS_TEACHER])
    client.get(reverse("journal:student_card", args=[world.a.student.pk]))
    client.get(reverse("journal:class_day", args=[world.a.school_class.pk]))
    client.get(reverse("journal:student_card", args=[world.a.other_student.pk]))


def test_search_by_child_finds_their_card_and_the_class_day_that_listed_them(client, world):
    _read_pages(client, world)
    student = world.a.student

    response = _page(
        client, world.users[Role.DIRECTOR], world.a.school, child=student.last_name, kind="reads"
    )

    found = response.context["rows"]
    assert sorted(_actions(response)) == ["journal.class_day.viewed", "journal.student_card.viewed"]
    card = next(values for entry, values in found if entry.action.endswith("student_card.viewed"))
    assert card[1] == world.users[Role.CLASS_TEACHER].get_full_name()
    assert card[4] == student.full_name
    assert student.full_name in response.text


def test_search_by_user_period_and_kind(client, world):
    _read_pages(client, world)
    deputy, teacher = world.users[Role.DEPUTY], world.users[Role.CLASS_TEACHER]
    today = timezone.localdate()

    by_teacher = _page(client, deputy, world.a.school, user=teacher.last_name, kind="reads")
    assert len(by_teacher.context["rows"]) == 2
    assert {e.actor for e, _v in by_teacher.context["rows"]} == {teacher}
    yesterday = f"{today.replace(year=today.year - 1):%Y-%m-%d}"
    old = _page(client, deputy, world.a.school, start=yesterday, end=yesterday, kind="reads")
    assert old.context["rows"] == []


def test_a_mark_change_shows_with_its_old_and_new_value(client, world):
    set_mark(
        lesson=world.a.lesson,
        student_id=world.a.student.pk,
        kind="late",
        minutes_late=5,
        acting_user=world.a.subject_teacher,
    )

    response = _page(client, world.users[Role.DIRECTOR], world.a.school, kind="marks")

    [latest, *_earlier] = response.context["rows"]
    entry, values = latest
    assert (entry.action, entry.actor) == ("journal.mark.changed", world.a.subject_teacher)
    assert entry.data["old"]["kind"] == "absent" and entry.data["new"]["kind"] == "late"
    assert "absent" in values[5] and "late" in values[5] and "→" in values[5]


def test_another_schools_entries_never_show(client, world):
    client.force_login(world.b.class_teacher)
    client.get(reverse("journal:student_card", args=[world.b.student.pk]))
    assert AuditEntry.objects.filter(school=world.b.school).exists()

    response = _page(client, world.users[Role.DIRECTOR], world.a.school)
    assert all(entry.school_id == world.a.school.pk for entry, _v in response.context["rows"])
    searched = _page(
        client, world.users[Role.DIRECTOR], world.a.school, child=world.b.student.last_name
    )
    assert searched.context["rows"] == []
    # Nor by naming the other school.
    other = client.get(reverse("schools:audit", args=[world.b.school.pk]))
    assert other.status_code == 404


def test_impossible_dates_are_a_russian_form_error(client, world):
    response = _page(client, world.users[Role.DEPUTY], world.a.school, start="9999-12-31")
    assert response.context["filter"].form.errors["start"]
    assert response.context["rows"] == []
    assert "вне допустимого диапазона" in response.text


def test_exports_neutralise_formula_like_names_and_are_logged(client, world):
    student = factories.enrolled_student(world.a.school_class, last_name=FORMULA)
    client.force_login(world.users[Role.CLASS_TEACHER])
    client.get(reverse("journal:student_card", args=[student.pk]))
    director = world.users[Role.DIRECTOR]
    client.force_login(director)
    export = reverse("schools:audit_export", args=[world.a.school.pk, "xlsx"])

    response = client.get(export, {"kind": "reads", "child": "HYPERLINK"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    named = [cell for cell in cells if isinstance(cell, str) and "HYPERLINK" in cell]
    assert named and all(cell.startswith("'") for cell in named)
    [logged] = AuditEntry.objects.filter(action="audit.log.exported")
    assert (logged.actor, logged.school, logged.data["rows"]) == (director, world.a.school, 1)

    as_csv = client.get(
        reverse("schools:audit_export", args=[world.a.school.pk, "csv"]), {"child": "HYPERLINK"}
    )
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    named = [cell for row in rows[1:] for cell in row if "HYPERLINK" in cell]
    assert named and all(cell.startswith("'") for cell in named)


def test_only_the_director_and_deputy_find_the_page_in_the_menu(client, world):
    for role, shown in ((Role.DIRECTOR, True), (Role.DEPUTY, True), (Role.CLASS_TEACHER, False)):
        client.force_login(world.users[role])
        page = client.get(reverse("home:home"), follow=True)
        assert ('data-testid="nav-audit"' in page.text) is shown, role
