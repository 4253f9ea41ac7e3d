"""A form sent twice at once (a double click, a reloaded POST) creates one record: a mark
tap, an excuse document, a contact with the parents, a report's approval.

The two requests run on two connections at the same moment, as two gunicorn workers
would serve them; each answers without a server error.
"""

import datetime
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from casework.models import ParentContact
from journal.models import ExcuseDocument, Mark
from journal.services.history import EXCUSE_REGISTERED, MARK_CHANGED
from reporting.models import Kind, ReportVersion, Status
from reporting.services import open_report, submit
from tests import factories
from tests.reporting.helpers import WEEK, WEEK_END, lessons_on, school_setup
from tests.reporting.helpers import mark_absent as mark_week_absent

from .world import fault_school

pytestmark = pytest.mark.django_db(transaction=True)


def twice_at_once(user, url, data, **headers) -> list[int]:
    """POST ``data`` to ``url`` from two clients of ``user`` at the same moment."""
    start = threading.Barrier(2)
    statuses = []

    def post():
        try:
            client = Client()
            client.force_login(user)
            start.wait(timeout=10)
            statuses.append(client.post(url, data, **headers).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_a_mark_tapped_twice_at_once_is_stored_once():
    world = fault_school(students=1, days=1)
    lesson = world.lessons_on(world.days[0])[0]
    student = world.students[0]
    statuses = twice_at_once(
        world.teacher,
        reverse("journal:lesson_mark", args=[lesson.pk]),
        {"student": student.pk, "kind": "absent"},
        HTTP_HX_REQUEST="true",
    )
    assert statuses == [200, 200]
    assert Mark.objects.filter(lesson=lesson, student=student).count() == 1
    assert AuditEntry.objects.filter(action=MARK_CHANGED).count() == 1


def test_an_excuse_document_sent_twice_at_once_is_registered_once():
    world = fault_school(students=1, days=2)
    student = world.students[0]
    first, last = world.days
    data = {
        "kind": ExcuseDocument.Kind.MEDICAL_CERTIFICATE,
        "start_date": f"{first:%Y-%m-%d}",
        "end_date": f"{last:%Y-%m-%d}",
        "number": "117",
        "issued_by": "ГБУЗ «Детская поликлиника № 3»",
        "issued_on": f"{last:%Y-%m-%d}",
    }
    url = reverse("journal:excuse_add", args=[student.pk])
    assert twice_at_once(world.class_teacher, url, data) == [302, 302]
    assert ExcuseDocument.objects.filter(student=student).count() == 1
    assert AuditEntry.objects.filter(action=EXCUSE_REGISTERED).count() == 1

    # Sent again later, or another document: a document of its own.
    data["number"] = "118"
    assert twice_at_once(world.class_teacher, url, data) == [302, 302]
    assert sorted(ExcuseDocument.objects.values_list("number", flat=True)) == ["117", "118"]


def test_a_contact_with_the_parents_sent_twice_at_once_is_logged_once():
    world = fault_school(students=1, days=1)
    student = world.students[0]
    data = {
        "student": student.pk,
        "contact_type": "phone_call",
        "guardian_name": "Петрова Анна Ивановна",
        "contacted_at": (timezone.localtime() - datetime.timedelta(minutes=5)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "result": "reached",
        "stated_reason": "болел, справка будет",
        "back": f"{world.days[0]:%Y-%m-%d}",
    }
    url = reverse("casework:class_day_contact", args=[world.school_class.pk])
    assert twice_at_once(world.class_teacher, url, data) == [302, 302]
    assert ParentContact.objects.filter(student=student).count() == 1
    assert AuditEntry.objects.filter(action="casework.contact.logged").count() == 1

    data["result"] = "not_reached"  # a second call that did not get through: its own record
    assert twice_at_once(world.class_teacher, url, data) == [302, 302]
    assert sorted(ParentContact.objects.values_list("result", flat=True)) == [
        "not_reached",
        "reached",
    ]


def test_a_report_approved_twice_at_once_is_approved_once():
    setup = school_setup()
    student = factories.enrolled_student(setup.school_class)
    mark_week_absent(lessons_on(setup.school_class, WEEK, 2), student)
    report = open_report(
        kind=Kind.WEEKLY_CLASS_REPORT,
        school_class=setup.school_class,
        period_start=WEEK,
        period_end=WEEK_END,
        acting_user=setup.class_teacher,
    )
    submit(report=report, version=1, acting_user=setup.class_teacher)
    statuses = twice_at_once(
        setup.deputy,
        reverse("reporting:decide", args=[report.pk]),
        {"version": 1, "decision": "approve"},
    )
    assert statuses == [302, 302]
    assert list(ReportVersion.objects.filter(report=report).values_list("status")) == [
        (Status.APPROVED,)
    ]
    assert AuditEntry.objects.filter(action="reporting.report.approved").count() == 1
