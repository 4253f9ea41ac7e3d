"""Timetable services (R-CAL-3): weekly template → concrete lessons, cancellations, replacements.

Lessons are generated from the active ``TimetableEntry`` rows for every school
day of a class (``journal.calendar``). On a moved working day the class follows
the timetable of the weekday the calendar names (Saturday 2025-11-01 runs
Monday's lessons). ``generate_lessons`` only adds lessons: a slot (class, group,
date, period) that already has a lesson is left alone, whether it was generated
earlier, edited, cancelled or entered by hand, so running it again is harmless.

When the template changes after the lessons were made, ``plan_lessons`` compares
the generated lessons (those with a ``source_entry``) with what the template and
the calendar now ask for: lessons to add, lessons whose subject or teacher
changes, lessons no longer in the template. A lesson that has been worked with —
attendance taken or marked, a topic written, a substitute, a cancellation, an
excuse or a note that names it — is never changed or removed: the plan lists it
as kept, with why. ``apply_lesson_plan`` applies a plan in one transaction, and
refuses when the plan differs from the one the user previewed (its
``fingerprint``). Lessons entered by hand (no ``source_entry``) are never touched.

Who may call these services is checked by the caller (views ask ``rules``).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.selectors import school_ids_for_user
from audit.services import log_action
from journal.calendar import SchoolCalendar
from journal.models import Lesson, Mark, MarkRequest, Term, TimetableEntry
from journal.services.errors import JournalError
from schools.models import School, SchoolClass

BULK_BATCH_SIZE = 1000


def generate_lessons(
    *,
    school: School,
    start: datetime.date,
    end: datetime.date,
    acting_user=None,
    school_class: SchoolClass | None = None,
) -> int:
    """Create the missing lessons of ``school`` (or of one class) from ``start`` to ``end``.

    Returns the number of lessons created. Nothing already made is changed or removed
    (``apply_lesson_plan`` does that). Runs a bounded number of queries whatever the
    number of classes and days.
    """
    with transaction.atomic():
        plan = plan_lessons(
            school=school, start=start, end=end, school_class=school_class, additions_only=True
        )
        _create(plan.to_add)
        if plan.to_add:
            log_action(
                actor=acting_user,
                action="journal.lessons.generated",
                obj=school,
                data={
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "school_class": school_class.pk if school_class else None,
                    "created": len(plan.to_add),
                },
            )
    return len(plan.to_add)


@dataclass
class LessonChange:
    """A generated lesson the template now gives another subject or teacher."""

    lesson: Lesson
    entry: TimetableEntry

    @property
    def subject_changes(self) -> bool:
        return self.lesson.subject_id != self.entry.subject_id

    @property
    def teacher_changes(self) -> bool:
        return self.lesson.teacher_id != self.entry.teacher_id


@dataclass
class KeptLesson:
    """A lesson the plan would change or remove but keeps, because it has been worked with."""

    lesson: Lesson
    reasons: list[str]
    # What the template asks for: another subject or teacher (an entry), or no lesson (None).
    entry: TimetableEntry | None = None


@dataclass
class LessonPlan:
    """What generating the lessons of ``start``–``end`` would do (``plan_lessons``)."""

    school: School
    start: datetime.date
    end: datetime.date
    school_class: SchoolClass | None = None
    to_add: list[Lesson] = field(default_factory=list)
    to_change: list[LessonChange] = field(default_factory=list)
    to_remove: list[Lesson] = field(default_factory=list)
    kept: list[KeptLesson] = field(default_factory=list)
    # Lessons whose template line was split (a change from a date): same lesson, new line.
    to_relink: list[tuple[Lesson, TimetableEntry]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.to_add or self.to_change or self.to_remove)

    @property
    def fingerprint(self) -> str:
        """A digest of every change and every kept lesson: the preview the user confirmed
        must be the plan applied."""
        parts = [f"{self.school.pk}:{self.start}:{self.end}"]
        parts += sorted(
            f"+{new.school_class_id}:{new.group_id}:{new.date}:{new.period}:"
            f"{new.subject_id}:{new.teacher_id}"
            for new in self.to_add
        )
        parts += sorted(
            f"~{c.lesson.pk}:{c.entry.subject_id}:{c.entry.teacher_id}" for c in self.to_change
        )
        parts += sorted(f"-{lesson.pk}" for lesson in self.to_remove)
        parts += sorted(f"={k.lesson.pk}" for k in self.kept)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def added_by_class(self) -> list[tuple[SchoolClass, int]]:
        """How many lessons each class gets, classes in order."""
        counts: dict[int, int] = defaultdict(int)
        for lesson in self.to_add:
            counts[lesson.school_class_id] += 1
        classes = {lesson.school_class_id: lesson.school_class for lesson in self.to_add}
        ordered = sorted(classes.values(), key=lambda c: (c.grade, c.letter))
        return [(school_class, counts[school_class.pk]) for school_class in ordered]


def plan_lessons(
    *,
    school: School,
    start: datetime.date,
    end: datetime.date,
    school_class: SchoolClass | None = None,
    additions_only: bool = False,
    lock: bool = False,
) -> LessonPlan:
    """Compare the lessons of ``start``–``end`` with the template and the calendar.

    ``lock`` (inside a transaction) locks the lessons of the range so that nobody marks
    or edits them until the plan is applied. A fixed number of queries.
    """
    if start > end:
        raise JournalError(_("Дата начала позже даты окончания."))
    if school_class is not None and school_class.school_id != school.pk:
        raise JournalError(_("Класс относится к другой школе."))
    plan = LessonPlan(school=school, start=start, end=end, school_class=school_class)
    classes = SchoolClass.objects.filter(
        school=school, academic_year__start_date__lte=end, academic_year__end_date__gte=start
    )
    if school_class is not None:
        classes = classes.filter(pk=school_class.pk)
    classes = list(classes)
    if not classes:
        return plan

    calendar = SchoolCalendar.for_school(school, start, end)
    entries = _entries_by_class_and_weekday(classes, start, end)
    if additions_only:
        # Only which slots are taken matters: no need to load the lessons themselves.
        existing = set(
            Lesson.objects.filter(school_class__in=classes, date__range=(start, end)).values_list(
                "school_class_id", "group_id", "date", "period"
            )
        )
    else:
        existing = _existing_lessons(classes, start, end, lock=lock)
    wanted: dict[tuple, TimetableEntry] = {}
    for current_class in classes:
        for day in calendar.school_days(current_class):
            for entry in entries.get((current_class.pk, calendar.timetable_weekday(day)), ()):
                slot = (current_class.pk, entry.group_id, day, entry.period)
                if slot in wanted or not entry.active_on(day):
                    continue
                wanted[slot] = entry
                if slot not in existing:
                    lesson = _lesson_from_entry(school, entry, day)
                    lesson.school_class = current_class
                    plan.to_add.append(lesson)
    if additions_only:
        return plan
    _plan_changes(plan, existing, wanted)
    return plan


def _plan_changes(plan: LessonPlan, existing: dict, wanted: dict) -> None:
    generated = [lesson for lesson in existing.values() if lesson.source_entry_id is not None]
    changes, removals = [], []
    for lesson in generated:
        entry = wanted.get((lesson.school_class_id, lesson.group_id, lesson.date, lesson.period))
        if entry is None:
            removals.append(lesson)
        elif lesson.subject_id != entry.subject_id or _planned_teacher(lesson) != entry.teacher_id:
            changes.append(LessonChange(lesson=lesson, entry=entry))
        elif lesson.source_entry_id != entry.pk:
            plan.to_relink.append((lesson, entry))
    worked = _worked_with([c.lesson for c in changes] + removals)
    for change in changes:
        reasons = worked.get(change.lesson.pk)
        if reasons:
            plan.kept.append(KeptLesson(lesson=change.lesson, reasons=reasons, entry=change.entry))
        else:
            plan.to_change.append(change)
    for lesson in removals:
        reasons = worked.get(lesson.pk)
        if reasons:
            plan.kept.append(KeptLesson(lesson=lesson, reasons=reasons))
        else:
            plan.to_remove.append(lesson)
    plan.kept.sort(key=lambda k: (k.lesson.date, k.lesson.period, k.lesson.school_class_id))


def _planned_teacher(lesson: Lesson) -> int:
    return lesson.replaced_teacher_id or lesson.teacher_id


def _existing_lessons(classes, start, end, *, lock: bool) -> dict[tuple, Lesson]:
    lessons = Lesson.objects.filter(school_class__in=classes, date__range=(start, end))
    if lock:
        lessons = lessons.select_for_update(of=("self",))
    lessons = lessons.select_related("school_class", "subject", "teacher", "group")
    return {
        (lesson.school_class_id, lesson.group_id, lesson.date, lesson.period): lesson
        for lesson in lessons
    }


def _worked_with(lessons: list[Lesson]) -> dict[int, list[str]]:
    """Why each of ``lessons`` must stay as it is (no entry: nothing has been done with it).

    Besides marks and the lesson's own fields, any other row that names a lesson (an
    excuse, a parent's note, a mark request …) keeps it: found through the model's
    relations, so a table added later protects its lessons without a change here."""
    reasons: dict[int, list[str]] = defaultdict(list)
    if not lessons:
        return reasons
    ids = [lesson.pk for lesson in lessons]
    for lesson in lessons:
        if lesson.attendance_taken_at is not None:
            reasons[lesson.pk].append(_("посещаемость отмечена"))
        if lesson.is_cancelled:
            reasons[lesson.pk].append(
                _("урок отменён: %(reason)s") % {"reason": lesson.cancel_reason}
            )
        if lesson.replaced_teacher_id is not None:
            reasons[lesson.pk].append(_("назначена замена"))
        if lesson.topic:
            reasons[lesson.pk].append(_("записана тема урока"))
    for lesson_id in (
        Mark.objects.filter(lesson_id__in=ids).values_list("lesson_id", flat=True).distinct()
    ):
        reasons[lesson_id].append(_("есть отметки посещаемости"))
    for model, column in _rows_naming_a_lesson():
        if model is MarkRequest:
            label = _("отметки с телефона или через API")
        else:
            # An M2M's table is labelled by the model that owns the relation.
            owner = model._meta.auto_created or model
            label = owner._meta.verbose_name_plural
        found = model.objects.filter(**{f"{column}__in": ids}).values_list(column, flat=True)
        for lesson_id in set(found):
            reasons[lesson_id].append(_("связан: %(what)s") % {"what": label})
    return reasons


def _rows_naming_a_lesson() -> list[tuple[type, str]]:
    """Every (model, foreign key column) that points at a lesson, marks aside; hidden
    relations (``related_name="+"``) and many-to-many tables included."""
    return [
        (relation.related_model, relation.field.name)
        for relation in Lesson._meta.get_fields(include_hidden=True)
        if relation.one_to_many and relation.auto_created and relation.related_model is not Mark
    ]


def apply_lesson_plan(
    *,
    school: School,
    start: datetime.date,
    end: datetime.date,
    acting_user,
    fingerprint: str,
    school_class: SchoolClass | None = None,
) -> LessonPlan:
    """Apply the plan of ``start``–``end`` the user previewed, in one transaction.

    The lessons of the range are locked and the plan computed again: if it is not the
    one previewed (``fingerprint``) — someone marked a lesson, changed the template —
    nothing is done and the user is asked to look at the new preview. Kept lessons stay
    as they are."""
    with transaction.atomic():
        plan = plan_lessons(
            school=school, start=start, end=end, school_class=school_class, lock=True
        )
        if plan.fingerprint != fingerprint:
            raise JournalError(
                _(
                    "Пока вы смотрели предварительный просмотр, расписание или уроки "
                    "изменились. Проверьте изменения ещё раз."
                )
            )
        _create(plan.to_add)
        for change in plan.to_change:
            change.lesson.subject_id = change.entry.subject_id
            change.lesson.teacher_id = change.entry.teacher_id
            change.lesson.source_entry_id = change.entry.pk
        for lesson, entry in plan.to_relink:
            lesson.source_entry_id = entry.pk
        Lesson.objects.bulk_update(
            [c.lesson for c in plan.to_change] + [lesson for lesson, _entry in plan.to_relink],
            ["subject", "teacher", "source_entry"],
            batch_size=BULK_BATCH_SIZE,
        )
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in plan.to_remove]).delete()
        if not plan.is_empty:
            log_action(
                actor=acting_user,
                action="journal.lessons.plan_applied",
                obj=school,
                data=_plan_audit(plan),
            )
    return plan


def _plan_audit(plan: LessonPlan) -> dict:
    def describe(lesson: Lesson) -> dict:
        return {
            "id": lesson.pk,
            "date": lesson.date.isoformat(),
            "period": lesson.period,
            "class_id": lesson.school_class_id,
            "group_id": lesson.group_id,
            "subject_id": lesson.subject_id,
            "teacher_id": lesson.teacher_id,
        }

    return {
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "school_class": plan.school_class.pk if plan.school_class else None,
        "created": len(plan.to_add),
        "changed": [
            {
                **describe(c.lesson),
                "new_subject_id": c.entry.subject_id,
                "new_teacher_id": c.entry.teacher_id,
            }
            for c in plan.to_change
        ],
        "removed": [describe(lesson) for lesson in plan.to_remove],
        "kept": [k.lesson.pk for k in plan.kept],
    }


def _create(lessons: list[Lesson]) -> None:
    # ignore_conflicts covers a concurrent run that filled a slot since we looked.
    Lesson.objects.bulk_create(lessons, batch_size=BULK_BATCH_SIZE, ignore_conflicts=True)


def _entries_by_class_and_weekday(classes, start, end) -> dict[tuple[int, int], list]:
    entries = TimetableEntry.objects.filter(school_class__in=classes, valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    grouped = defaultdict(list)
    for entry in entries.order_by("period", "valid_from", "pk"):
        grouped[(entry.school_class_id, entry.weekday)].append(entry)
    return grouped


def _lesson_from_entry(school: School, entry: TimetableEntry, day: datetime.date) -> Lesson:
    return Lesson(
        school=school,
        school_class_id=entry.school_class_id,
        group_id=entry.group_id,
        date=day,
        period=entry.period,
        subject_id=entry.subject_id,
        teacher_id=entry.teacher_id,
        duration_minutes=school.lesson_minutes,
        source_entry=entry,
    )


def generate_term_lessons(*, term: Term, acting_user=None) -> int:
    """Create the lessons of every class of the term's school for the whole term."""
    return generate_lessons(
        school=term.academic_year.school,
        start=term.start_date,
        end=term.end_date,
        acting_user=acting_user,
    )


def cancel_lesson(*, lesson: Lesson, reason: str, acting_user) -> Lesson:
    """Cancel a lesson (it no longer counts as instructional time); marks must be removed first."""
    reason = (reason or "").strip()
    if not reason:
        raise JournalError(_("Укажите причину отмены урока."))
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.is_cancelled:
            raise JournalError(_("Урок уже отменён."))
        if lesson.marks.exists():
            raise JournalError(
                _(
                    "На уроке уже отмечена посещаемость: сначала снимите отметки, затем отмените урок."
                )
            )
        lesson.status = Lesson.Status.CANCELLED
        lesson.cancel_reason = reason
        lesson.save(update_fields=["status", "cancel_reason"])
        log_action(
            actor=acting_user,
            action="journal.lesson.cancelled",
            obj=lesson,
            data={"reason": reason},
        )
    return lesson


def restore_lesson(*, lesson: Lesson, acting_user) -> Lesson:
    """Undo a cancellation made by mistake: the lesson is held as scheduled."""
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if not lesson.is_cancelled:
            raise JournalError(_("Урок не отменён."))
        reason = lesson.cancel_reason
        lesson.status = Lesson.Status.SCHEDULED
        lesson.cancel_reason = ""
        lesson.save(update_fields=["status", "cancel_reason"])
        log_action(
            actor=acting_user,
            action="journal.lesson.restored",
            obj=lesson,
            data={"cancel_reason": reason},
        )
    return lesson


def replace_teacher(*, lesson: Lesson, teacher, acting_user) -> Lesson:
    """Give a lesson to a substitute; ``replaced_teacher`` keeps the planned teacher.

    Replacing a substitute again keeps the planned teacher recorded; giving the
    lesson back to the planned teacher clears the replacement.
    """
    if lesson.school_id not in school_ids_for_user(teacher):
        raise JournalError(_("Замещающий учитель не работает в этой школе."))
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if lesson.is_cancelled:
            raise JournalError(_("Урок отменён: замена не назначается."))
        if lesson.teacher_id == teacher.pk:
            raise JournalError(_("Этот учитель уже ведёт урок."))
        if lesson.attendance_taken_at is not None or lesson.marks.exists():
            raise JournalError(
                _(
                    "На уроке уже отмечена посещаемость: замену назначают до урока. "
                    "Отметки остаются за тем, кто провёл урок."
                )
            )
        previous_teacher_id = lesson.teacher_id
        planned_teacher_id = lesson.replaced_teacher_id or lesson.teacher_id
        lesson.teacher = teacher
        lesson.replaced_teacher_id = (
            None if teacher.pk == planned_teacher_id else planned_teacher_id
        )
        lesson.save(update_fields=["teacher", "replaced_teacher"])
        log_action(
            actor=acting_user,
            action="journal.lesson.teacher_replaced",
            obj=lesson,
            data={
                "teacher": teacher.pk,
                "previous_teacher": previous_teacher_id,
                "planned_teacher": planned_teacher_id,
            },
        )
    return lesson
