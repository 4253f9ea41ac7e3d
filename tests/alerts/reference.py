"""A plain, obviously-correct evaluator of spec §4, used only to check the set-based one.

It walks every lesson, mark and day in Python, straight from the definitions.
"""

import datetime
from collections import defaultdict

from alerts.config import ThresholdConfig
from alerts.models import Rule
from journal.models import Lesson, Mark, Term, Vacation
from schools.models import Enrollment

ONE_DAY = datetime.timedelta(days=1)


def _month_end(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - ONE_DAY


def reference_alerts(school, start, as_of, day_closed: bool) -> set[tuple]:
    config = ThresholdConfig.for_school(school)
    lessons = [
        lsn
        for lsn in Lesson.objects.filter(school=school, status=Lesson.Status.SCHEDULED)
        if start <= lsn.date <= as_of
    ]
    members = {}
    for lesson in lessons:
        if lesson.group_id and lesson.group_id not in members:
            members[lesson.group_id] = set(lesson.group.students.values_list("pk", flat=True))
    marks = {(m.lesson_id, m.student_id): m for m in Mark.objects.filter(school=school)}
    students_with_marks = {m.student_id for m in marks.values() if start <= m.date <= as_of}
    out = set()
    for enrollment in Enrollment.objects.filter(school=school).select_related("school_class"):
        if enrollment.student_id not in students_with_marks:
            continue
        out |= _student(enrollment, lessons, members, marks, config, start, as_of, day_closed)
    return out


def _student(enrollment, lessons, members, marks, config, start, as_of, day_closed):
    cls = enrollment.school_class
    sid = enrollment.student_id
    class_days = sorted({lsn.date for lsn in lessons if lsn.school_class_id == cls.pk})
    days = {}  # date -> dict of counts, only days with the student's own lessons
    for lesson in lessons:
        if lesson.school_class_id != cls.pk or not enrollment.covers(lesson.date):
            continue
        if lesson.group_id and sid not in members[lesson.group_id]:
            continue
        d = days.setdefault(
            lesson.date, {"lessons": 0, "valid": 0, "invalid": 0, "unknown": 0, "late": 0}
        )
        d["lessons"] += 1
        mark = marks.get((lesson.pk, sid))
        if mark is None:
            continue
        if mark.kind == "late":
            d["late"] += 1
        else:
            d[mark.reason_status] += 1

    def without(d):
        return d["invalid"] + d["unknown"]

    def bad(day):
        d = days.get(day)
        return d is not None and without(d) > config.fractions.day * d["lessons"]

    def all_unknown(day):
        d = days.get(day)
        return d is not None and d["lessons"] > 0 and d["unknown"] == d["lessons"]

    found = set()

    def add(rule, episode, period_start, period_end, evidence):
        found.add((sid, rule, episode, period_start, period_end, tuple(sorted(evidence.items()))))

    for flag, rules in (
        (
            bad,
            [
                (Rule.STREAK_INVITE, config.streak_invite_days),
                (Rule.STREAK_MEMO, config.streak_memo_after_days + 1),
                (Rule.STREAK_HOME_VISIT, config.streak_home_visit_after_days + 1),
            ],
        ),
        (all_unknown, [(Rule.CRITERION_22, config.streak_all_lessons_after_days + 1)]),
    ):
        run = []
        for day in class_days + [None]:
            if day is not None and flag(day):
                run.append(day)
                continue
            for rule, needed in rules:
                if len(run) >= needed:
                    evidence = {"dates": tuple(d.isoformat() for d in run), "days": len(run)}
                    add(rule, run[0].isoformat(), run[0], run[-1], evidence)
            run = []

    for day, d in days.items():
        if d["unknown"] and (day < as_of or (day == as_of and day_closed)):
            add(Rule.UNKNOWN_REASON, day.isoformat(), day, day, {"lessons_unknown": d["unknown"]})

    months = defaultdict(lambda: [0, 0])
    for day, d in days.items():
        months[day.replace(day=1)][0] += d["lessons"]
        months[day.replace(day=1)][1] += without(d)
    systematic, long = config.hour_bands(cls.grade)
    for first, (scheduled, missed) in months.items():
        key, last = first.strftime("%Y-%m"), _month_end(first)
        evidence = {"hours_without_valid": missed}
        # Seed 002 §2.12: 24–39 hours (grade 1) systematic, 40 and more long — not both.
        if systematic <= missed < long:
            add(Rule.SYSTEMATIC_ABSENCE, key, first, last, evidence)
        if missed >= long:
            add(Rule.LONG_ABSENCE, key, first, last, evidence)
        if last < as_of and config.month_percent_reached(missed, scheduled):
            add(
                Rule.INSTRUCTIONAL_TIME_MONTH,
                key,
                first,
                last,
                {**evidence, "hours_scheduled": scheduled},
            )

    for term in Term.objects.filter(academic_year=cls.academic_year_id):
        inside = [d for day, d in days.items() if term.start_date <= day <= term.end_date]
        scheduled = sum(d["lessons"] for d in inside)
        missed = sum(without(d) for d in inside)
        if inside and term.end_date < as_of and config.term_percent_reached(missed, scheduled):
            evidence = {"hours_without_valid": missed, "hours_scheduled": scheduled}
            add(
                Rule.INSTRUCTIONAL_TIME_TERM,
                f"term-{term.pk}",
                term.start_date,
                term.end_date,
                evidence,
            )

    weeks = defaultdict(list)
    for day, d in days.items():
        weeks[day - datetime.timedelta(days=day.weekday())].append(d)
    for monday, week in weeks.items():
        sunday = monday + datetime.timedelta(days=6)
        if sunday >= as_of:
            continue
        missed = sum(1 for d in week if without(d) > config.fractions.day * d["lessons"])
        late = sum(1 for d in week if d["late"])
        evidence = {"school_days": len(week), "days_missed": missed, "days_late": late}
        if missed > config.fractions.week * len(week):
            add(Rule.WEEK_MISSED, monday.isoformat(), monday, sunday, evidence)
        if late >= config.fractions.lateness * len(week):
            add(Rule.SYSTEMATIC_LATENESS, monday.isoformat(), monday, sunday, evidence)

    for vacation in Vacation.objects.filter(academic_year=cls.academic_year_id):
        if not vacation.grade_from <= cls.grade <= vacation.grade_to:
            continue
        after = [day for day in class_days if day > vacation.end_date]
        if not after or after[0] > as_of or after[0] not in days:
            continue
        d = days[after[0]]
        absent = d["valid"] + d["invalid"] + d["unknown"]
        if (
            d["unknown"]
            and absent > config.fractions.day * d["lessons"]
            and config.after_vacation_enabled
        ):
            add(
                Rule.NOT_BACK_AFTER_VACATION,
                after[0].isoformat(),
                after[0],
                after[0],
                {"vacation_id": vacation.pk},
            )
    return found
