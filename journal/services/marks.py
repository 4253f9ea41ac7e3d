"""Marking a lesson (R-J-1): only deviations from «present» are stored.

A lesson opens for marking when it begins (its bell period's start), or
``journal.marking_opens_minutes_before`` minutes earlier: attendance is what the teacher
sees in the room, so a lesson cannot be marked ahead.
"""

import datetime
import re
from dataclasses import dataclass
from fractions import Fraction

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policy.services import school_settings

from .. import selectors, units
from ..models import BellPeriod, Lesson, Mark, MarkRequest
from ..signals import notify_attendance_changed
from . import history
from .errors import JournalError, JournalPermissionDenied
from .locks import is_week_locked
from .reasons import apply_effective_reasons

PRESENT = history.PRESENT
KINDS = (PRESENT, Mark.Kind.ABSENT, Mark.Kind.LATE)


def snapshot(mark: Mark | None) -> dict:
    if mark is None:
        return {"kind": PRESENT}
    data = {"kind": mark.kind, "reason_status": mark.reason_status}
    if mark.minutes_late:
        data["minutes_late"] = mark.minutes_late
    if mark.valid_reason:
        data["valid_reason"] = mark.valid_reason
    return data


# Passed for ``bell`` when the caller has not looked the lesson's bell period up.
UNKNOWN_BELL = object()


def check_can_edit_lesson(user, lesson: Lesson, *, policy=None) -> None:
    """``policy``: the school's settings when the caller has them (saves a query)."""
    if not user.has_perm("journal.mark_lesson", lesson):
        raise JournalPermissionDenied(_("Вы не можете отмечать посещаемость этого урока."))
    if policy is None:
        policy = school_settings(lesson.school_id)
    if is_week_locked(lesson.school_class_id, lesson.date, policy=policy) and not user.has_perm(
        "journal.edit_locked_marks", lesson
    ):
        raise JournalPermissionDenied(
            _(
                "Неделя закрыта (рапортичка утверждена): изменить отметку может только заместитель директора."
            )
        )


def lesson_start(lesson: Lesson, bell: BellPeriod | None) -> datetime.datetime:
    """When the lesson begins: its bell period's start, else the start of its day."""
    start = bell.start_time if bell is not None else datetime.time.min
    return timezone.make_aware(datetime.datetime.combine(lesson.date, start))


def marking_opens_at(
    lesson: Lesson, *, bell: BellPeriod | None, minutes_before: int
) -> datetime.datetime:
    return lesson_start(lesson, bell) - datetime.timedelta(minutes=minutes_before)


def check_marking_open(lesson: Lesson, *, policy=None, bell=UNKNOWN_BELL, now=None) -> None:
    """JournalError while the lesson is not open for marking yet."""
    if policy is None:
        policy = school_settings(lesson.school_id)
    if bell is UNKNOWN_BELL:
        bell = selectors.bell_of(lesson)
    opens_at = marking_opens_at(
        lesson, bell=bell, minutes_before=policy["journal.marking_opens_minutes_before"]
    )
    if (now or timezone.now()) < opens_at:
        local = timezone.localtime(opens_at)
        raise JournalError(
            _("Урок ещё не начался: отметить посещаемость можно с %(time)s %(date)s.")
            % {"time": f"{local:%H:%M}", "date": f"{local:%d.%m.%Y}"}
        )


def opening_times_ahead(lessons, bells: dict, *, now=None) -> dict[int, datetime.datetime]:
    """{lesson id: when marking opens} for those of ``lessons`` not open yet.

    ``bells`` maps (school id, period number) to the bell period. Lessons of past days are
    open whatever the setting (it only moves the opening earlier), so they cost no query.
    """
    now = now or timezone.now()
    upcoming = [
        lesson
        for lesson in lessons
        if lesson.date >= timezone.localdate(now) and not lesson.is_cancelled
    ]
    if not upcoming:
        return {}
    school_ids = {lesson.school_id for lesson in upcoming}
    policies = {school_id: school_settings(school_id) for school_id in school_ids}
    result = {}
    for lesson in upcoming:
        opens_at = marking_opens_at(
            lesson,
            bell=bells.get((lesson.school_id, lesson.period)),
            minutes_before=policies[lesson.school_id]["journal.marking_opens_minutes_before"],
        )
        if now < opens_at:
            result[lesson.pk] = opens_at
    return result


def with_marking_times(lessons: list[Lesson], *, now=None) -> list[Lesson]:
    """Give each lesson its ``bell`` (or None) and ``opens_at``: when marking opens if it is
    not open yet, else None. Two queries a school at most (none when its bells and settings
    are kept), whatever the number of lessons."""
    bells = selectors.bells_of(lessons)
    opening = opening_times_ahead(lessons, bells, now=now)
    for lesson in lessons:
        lesson.bell = bells.get((lesson.school_id, lesson.period))
        lesson.opens_at = opening.get(lesson.pk)
    return lessons


def check_can_mark(user, lesson: Lesson, *, bell=UNKNOWN_BELL, now=None, policy=None) -> None:
    """Everything that stops ``user`` from marking ``lesson`` now, as the error shown.
    ``policy``: the school's settings when the caller has them.

    JournalPermissionDenied when the user may not mark it (403), JournalError when the
    lesson is cancelled or not open yet.
    """
    if lesson.is_cancelled:
        raise JournalError(_("Урок отменён: посещаемость на нём не отмечается."))
    if policy is None:
        policy = school_settings(lesson.school_id)
    check_can_edit_lesson(user, lesson, policy=policy)
    check_marking_open(lesson, policy=policy, bell=bell, now=now)


def marking_refusal(user, lesson: Lesson, *, bell=UNKNOWN_BELL) -> str:
    """Why ``user`` cannot mark ``lesson`` now (a read-only page shows it), or ""."""
    try:
        check_can_mark(user, lesson, bell=bell)
    except (JournalError, JournalPermissionDenied) as refusal:
        return str(refusal)
    return ""


def _validate(lesson: Lesson, kind: str, minutes_late: int | None) -> None:
    if kind not in KINDS:
        raise JournalError(_("Неизвестная отметка."))
    if lesson.is_cancelled:
        raise JournalError(_("Урок отменён: посещаемость на нём не отмечается."))
    if minutes_late is not None and kind != Mark.Kind.LATE:
        raise JournalError(_("Минуты опоздания указываются только для опоздания."))


def _validate_minutes_late(lesson: Lesson, minutes_late: int | None, policy) -> None:
    """After the permission check; ``policy``: the school's settings."""
    if minutes_late is None:
        return
    share = Fraction(policy["journal.lesson_missed_fraction"])
    if minutes_late <= 0 or units.at_least(minutes_late, lesson.duration_minutes, share):
        # Seed 002 §2.4/2.6: arriving after half of the lesson is an absence, not lateness.
        limit = f"{float(share * lesson.duration_minutes):g}".replace(".", ",")
        if share == units.HALF:
            message = _(
                "Опоздание должно быть меньше половины урока (%(limit)s мин); иначе это пропуск (Н)."
            )
        else:
            message = _("Опоздание должно быть меньше %(limit)s мин урока; иначе это пропуск (Н).")
        raise JournalError(message % {"limit": limit})


def record_attendance_taken(lesson: Lesson, user) -> None:
    """Mark that attendance was taken, so «all present» differs from «not marked yet»."""
    if lesson.attendance_taken_at is None:
        now = timezone.now()
        Lesson.objects.filter(pk=lesson.pk, attendance_taken_at__isnull=True).update(
            attendance_taken_at=now, attendance_taken_by=user
        )
        lesson.attendance_taken_at, lesson.attendance_taken_by = now, user


# The constraint a concurrent request's mark for the same lesson and student violates.
ONE_MARK_PER_LESSON = "unique_mark_per_lesson"


def _violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reports for ``error`` (psycopg's diagnostics)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _insert_or_lock(mark: Mark) -> tuple[Mark, bool]:
    """Insert the new mark, or lock the row a concurrent request created first.

    Only a duplicate mark means that; any other constraint's error (one raised by a trigger
    the insert fires, a check) propagates as it is."""
    try:
        with transaction.atomic():
            mark.save(force_insert=True)
            return mark, True
    except IntegrityError as error:
        if _violated_constraint(error) != ONE_MARK_PER_LESSON:
            raise
        return Mark.objects.select_for_update().get(
            lesson=mark.lesson, student_id=mark.student_id
        ), False


def set_mark(
    *, lesson: Lesson, student_id: int, kind: str, acting_user, minutes_late: int | None = None
) -> Mark | None:
    """Set one student's mark for a lesson. Repeating the same call changes nothing."""
    return _set_mark(
        lesson=lesson,
        student_id=student_id,
        kind=kind,
        acting_user=acting_user,
        minutes_late=minutes_late,
        savepoint=True,
    )


def _set_mark(
    *, lesson: Lesson, student_id: int, kind: str, acting_user, minutes_late, savepoint: bool
) -> Mark | None:
    """``set_mark``; ``savepoint=False`` inside a transaction that fails as a whole on an
    error (``set_mark_once``'s: two statements fewer a tap)."""
    _validate(lesson, kind, minutes_late)
    policy = school_settings(lesson.school_id)
    check_can_mark(acting_user, lesson, policy=policy)
    _validate_minutes_late(lesson, minutes_late, policy)
    if not selectors.is_on_roster(lesson, student_id):
        raise JournalError(_("Обучающийся не числится в классе (подгруппе) на дату урока."))

    with transaction.atomic(savepoint=savepoint):
        # Unordered: Mark's Meta.ordering would join the lesson and lock its row too.
        marks = Mark.objects.select_for_update().filter(lesson=lesson, student_id=student_id)
        mark = marks.order_by().first()
        old = snapshot(mark)
        if kind == PRESENT:
            if mark is not None:
                mark.delete()
                mark = None
        elif mark is None:
            mark, created = _insert_or_lock(
                _new_mark(lesson, student_id, kind, minutes_late, acting_user)
            )
            if not created:
                # A concurrent request (the same tap sent twice) stored it first: the change,
                # if any, is from its mark, so the history does not record the tap twice.
                old = snapshot(mark)
                _change_kind(mark, kind, minutes_late, acting_user)
        else:
            _change_kind(mark, kind, minutes_late, acting_user)
        new = snapshot(mark)
        record_attendance_taken(lesson, acting_user)
        if old != new:
            _record_change(lesson, student_id, old, new, acting_user)
    return mark


def _new_mark(lesson, student_id, kind, minutes_late, user) -> Mark:
    mark = Mark(
        lesson=lesson,
        student_id=student_id,
        school_id=lesson.school_id,
        date=lesson.date,
        kind=kind,
        minutes_late=minutes_late if kind == Mark.Kind.LATE else None,
        created_by=user,
        updated_by=user,
    )
    if kind == Mark.Kind.ABSENT:
        # R-J-3: a document registered before the mark already excuses it.
        apply_effective_reasons([mark])
    return mark


def _change_kind(mark: Mark, kind: str, minutes_late: int | None, user) -> None:
    minutes = minutes_late if kind == Mark.Kind.LATE else None
    if mark.kind == kind and mark.minutes_late == minutes:
        return
    became_absence = kind == Mark.Kind.ABSENT and mark.kind != kind
    mark.kind, mark.minutes_late, mark.updated_by = kind, minutes, user
    if became_absence:
        apply_effective_reasons([mark])
    mark.save()


def _record_change(lesson: Lesson, student_id: int, old: dict, new: dict, user) -> None:
    entry = history.mark_change_entry(
        lesson=lesson, student_id=student_id, old=old, new=new, actor=user
    )
    history.record_history([entry])
    notify_attendance_changed(school_id=lesson.school_id, student_ids=[student_id])


def confirm_attendance_taken(*, lesson: Lesson, acting_user) -> None:
    """«Все присутствуют»: attendance taken with no (further) deviations."""
    check_can_mark(acting_user, lesson)
    with transaction.atomic():
        record_attendance_taken(lesson, acting_user)


# A client's own key for one mark: a UUID from the phone, an integration's id of the row.
CLIENT_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}", re.ASCII)
# The constraint a concurrent request with the same key violates.
ONE_REQUEST_PER_KEY = "unique_mark_request_key"
# Longer than any lesson; the rule of half a lesson (_validate_minutes_late) decides the rest.
MAX_MINUTES_LATE = 600


class ClientKeyConflict(JournalError):
    """The key was sent before with another mark: nothing is changed."""


@dataclass(frozen=True)
class MarkOutcome:
    mark: Mark | None  # the student's mark now (None: present)
    request: MarkRequest  # what the key asked
    replayed: bool  # the key was seen before: this call changed nothing


def check_client_key(client_key) -> str:
    key = client_key.strip() if isinstance(client_key, str) else ""
    if not CLIENT_KEY.fullmatch(key):
        raise JournalError(
            _(
                "Неверный ключ запроса: 1–100 латинских букв, цифр и знаков «.», «_», «:», «-», "
                "например UUID."
            )
        )
    return key


def set_mark_once(
    *,
    lesson: Lesson,
    student_id: int,
    kind: str,
    acting_user,
    client_key: str,
    minutes_late: int | None = None,
) -> MarkOutcome:
    """``set_mark`` at most once per ``client_key`` of ``acting_user``.

    The first call claims the key in the transaction that sets the mark (a refusal releases
    it). A repeat answers what the first asked and changes nothing, even when the mark has
    been changed since; a concurrent twin waits for the first on the key's unique index.
    The same key with another lesson, student or mark is refused (ClientKeyConflict).
    """
    client_key = check_client_key(client_key)
    # Before the key's row is written: a kind or a number it cannot hold is refused here.
    _validate(lesson, kind, minutes_late)
    if minutes_late is not None and not 0 < minutes_late <= MAX_MINUTES_LATE:
        raise JournalError(_("Неверное число минут опоздания."))
    asked = {
        "lesson": lesson,
        "student_id": student_id,
        "kind": kind,
        "minutes_late": minutes_late,
    }
    # The key is claimed first: a repeat (rare) finds it taken, a new tap is not slowed down
    # by looking for it.
    with transaction.atomic():
        request, claimed = _claim_key(MarkRequest(user=acting_user, client_key=client_key, **asked))
        if not claimed:
            return _replay(request, acting_user, **asked)
        mark = _set_mark(acting_user=acting_user, savepoint=False, **asked)
    return MarkOutcome(mark=mark, request=request, replayed=False)


def _claim_key(request: MarkRequest) -> tuple[MarkRequest, bool]:
    """Insert the key, or take the row a concurrent request with it committed first.

    ``ON CONFLICT DO NOTHING`` waits for a concurrent twin like the unique index does, and
    needs no savepoint (two statements fewer on every tap)."""
    request.created_at = timezone.now()
    values = [
        request.user_id,
        request.client_key,
        request.lesson_id,
        request.student_id,
        request.kind,
        request.minutes_late,
        request.created_at,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {MarkRequest._meta.db_table}
                    (user_id, client_key, lesson_id, student_id, kind, minutes_late, created_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT ON CONSTRAINT {ONE_REQUEST_PER_KEY} DO NOTHING
                RETURNING id""",
            values,
        )
        inserted = cursor.fetchone()
    if inserted is not None:
        request.pk = inserted[0]
        request._state.adding, request._state.db = False, connection.alias
        return request, True
    return MarkRequest.objects.get(user=request.user, client_key=request.client_key), False


def _replay(
    earlier: MarkRequest, acting_user, *, lesson, student_id, kind, minutes_late
) -> MarkOutcome:
    asked = (lesson.pk, student_id, kind, minutes_late)
    if asked != (earlier.lesson_id, earlier.student_id, earlier.kind, earlier.minutes_late):
        raise ClientKeyConflict(
            _("Ключ запроса «%(key)s» уже использован для другой отметки.")
            % {"key": earlier.client_key}
        )
    if not acting_user.has_perm("journal.mark_lesson", lesson):
        raise JournalPermissionDenied(_("Вы не можете отмечать посещаемость этого урока."))
    mark = Mark.objects.filter(lesson=lesson, student_id=student_id).first()
    return MarkOutcome(mark=mark, request=earlier, replayed=True)
