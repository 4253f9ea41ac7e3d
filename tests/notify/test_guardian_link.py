"""The guardian's page behind the signed link, and the class teacher's decision."""

import datetime
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from audit.models import AuditEntry
from journal.models import ExcuseDocument, GuardianNote, Mark, ReasonStatus, ValidReason
from journal.services.guardian_notes import confirm_guardian_note
from notify.links import make_token
from tests import factories
from tests.journal.helpers import make_lesson
from tests.notify.conftest import mark_absent

pytestmark = pytest.mark.django_db


def url(guardian, day):
    return reverse("notify:guardian", args=[make_token(guardian.pk, day)])


def state() -> tuple:
    """Everything the page could change."""
    return (
        list(GuardianNote.objects.values()),
        list(ExcuseDocument.objects.values()),
        list(Mark.objects.values("pk", "reason_status", "excuse_id")),
        AuditEntry.objects.count(),
    )


def test_the_page_shows_the_first_name_and_the_date_only(client, mother, student, today):
    response = client.get(url(mother, today))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Маша" in page and f"{today:%d.%m.%Y}" in page
    for private in ("Иванова", mother.full_name, mother.phone, mother.email):
        assert private not in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_a_valid_link_records_the_reason(client, mother, student, lessons, school, today):
    marks = [mark_absent(lesson, student) for lesson in lessons]
    response = client.post(
        url(mother, today),
        {"start_date": f"{today:%Y-%m-%d}", "reason": "illness", "comment": "Температура"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    note = GuardianNote.objects.get()
    assert (note.student, note.guardian, note.school) == (student, mother, school)
    assert (note.start_date, note.end_date) == (today, today)
    assert note.kind == GuardianNote.Kind.EXPLANATION and note.is_pending
    assert note.comment == "Температура"
    # Only a request: the reasons stay unknown until the class teacher confirms.
    assert {m.reason_status for m in Mark.objects.filter(pk__in=[m.pk for m in marks])} == {
        ReasonStatus.UNKNOWN
    }
    assert AuditEntry.objects.filter(action="journal.guardian_note.submitted").count() == 1
    # The same form sent twice is one note.
    client.post(
        url(mother, today),
        {"start_date": f"{today:%Y-%m-%d}", "reason": "illness", "comment": "Температура"},
    )
    assert GuardianNote.objects.count() == 1


def test_an_absence_announced_ahead_for_chosen_lessons(
    client, mother, student, school_class, today
):
    tomorrow = today + datetime.timedelta(days=1)
    first, second = (make_lesson(school_class, tomorrow, period) for period in (1, 2))
    page = client.get(url(mother, today), {"day": f"{tomorrow:%Y-%m-%d}"}).content.decode()
    assert f'value="{first.pk}"' in page
    response = client.post(
        url(mother, today),
        {
            "start_date": f"{tomorrow:%Y-%m-%d}",
            "lessons": [first.pk],
            "reason": "appointment",
            "comment": "Приём у стоматолога",
        },
    )
    assert response.status_code == 302
    note = GuardianNote.objects.get()
    assert note.kind == GuardianNote.Kind.ADVANCE
    assert list(note.lessons.all()) == [first]


def test_lessons_of_another_class_cannot_be_chosen(client, mother, today, school):
    other = make_lesson(factories.SchoolClassFactory(school=school, letter="Я"), today, 1)
    before = state()
    response = client.post(
        url(mother, today),
        {"start_date": f"{today:%Y-%m-%d}", "lessons": [other.pk], "reason": "illness"},
    )
    assert response.status_code == 200
    assert state() == before


@pytest.mark.parametrize(
    "days,error",
    [(-30, "последние 14 дней"), (90, "60 дней вперёд")],
)
def test_dates_out_of_range_are_a_clear_error(client, mother, today, days, error):
    before = state()
    day = today + datetime.timedelta(days=days)
    response = client.post(
        url(mother, today), {"start_date": f"{day:%Y-%m-%d}", "reason": "illness"}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert state() == before


def test_an_altered_link_is_a_clear_error_and_changes_nothing(client, mother, today):
    token = make_token(mother.pk, today)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    before = state()
    for method in (client.get, client.post):
        response = method(
            reverse("notify:guardian", args=[altered]),
            {"start_date": f"{today:%Y-%m-%d}", "reason": "illness"},
        )
        assert response.status_code == 400
        assert "Ссылка повреждена" in response.content.decode()
    # Another guardian's id in a token signed by nobody.
    forged = signing.TimestampSigner(salt="something else").sign_object(
        {"g": mother.pk, "d": today.isoformat()}
    )
    assert client.get(reverse("notify:guardian", args=[forged])).status_code == 400
    response = client.post(
        reverse("notify:guardian_opt_out_public", args=[altered]), {"opted_out": "1"}
    )
    assert response.status_code == 400
    assert state() == before


def test_an_expired_link_is_a_clear_error_and_changes_nothing(client, mother, today, settings):
    eight_days_ago = datetime.datetime.now().timestamp() - 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = make_token(mother.pk, today)
    before = state()
    response = client.post(
        reverse("notify:guardian", args=[token]),
        {"start_date": f"{today:%Y-%m-%d}", "reason": "illness"},
    )
    assert response.status_code == 410
    assert "Срок действия ссылки истёк" in response.content.decode()
    assert client.get(reverse("notify:guardian", args=[token])).status_code == 410
    assert state() == before


def test_the_guardian_refuses_and_accepts_the_messages_through_the_link(client, mother, today):
    token = make_token(mother.pk, today)
    client.post(reverse("notify:guardian_opt_out_public", args=[token]), {"opted_out": "1"})
    mother.refresh_from_db()
    assert mother.message_preference.opted_out
    page = client.get(reverse("notify:guardian", args=[token])).content.decode()
    assert "Снова получать сообщения" in page
    client.post(reverse("notify:guardian_opt_out_public", args=[token]), {"opted_out": "0"})
    mother.message_preference.refresh_from_db()
    assert not mother.message_preference.opted_out


def test_a_flood_from_one_link_is_refused(client, mother, today, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    token = make_token(mother.pk, today)
    statuses = [
        client.post(
            reverse("notify:guardian_opt_out_public", args=[token]), {"opted_out": "1"}
        ).status_code
        for _ in range(22)
    ]
    assert statuses[:20] == [302] * 20
    assert statuses[-1] == 429


def test_the_class_teacher_confirms_on_the_class_day_and_the_absence_is_settled(
    client, mother, student, lessons, school_class, class_teacher, today
):
    marks = [mark_absent(lesson, student) for lesson in lessons[:2]]
    client.post(url(mother, today), {"start_date": f"{today:%Y-%m-%d}", "reason": "family"})
    note = GuardianNote.objects.get()
    client.force_login(class_teacher)
    day_url = reverse("journal:class_day", args=[school_class.pk])
    page = client.get(day_url).content.decode()
    assert "Сообщения родителей" in page and "семейные обстоятельства" in page
    response = client.post(
        reverse("journal:guardian_note_confirm", args=[school_class.pk, note.pk])
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == GuardianNote.Status.CONFIRMED and note.decided_by == class_teacher
    excuse = note.excuse
    assert excuse.kind == ExcuseDocument.Kind.PARENT_NOTE
    assert excuse.valid_reason == ValidReason.FAMILY_EMERGENCY
    for mark in marks:
        mark.refresh_from_db()
        assert mark.reason_status == ReasonStatus.VALID and mark.excuse_id == excuse.pk
    # Decided once: a second confirmation changes nothing.
    before = state()
    client.post(reverse("journal:guardian_note_confirm", args=[school_class.pk, note.pk]))
    assert state() == before


def test_a_rejected_note_settles_nothing(
    client, mother, student, lessons, school_class, class_teacher, today
):
    mark = mark_absent(lessons[0], student)
    client.post(url(mother, today), {"start_date": f"{today:%Y-%m-%d}", "reason": "other"})
    note = GuardianNote.objects.get()
    client.force_login(class_teacher)
    client.post(
        reverse("journal:guardian_note_reject", args=[school_class.pk, note.pk]),
        {"comment": "Не подтвердилось"},
    )
    note.refresh_from_db()
    mark.refresh_from_db()
    assert note.status == GuardianNote.Status.REJECTED
    assert note.decision_comment == "Не подтвердилось"
    assert note.excuse is None and mark.reason_status == ReasonStatus.UNKNOWN


def test_an_announced_absence_settles_the_marks_made_later(
    mother, student, school_class, class_teacher, school, today
):
    from journal.services.guardian_notes import submit_guardian_note

    tomorrow = today + datetime.timedelta(days=1)
    note = submit_guardian_note(
        guardian=mother, school=school, reason="illness", start_date=tomorrow, end_date=tomorrow
    )
    confirm_guardian_note(note=note, acting_user=class_teacher)
    lesson = make_lesson(school_class, tomorrow, 1)
    from journal.services import set_mark

    with mock.patch("django.utils.timezone.now", return_value=_at(tomorrow)):
        mark = set_mark(
            lesson=lesson, student_id=student.pk, kind="absent", acting_user=lesson.teacher
        )
    assert mark.reason_status == ReasonStatus.VALID
    assert mark.excuse.kind == ExcuseDocument.Kind.ADVANCE_NOTICE


def _at(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def test_another_class_teacher_cannot_decide(client, mother, student, school_class, school, today):
    client.post(url(mother, today), {"start_date": f"{today:%Y-%m-%d}", "reason": "illness"})
    note = GuardianNote.objects.get()
    other_class = factories.SchoolClassFactory(school=school, letter="Ю")
    from tests.journal.helpers import class_teacher_for

    stranger = class_teacher_for(other_class)
    client.force_login(stranger)
    assert (
        client.post(
            reverse("journal:guardian_note_confirm", args=[school_class.pk, note.pk])
        ).status_code
        == 403
    )
    # Through their own class the note is not found.
    assert (
        client.post(
            reverse("journal:guardian_note_confirm", args=[other_class.pk, note.pk])
        ).status_code
        == 404
    )
    note.refresh_from_db()
    assert note.is_pending
