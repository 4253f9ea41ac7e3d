"""One rule, one history: the reason in effect is decided in one place whatever the order
of events, every change writes exactly one audit entry (the student's history), and rows
changed in bulk say when they changed."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from journal.models import ExcuseDocument, Mark, ReasonStatus, ValidReason
from journal.services import register_excuse, set_mark, set_reasons, withdraw_excuse
from journal.services.history import HistoryAction, history_action
from journal.views.student_card import HistoryLesson, describe_change
from tests import factories
from tests.journal.helpers import class_teacher_for, make_lesson

MON = datetime.date(2025, 10, 13)
TUE = MON + datetime.timedelta(days=1)


@pytest.fixture
def setup(school_class):
    student = factories.enrolled_student(school_class)
    teacher = class_teacher_for(school_class)
    lessons = [make_lesson(school_class, MON, 1), make_lesson(school_class, MON, 2)]
    return student, teacher, lessons


def _mark(lesson, student, kind="absent", **kwargs):
    return set_mark(
        lesson=lesson, student_id=student.pk, kind=kind, acting_user=lesson.teacher, **kwargs
    )


def _register(student, teacher, school, **kwargs):
    return register_excuse(
        student=student,
        school=school,
        kind=kwargs.pop("kind", ExcuseDocument.Kind.MEDICAL_CERTIFICATE),
        start_date=kwargs.pop("start_date", MON),
        end_date=kwargs.pop("end_date", TUE),
        acting_user=teacher,
        **kwargs,
    )


# Every change writes exactly one history entry: (step, entries it writes, what the card says).
def _steps(student, teacher, school, lessons):
    first, second = lessons
    state = {}

    def register():
        state["excuse"] = _register(student, teacher, school)

    return [
        ("mark set", lambda: _mark(first, student), [HistoryAction.MARK_SET]),
        ("same mark again", lambda: _mark(first, student), []),
        (
            "mark changed",
            lambda: _mark(first, student, "late", minutes_late=5),
            [HistoryAction.MARK_CHANGED],
        ),
        ("absent again", lambda: _mark(first, student), [HistoryAction.MARK_CHANGED]),
        ("second lesson", lambda: _mark(second, student), [HistoryAction.MARK_SET]),
        (
            "reasons of two absences",
            lambda: set_reasons(
                marks=list(Mark.objects.filter(student=student)),
                status=ReasonStatus.INVALID,
                note="прогул",
                acting_user=teacher,
            ),
            [HistoryAction.REASON_SET, HistoryAction.REASON_SET],
        ),
        ("document registered", register, [HistoryAction.EXCUSE_ADDED]),
        (
            "document withdrawn",
            lambda: withdraw_excuse(excuse=state["excuse"], acting_user=teacher, reason="ошибка"),
            [HistoryAction.EXCUSE_WITHDRAWN],
        ),
        ("mark cleared", lambda: _mark(second, student, "present"), [HistoryAction.MARK_CLEARED]),
    ]


def test_each_change_writes_exactly_one_history_entry(setup, school):
    student, teacher, lessons = setup
    for name, step, expected in _steps(student, teacher, school, lessons):
        before = AuditEntry.objects.count()
        step()
        written = list(AuditEntry.objects.order_by("id")[before:])
        assert sorted(history_action(e) for e in written) == sorted(expected), name
        assert all(e.student_id == student.pk and e.school_id == school.pk for e in written)


def test_history_entries_read_as_before(setup, school):
    student, teacher, lessons = setup
    for _name, step, _expected in _steps(student, teacher, school, lessons):
        step()
    entries = AuditEntry.objects.filter(student=student).order_by("id")
    described = [describe_change(history_action(e), e.data) for e in entries]
    assert described == [
        ("присутствует", "Н, причина неизвестна"),
        ("Н, причина неизвестна", "ОП, 5 мин"),
        ("ОП, 5 мин", "Н, причина неизвестна"),
        ("присутствует", "Н, причина неизвестна"),
        ("причина неизвестна", "без уважительной причины; прогул"),
        ("причина неизвестна", "без уважительной причины; прогул"),
        ("", "медицинская справка, 13.10.2025–14.10.2025; пропусков покрыто: 2"),
        (
            "медицинская справка, 13.10.2025–14.10.2025",
            "отозван; пропусков возвращено: 2; ошибка",
        ),
        ("Н, без уважительной причины", "присутствует"),
    ]


def test_card_history_names_the_lesson_and_the_actor(client, setup, school):
    student, teacher, lessons = setup
    _mark(lessons[1], student)
    _register(student, teacher, school)
    client.force_login(teacher)

    page = client.get(f"{reverse('journal:student_card', args=[student.pk])}?month=2025-10")

    rows = page.context["history"]
    assert [row.action for row in rows] == [HistoryAction.EXCUSE_ADDED, HistoryAction.MARK_SET]
    assert rows[0].lesson is None
    assert rows[1].lesson == HistoryLesson(MON, 2, "Математика")
    assert rows[1].change.actor == lessons[1].teacher
    assert "документ зарегистрирован" in page.text


# updated_at moves with every bulk change.

LONG_AGO = timezone.make_aware(datetime.datetime(2025, 10, 13, 9, 0))


def _age(marks):
    Mark.objects.filter(pk__in=[m.pk for m in marks]).update(updated_at=LONG_AGO)


def _updated(marks):
    return set(
        Mark.objects.filter(pk__in=[m.pk for m in marks]).values_list("updated_at", flat=True)
    )


def test_setting_reasons_moves_updated_at(setup):
    student, teacher, lessons = setup
    marks = [_mark(lesson, student) for lesson in lessons]
    _age(marks)
    started = timezone.now()
    set_reasons(marks=marks, status=ReasonStatus.INVALID, acting_user=teacher)
    (moved,) = _updated(marks)
    assert moved >= started


def test_registering_and_withdrawing_a_document_move_updated_at(setup, school):
    student, teacher, lessons = setup
    marks = [_mark(lesson, student) for lesson in lessons]
    _age(marks)
    started = timezone.now()
    excuse = _register(student, teacher, school)
    (moved,) = _updated(marks)
    assert moved >= started

    _age(marks)
    started = timezone.now()
    withdraw_excuse(excuse=excuse, acting_user=teacher)
    (moved,) = _updated(marks)
    assert moved >= started


# The reason in effect does not depend on the order in which things arrive.

DOCUMENTS = {
    # name: (kind, lessons it is restricted to (indexes), valid reason)
    "certificate": (ExcuseDocument.Kind.MEDICAL_CERTIFICATE, (), ValidReason.ILLNESS),
    "order": (ExcuseDocument.Kind.ORDER, (1,), ValidReason.RELEASE_BY_ORDER),
}
MANUAL = {
    "invalid": (ReasonStatus.INVALID, ""),
    "valid": (ReasonStatus.VALID, ValidReason.FAMILY_EMERGENCY),
    "unknown": (ReasonStatus.UNKNOWN, ""),
}


@st.composite
def histories(draw):
    """Events in any order: three absences (the third first marked late), a reason set by
    hand on two of them, two documents, perhaps a document withdrawn after it came."""
    events = [("absent", 0), ("absent", 1), ("absent", 2)]
    events += [("reason", i, draw(st.sampled_from(sorted(MANUAL)))) for i in (0, 1)]
    events += [("register", name) for name in DOCUMENTS]
    withdrawn = draw(st.sampled_from([None, *sorted(DOCUMENTS)]))
    if withdrawn:
        events.append(("withdraw", withdrawn))
    ordered = list(draw(st.permutations(events)))
    # A reason needs its absence, a withdrawal its document: move them after.
    for kind, needs in (("reason", "absent"), ("withdraw", "register")):
        for event in [e for e in ordered if e[0] == kind]:
            needed = ordered.index((needs, event[1]))
            if ordered.index(event) < needed:
                ordered.remove(event)
                ordered.insert(needed, event)
    return ordered


def _expected(events) -> dict[int, tuple]:
    """The rule, plainly: the earliest registered active document covering the lesson,
    else the manual reason (unknown when none was set)."""
    manual = dict.fromkeys(range(3), MANUAL["unknown"])
    registered, withdrawn = [], set()
    for event in events:
        if event[0] == "reason":
            manual[event[1]] = MANUAL[event[2]]
        elif event[0] == "register":
            registered.append(event[1])
        elif event[0] == "withdraw":
            withdrawn.add(event[1])
    result = {}
    for i in sorted(e[1] for e in events if e[0] == "absent"):
        covering = [
            name
            for name in registered
            if name not in withdrawn and (not DOCUMENTS[name][1] or i in DOCUMENTS[name][1])
        ]
        if covering:
            result[i] = (covering[0], ReasonStatus.VALID, DOCUMENTS[covering[0]][2])
        else:
            result[i] = (None, *manual[i])
    return result


def _play(events, school_class):
    school = school_class.school
    student = factories.enrolled_student(school_class)
    teacher = class_teacher_for(school_class)
    lessons = [
        make_lesson(school_class, MON, 1, teacher=teacher),
        make_lesson(school_class, MON, 2, teacher=teacher),
        make_lesson(school_class, TUE, 1, teacher=teacher),
    ]
    documents = {}
    for event in events:
        if event[0] == "absent":
            lesson = lessons[event[1]]
            if event[1] == 2:
                _mark(lesson, student, "late", minutes_late=5)
            _mark(lesson, student)
        elif event[0] == "reason":
            status, valid_reason = MANUAL[event[2]]
            mark = Mark.objects.get(lesson=lessons[event[1]], student=student)
            set_reasons(marks=[mark], status=status, valid_reason=valid_reason, acting_user=teacher)
        elif event[0] == "register":
            kind, chosen, _reason = DOCUMENTS[event[1]]
            documents[event[1]] = _register(
                student, teacher, school, kind=kind, lessons=[lessons[i] for i in chosen]
            )
        else:
            withdraw_excuse(excuse=documents[event[1]], acting_user=teacher)
    names = {doc.pk: name for name, doc in documents.items()}
    marks = {m.lesson_id: m for m in Mark.objects.filter(student=student)}
    return {
        i: (names.get(mark.excuse_id), mark.reason_status, mark.valid_reason)
        for i, lesson in enumerate(lessons)
        if (mark := marks.get(lesson.pk)) is not None
    }


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=histories())
def test_the_reason_in_effect_does_not_depend_on_the_order_of_events(events):
    with transaction.atomic():
        school_class = factories.SchoolClassFactory()
        assert _play(events, school_class) == _expected(events)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "events",
    [
        # marks, then a manual reason, then the document: the document wins
        [("absent", 0), ("reason", 0, "invalid"), ("register", "certificate")],
        # the document first, the mark and the manual reason later: still the document
        [("register", "certificate"), ("absent", 0), ("reason", 0, "invalid")],
        # withdrawn: back to the manual reason, whenever it was set
        [("absent", 0), ("register", "certificate"), ("reason", 0, "invalid")]
        + [("withdraw", "certificate")],
        # two documents: the earlier one wins; withdrawn, the other takes over
        [("absent", 1), ("register", "order"), ("register", "certificate")],
        [("register", "certificate"), ("absent", 1), ("register", "order")]
        + [("withdraw", "certificate")],
    ],
)
def test_the_reason_in_effect_in_plain_cases(events, school_class):
    assert _play(events, school_class) == _expected(events)
