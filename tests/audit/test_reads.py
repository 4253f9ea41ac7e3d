"""Every read of a child's personal data is in the audit log with the school, the user and
the child (issue #14, spec R-SEC, 152-ФЗ), and costs the page one INSERT."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEntry
from audit.services import log_read
from schools.models import Student

pytestmark = pytest.mark.django_db


def _reads(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def _get(client, user, url: str):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_student_card_read_names_the_reader_the_school_and_the_child(client, world):
    teacher, student = world.users[Role.CLASS_TEACHER], world.a.student
    _get(client, teacher, reverse("journal:student_card", args=[student.pk]))

    [entry] = _reads("journal.student_card.viewed")
    assert (entry.actor, entry.school, entry.student) == (teacher, world.a.school, student)
    assert entry.object_repr == str(student)


def test_class_day_is_one_entry_listing_the_children_shown(client, world):
    teacher = world.users[Role.CLASS_TEACHER]
    _get(client, teacher, reverse("journal:class_day", args=[world.a.school_class.pk]))

    # Today's unknown absence of the student (tests/accounts/world.py) is on the page.
    [entry] = _reads("journal.class_day.viewed")
    assert (entry.actor, entry.school) == (teacher, world.a.school)
    assert entry.data["student_ids"] == [world.a.student.pk]
    assert entry.object_id == str(world.a.school_class.pk)


def test_excuse_list_read_is_logged(client, world):
    deputy, student = world.users[Role.DEPUTY], world.a.student
    _get(client, deputy, reverse("journal:excuse_list", args=[student.pk]))

    [entry] = _reads("journal.excuses.viewed")
    assert (entry.actor, entry.school, entry.student) == (deputy, world.a.school, student)


def test_scan_download_names_the_child_so_the_audit_finds_it_by_child(client, world):
    teacher, excuse = world.users[Role.CLASS_TEACHER], world.a.excuse
    response = _get(client, teacher, reverse("journal:excuse_scan", args=[excuse.pk]))
    b"".join(response.streaming_content)

    [entry] = _reads("journal.excuse.scan_downloaded")
    assert (entry.actor, entry.school, entry.student) == (teacher, world.a.school, excuse.student)
    assert entry.object_id == str(excuse.pk)


def test_report_page_and_file_with_names_are_logged(client, world):
    director = world.users[Role.DIRECTOR]
    report = world.a.rp["approved_class_report"]
    _get(client, director, reverse("reporting:detail", args=[report.pk]))
    pdf = world.a.rp["class_report_pdf"]
    _get(client, director, reverse("reporting:file_download", args=[pdf.pk]))

    [page] = _reads("reporting.report.viewed")
    assert (page.actor, page.school, page.object_id) == (director, world.a.school, str(report.pk))
    [download] = _reads("reporting.report.downloaded")
    assert (download.actor, download.school) == (director, world.a.school)
    assert download.data == {"report_id": report.pk, "version": 1, "format": "pdf"}


def test_a_read_costs_exactly_one_insert(world):
    student = Student.objects.get(pk=world.a.student.pk)
    ContentType.objects.get_for_model(Student)  # cached for the process, as in a server
    with CaptureQueriesContext(connection) as queries:
        log_read(
            actor=world.users[Role.DEPUTY],
            action="journal.student_card.viewed",
            obj=student,
            school_id=world.a.school.pk,
            student_id=student.pk,
        )
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
