"""Parents told the same day (issue #15 point 7): the guardian follows the message's link on
a phone, states the reason, and the class teacher confirms it on the class day."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from journal.models import GuardianNote, Mark, ReasonStatus
from journal.services import set_mark
from notify import services, sms
from tests import factories
from tests.browser.test_csp import listen
from tests.journal.helpers import class_teacher_for, make_lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def absent_child(settings, live_server):
    settings.NOTIFY_SITE_URL = live_server.url
    settings.NOTIFY_SMS_BACKEND = "notify.sms.LocmemSmsBackend"
    mail.outbox = []
    sms.outbox.clear()
    school = factories.SchoolFactory()
    school_class = factories.SchoolClassFactory(school=school)
    class_teacher = class_teacher_for(school_class)
    student = factories.enrolled_student(school_class, first_name="Маша", last_name="Иванова")
    mother = factories.GuardianFactory(
        student=student, phone="+7 900 111-22-33", email="mother@example.com"
    )
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, school)
    today = timezone.localdate()
    marks = [
        set_mark(
            lesson=make_lesson(school_class, today, period, teacher=teacher),
            student_id=student.pk,
            kind="absent",
            acting_user=teacher,
        )
        for period in (1, 2)
    ]
    return school, school_class, class_teacher, student, mother, marks


def test_guardian_states_the_reason_and_the_class_teacher_confirms_it(
    browser, live_server, sign_in, absent_child
):
    school, school_class, class_teacher, student, mother, marks = absent_child
    services.send_for_school(school, timezone.localdate())
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    link = re.search(r"https?://\S+/messages/p/\S+/", mail.outbox[0].body).group(0)

    # The guardian, on a phone, without an account.
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, locale="ru-RU"
    )
    context.set_default_timeout(10_000)
    reports = listen(context)
    phone = context.new_page()
    phone.goto(link)
    assert "Маша" in phone.inner_text("h1")
    assert "Иванова" not in phone.content()
    phone.get_by_label("семейные обстоятельства").check()
    phone.fill("textarea[name=comment]", "Уезжали к бабушке")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Отправить классному руководителю").click()
    assert phone.get_by_test_id("note-sent").is_visible()
    assert "ждёт решения" in phone.get_by_test_id("guardian-notes").inner_text()
    # An altered link: a clear error, nothing more.
    response = phone.goto(link[:-3] + "xx/")
    assert response.status == 400
    assert "Ссылка повреждена" in phone.get_by_test_id("link-error").inner_text()
    assert not reports, reports
    context.close()
    assert GuardianNote.objects.count() == 1

    # The class teacher sees the note on the class day and confirms it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    context.set_default_timeout(10_000)
    reports = listen(context)
    page = context.new_page()
    sign_in(page, class_teacher)
    page.goto(f"{live_server.url}/journal/classes/{school_class.pk}/day/")
    note = page.get_by_test_id("guardian-note")
    assert "Уезжали к бабушке" in note.inner_text()
    assert "ждёт решения" in note.inner_text()
    with page.expect_navigation():
        note.get_by_test_id("guardian-note-confirm").click()
    assert "подтверждено" in page.get_by_test_id("guardian-note-status").inner_text()
    assert page.get_by_test_id("no-unknown-today").is_visible()
    assert not reports, reports
    context.close()

    for mark in Mark.objects.filter(pk__in=[m.pk for m in marks]):
        assert mark.reason_status == ReasonStatus.VALID
        assert mark.excuse.guardian_note.status == GuardianNote.Status.CONFIRMED
