"""Parents' notes about absences (issue #15 point 7, seed 002 §3.4).

A guardian states the reason of an absence, or announces one ahead, through the signed
link of the evening message (``notify``); nobody signs in, so the note is only a request:
the class teacher confirms or rejects it on the class day. Confirming registers an excuse
document (``excuses.register_excuse``), which settles the reason of every absence it
covers as any document does — also absences marked after the confirmation.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from schools.models import Enrollment, Guardian, SchoolClass

from ..models import GuardianNote, Lesson
from .errors import JournalError, JournalPermissionDenied
from .excuses import register_excuse

# How far back a guardian may explain an absence, and how far ahead announce one.
EXPLAIN_DAYS_BACK = 14
ANNOUNCE_DAYS_AHEAD = 60
# The longest period one note may cover.
MAX_NOTE_DAYS = 31
# Notes waiting for a decision one guardian may have at once: the link needs no account,
# so a leaked link must not fill the class teacher's page.
MAX_PENDING_PER_GUARDIAN = 10

SUBMITTED = "journal.guardian_note.submitted"
CONFIRMED = "journal.guardian_note.confirmed"
REJECTED = "journal.guardian_note.rejected"


def class_of(student_id: int, school_id: int, start: datetime.date, end: datetime.date):
    """The class the student is in over [start, end] in the school (the latest), or None."""
    enrollment = (
        Enrollment.objects.during(start, end)
        .filter(student_id=student_id, school_id=school_id)
        .select_related("school_class")
        .order_by("-start_date")
        .first()
    )
    return enrollment.school_class if enrollment else None


def kind_for(start: datetime.date, today: datetime.date) -> str:
    """A note starting today or earlier explains an absence; a later one announces it."""
    return GuardianNote.Kind.EXPLANATION if start <= today else GuardianNote.Kind.ADVANCE


def check_dates(start: datetime.date, end: datetime.date, today: datetime.date) -> None:
    """A clear error for dates a guardian may not state (an illness that began last week
    and lasts until Friday is one note)."""
    if end < start:
        raise JournalError(_("Дата окончания раньше даты начала."))
    if (end - start).days >= MAX_NOTE_DAYS:
        raise JournalError(
            _("Одно сообщение охватывает не больше %(days)s дней.") % {"days": MAX_NOTE_DAYS}
        )
    if start < today - datetime.timedelta(days=EXPLAIN_DAYS_BACK):
        raise JournalError(
            _("Причину можно указать за последние %(days)s дней.") % {"days": EXPLAIN_DAYS_BACK}
        )
    if end > today + datetime.timedelta(days=ANNOUNCE_DAYS_AHEAD):
        raise JournalError(
            _("Заранее можно сообщить не больше чем на %(days)s дней вперёд.")
            % {"days": ANNOUNCE_DAYS_AHEAD}
        )


def lessons_of_day(school_class: SchoolClass, day: datetime.date):
    """The lessons of the class on ``day`` a guardian may choose (not cancelled)."""
    return (
        Lesson.objects.filter(school_class=school_class, date=day)
        .exclude(status=Lesson.Status.CANCELLED)
        .select_related("subject")
        .order_by("period", "pk")
    )


def submit_guardian_note(
    *,
    guardian: Guardian,
    school,
    reason: str,
    start_date: datetime.date,
    end_date: datetime.date,
    lessons=(),
    comment: str = "",
) -> GuardianNote:
    """Record a guardian's note (no user: the signed link stands for the guardian)."""
    if reason not in GuardianNote.Reason.values:
        raise JournalError(_("Выберите причину."))
    today = timezone.localdate()
    check_dates(start_date, end_date, today)
    kind = kind_for(start_date, today)
    school_class = class_of(guardian.student_id, school.pk, start_date, end_date)
    if school_class is None:
        raise JournalError(_("В эти дни ребёнок не числится в школе."))
    lessons = list(lessons)
    if lessons and (
        start_date != end_date
        or any(
            lesson.date != start_date or lesson.school_class_id != school_class.pk
            for lesson in lessons
        )
    ):
        raise JournalError(_("Уроки выбирают только для одного дня."))
    with transaction.atomic():
        # The guardian's row serialises two submissions of theirs (a double tap).
        Guardian.objects.select_for_update().filter(pk=guardian.pk).exists()
        pending = GuardianNote.objects.filter(guardian=guardian, status=GuardianNote.Status.PENDING)
        twin = pending.filter(
            kind=kind,
            reason=reason,
            start_date=start_date,
            end_date=end_date,
            comment=comment,
        ).first()
        if twin is not None and sorted(twin.lessons.values_list("pk", flat=True)) == sorted(
            lesson.pk for lesson in lessons
        ):
            return twin
        if pending.count() >= MAX_PENDING_PER_GUARDIAN:
            raise JournalError(
                _(
                    "Классный руководитель ещё не рассмотрел ваши прежние сообщения. "
                    "Дождитесь решения или позвоните в школу."
                )
            )
        note = GuardianNote.objects.create(
            school=school,
            student_id=guardian.student_id,
            guardian=guardian,
            kind=kind,
            reason=reason,
            start_date=start_date,
            end_date=end_date,
            comment=comment,
        )
        if lessons:
            note.lessons.set(lessons)
        log_action(
            actor=None,
            action=SUBMITTED,
            obj=note,
            school=school,
            student_id=guardian.student_id,
            data={
                "guardian_id": guardian.pk,
                "kind": kind,
                "reason": reason,
                "start_date": start_date,
                "end_date": end_date,
                "lesson_ids": sorted(lesson.pk for lesson in lessons),
            },
        )
    return note


def _locked_pending(note: GuardianNote, acting_user) -> GuardianNote:
    school_class = class_of(note.student_id, note.school_id, note.start_date, note.end_date)
    if school_class is None or not acting_user.has_perm("journal.settle_reasons", school_class):
        raise JournalPermissionDenied(_("Сообщения родителей рассматривает классный руководитель."))
    locked = (
        GuardianNote.objects.select_for_update().select_related("student", "school").get(pk=note.pk)
    )
    if not locked.is_pending:
        raise JournalError(_("По этому сообщению решение уже принято."))
    return locked


def confirm_guardian_note(*, note: GuardianNote, acting_user) -> GuardianNote:
    """Accept the note: an excuse document settles the reason of the absences it covers."""
    with transaction.atomic():
        note = _locked_pending(note, acting_user)
        lessons = list(note.lessons.all())
        text = _("Сообщение родителей от %(at)s") % {
            "at": f"{timezone.localtime(note.submitted_at):%d.%m.%Y %H:%M}"
        }
        if note.comment:
            text = f"{text}: {note.comment}"
        excuse = register_excuse(
            student=note.student,
            school=note.school,
            kind=note.excuse_kind,
            valid_reason=note.valid_reason,
            start_date=note.start_date,
            end_date=note.end_date,
            lessons=lessons,
            note=text[:500],
            acting_user=acting_user,
        )
        note.status = GuardianNote.Status.CONFIRMED
        note.decided_by, note.decided_at = acting_user, timezone.now()
        note.excuse = excuse
        note.save(update_fields=["status", "decided_by", "decided_at", "excuse"])
        log_action(
            actor=acting_user,
            action=CONFIRMED,
            obj=note,
            school=note.school,
            student_id=note.student_id,
            data={
                "old": {"status": "pending"},
                "new": {"status": "confirmed"},
                "excuse_id": excuse.pk,
            },
        )
    return note


def reject_guardian_note(*, note: GuardianNote, acting_user, comment: str = "") -> GuardianNote:
    """Decline the note: the reasons stay as they are."""
    with transaction.atomic():
        note = _locked_pending(note, acting_user)
        note.status = GuardianNote.Status.REJECTED
        note.decided_by, note.decided_at = acting_user, timezone.now()
        note.decision_comment = comment[:300]
        note.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        log_action(
            actor=acting_user,
            action=REJECTED,
            obj=note,
            school=note.school,
            student_id=note.student_id,
            data={
                "old": {"status": "pending"},
                "new": {"status": "rejected", "comment": note.decision_comment},
            },
        )
    return note
