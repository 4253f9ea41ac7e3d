"""Marking through a bad network (issue #15 point 6): taps made offline wait on the phone,
«Не отправлено: N» shows how many, and each is stored exactly once when the connection
returns, even when an answer was lost and the tap was sent again."""

import pytest

from audit.models import AuditEntry
from journal.models import Mark, MarkRequest
from journal.services.history import MARK_CHANGED
from tests.browser.test_marking import lesson_with_class  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def history_of(lesson):
    return AuditEntry.objects.filter(action=MARK_CHANGED, object_id=str(lesson.pk))


def test_three_taps_offline_are_sent_once_when_the_connection_returns(
    live_server,
    phone,
    sign_in,
    lesson_with_class,  # noqa: F811
):
    lesson, teacher, students = lesson_with_class
    sign_in(phone, teacher)
    phone.goto(f"{live_server.url}/journal/lessons/{lesson.pk}/")
    phone.evaluate("window.__notReloaded = true")
    assert phone.locator("#pending-marks").is_hidden()

    phone.context.set_offline(True)
    phone.locator(f"#mark-{students[0].pk}-absent").tap()
    phone.locator(f"#mark-{students[2].pk}-late").tap()
    phone.locator(f"#mark-{students[5].pk}-absent").tap()
    # The buttons show the taps at once; the rows say they are not sent.
    for student, kind in ((students[0], "absent"), (students[2], "late"), (students[5], "absent")):
        phone.locator(f'#student-{student.pk}[data-pending="{kind}"]').wait_for()
        assert phone.locator(f"#mark-{student.pk}-{kind}").get_attribute("aria-pressed") == "true"
        assert phone.locator(f"#student-{student.pk} .mark-row__pending").is_visible()
    counter = phone.locator("#pending-marks")
    assert counter.is_visible()
    assert "Не отправлено: 3" in counter.inner_text()
    assert Mark.objects.filter(lesson=lesson).count() == 0

    phone.context.set_offline(False)
    for student, kind in ((students[0], "absent"), (students[2], "late"), (students[5], "absent")):
        phone.locator(f'#student-{student.pk}[data-state="{kind}"]:not([data-pending])').wait_for()
    counter.wait_for(state="hidden")
    assert phone.evaluate("window.__notReloaded") is True
    assert "Н: 2 · ОП: 1" in phone.locator("#lesson-status").inner_text()

    marks = dict(Mark.objects.filter(lesson=lesson).values_list("student_id", "kind"))
    assert marks == {students[0].pk: "absent", students[2].pk: "late", students[5].pk: "absent"}
    assert MarkRequest.objects.filter(user=teacher, lesson=lesson).count() == 3
    assert history_of(lesson).count() == 3
    assert (
        phone.evaluate("() => window.localStorage.length") == 0
        or phone.evaluate(
            "() => JSON.parse(window.localStorage.getItem('attendance-portal.pending-marks.v1'))"
        )
        == []
    )


def test_a_tap_whose_answer_was_lost_is_sent_again_and_stored_once(
    live_server,
    phone,
    sign_in,
    lesson_with_class,  # noqa: F811
):
    lesson, teacher, students = lesson_with_class
    sign_in(phone, teacher)
    phone.goto(f"{live_server.url}/journal/lessons/{lesson.pk}/")
    mark_url = f"{live_server.url}/journal/lessons/{lesson.pk}/mark/"
    sent = []

    def lose_first_answer(route):
        sent.append(route.request.post_data)
        response = route.fetch()  # the server stores the mark...
        if len(sent) == 1:
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            route.fulfill(response=response)

    phone.route(mark_url, lose_first_answer)
    phone.locator(f"#mark-{students[1].pk}-absent").tap()
    phone.locator(f'#student-{students[1].pk}[data-state="absent"]:not([data-pending])').wait_for()
    phone.locator("#pending-marks").wait_for(state="hidden")

    assert len(sent) == 2
    assert sent[0] == sent[1]  # the same key both times
    assert "client_key=" in sent[0]
    assert Mark.objects.filter(lesson=lesson, student=students[1]).count() == 1
    assert MarkRequest.objects.filter(user=teacher, lesson=lesson).count() == 1
    assert history_of(lesson).count() == 1


def test_taps_kept_on_the_phone_are_sent_after_a_reload(
    live_server,
    phone,
    sign_in,
    lesson_with_class,  # noqa: F811
):
    lesson, teacher, students = lesson_with_class
    sign_in(phone, teacher)
    url = f"{live_server.url}/journal/lessons/{lesson.pk}/"
    phone.goto(url)
    phone.context.set_offline(True)
    phone.locator(f"#mark-{students[3].pk}-absent").tap()
    # A second tap on the same student replaces the first: only the last one is sent.
    phone.locator(f"#mark-{students[3].pk}-late").tap()
    phone.locator(f'#student-{students[3].pk}[data-pending="late"]').wait_for()
    assert "Не отправлено: 1" in phone.locator("#pending-marks").inner_text()
    phone.context.set_offline(False)
    phone.route(f"{url}mark/", lambda route: route.abort("internetdisconnected"))
    phone.reload()  # the page comes back, the tap still waits on the phone
    phone.locator(f'#student-{students[3].pk}[data-pending="late"]').wait_for()
    phone.unroute(f"{url}mark/")
    phone.locator(f'#student-{students[3].pk}[data-state="late"]:not([data-pending])').wait_for(
        timeout=15_000
    )
    assert dict(Mark.objects.filter(lesson=lesson).values_list("student_id", "kind")) == {
        students[3].pk: "late"
    }
    assert MarkRequest.objects.filter(lesson=lesson).count() == 1
