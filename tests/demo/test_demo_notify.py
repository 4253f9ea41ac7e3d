"""The demo's parent messages (demo/notify.py): a log to look at and notes to decide."""

import pytest
from django.urls import reverse

from accounts.models import User
from journal.models import GuardianNote
from notify.models import AbsenceNotice, Delivery, GuardianPreference
from schools.models import SchoolClass
from tests.demo.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_last_school_days_messages_are_in_the_log(client):
    notices = AbsenceNotice.objects.all()
    assert notices.exists() and all(n.date < TODAY for n in notices)
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert Delivery.Status.SENT in statuses
    assert GuardianPreference.objects.filter(opted_out=True).exists()
    admin = User.objects.get(username="admin1")
    client.force_login(admin)
    school_id = notices.first().school_id
    day = notices.filter(school_id=school_id).first().date
    response = client.get(reverse("notify:log", args=[school_id]), {"date": f"{day:%Y-%m-%d}"})
    assert response.status_code == 200


def test_the_demo_class_teacher_finds_parents_notes_on_the_class_day(client):
    teacher = User.objects.get(username="classteacher1")
    school_class = SchoolClass.objects.get(
        class_teacher=teacher,
        academic_year__start_date__lte=TODAY,
        academic_year__end_date__gte=TODAY,
    )
    own = GuardianNote.objects.filter(
        status=GuardianNote.Status.PENDING, student__enrollments__school_class=school_class
    )
    assert own.exists()
    client.force_login(teacher)
    page = client.get(
        reverse("journal:class_day", args=[school_class.pk]), {"date": f"{TODAY:%Y-%m-%d}"}
    ).content.decode()
    assert "Сообщения родителей" in page
    for note in own:
        assert note.comment in page
