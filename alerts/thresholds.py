"""From detected episodes to alerts: the thresholds of spec §4 and the tasks each opens."""

import datetime
from dataclasses import dataclass, field

from accounts.roles import Role
from journal import units

from .config import ThresholdConfig
from .detect import Detection
from .models import Rule, Task


@dataclass(frozen=True)
class TaskSpec:
    kind: str
    role: str
    # A number of working days, or the R-CFG key holding it.
    due: int | str
    recurrence: int | str | None = None

    def due_working_days(self, config: ThresholdConfig) -> int:
        return config.due_days[self.due] if isinstance(self.due, str) else self.due

    def recurrence_days(self, config: ThresholdConfig) -> int | None:
        if isinstance(self.recurrence, str):
            return config.due_days[self.recurrence]
        return self.recurrence


# Spec §4, last column; seeds 001 (criterion №22), 002 §3.4 and §4.2, 003 alg. 2–5, 18–19.
TASKS: dict[str, tuple[TaskSpec, ...]] = {
    Rule.UNKNOWN_REASON: (
        TaskSpec(Task.Kind.PHONE_PARENTS, Role.CLASS_TEACHER, "deadlines.parent_call_days"),
    ),
    Rule.STREAK_INVITE: (TaskSpec(Task.Kind.INVITE_PARENTS, Role.CLASS_TEACHER, 1),),
    Rule.STREAK_MEMO: (TaskSpec(Task.Kind.MEMO_TO_DIRECTOR, Role.CLASS_TEACHER, 1),),
    Rule.STREAK_HOME_VISIT: (
        TaskSpec(Task.Kind.INFORM_HOME_VISIT, Role.CLASS_TEACHER, 1),
        TaskSpec(Task.Kind.HOME_VISIT, Role.CLASS_TEACHER, "deadlines.home_visit_days"),
    ),
    Rule.CRITERION_22: (
        TaskSpec(Task.Kind.INFORM_DEPUTY, Role.CLASS_TEACHER, 0),
        TaskSpec(Task.Kind.PARENT_MEETING, Role.CLASS_TEACHER, "deadlines.parent_meeting_days"),
        TaskSpec(
            Task.Kind.FAMILY_CENTRE_STATUS,
            Role.CLASS_TEACHER,
            "deadlines.family_centre_status_max_days",
        ),
        TaskSpec(Task.Kind.PREVENTION_PLAN, Role.DEPUTY, "deadlines.prevention_plan_days"),
        TaskSpec(
            Task.Kind.PLAN_CONTROL,
            Role.CLASS_TEACHER,
            "deadlines.plan_control_interval_days",
            recurrence="deadlines.plan_control_interval_days",
        ),
        TaskSpec(
            Task.Kind.FAMILY_CONTACT,
            Role.CLASS_TEACHER,
            "deadlines.family_contact_interval_days",
            recurrence="deadlines.family_contact_interval_days",
        ),
    ),
    Rule.SYSTEMATIC_ABSENCE: (TaskSpec(Task.Kind.CASEWORK, Role.SOCIAL_PEDAGOGUE, 3),),
    # The bands exclude each other (below): a month that reaches the long band at once is
    # never systematic, and its social pedagogue must start the casework all the same.
    Rule.LONG_ABSENCE: (
        TaskSpec(Task.Kind.CASEWORK, Role.SOCIAL_PEDAGOGUE, 3),
        TaskSpec(Task.Kind.COUNCIL_CANDIDATE, Role.DEPUTY, 5),
    ),
    Rule.INSTRUCTIONAL_TIME_MONTH: (TaskSpec(Task.Kind.OUTSIDE_NOTIFICATIONS, Role.DEPUTY, 3),),
    Rule.INSTRUCTIONAL_TIME_TERM: (TaskSpec(Task.Kind.OUTSIDE_NOTIFICATIONS, Role.DEPUTY, 3),),
    Rule.WEEK_MISSED: (TaskSpec(Task.Kind.CASE_NOTE, Role.CLASS_TEACHER, 1),),
    Rule.SYSTEMATIC_LATENESS: (TaskSpec(Task.Kind.CASE_NOTE, Role.CLASS_TEACHER, 1),),
    Rule.NOT_BACK_AFTER_VACATION: (TaskSpec(Task.Kind.AFTER_VACATION_LIST, Role.DEPUTY, 0),),
}

# Seed 002 §2.12: the monthly hour bands exclude each other, so a month's alert passes from
# one band to the other as its hours rise (or fall back, excuses registered): the alert of
# the band left is resolved, and its open tasks that the other band's alert also opens
# pass to that alert instead of being cancelled and opened again (alerts.services).
BAND_SIBLING: dict[str, str] = {
    Rule.SYSTEMATIC_ABSENCE: Rule.LONG_ABSENCE,
    Rule.LONG_ABSENCE: Rule.SYSTEMATIC_ABSENCE,
}

# Who else is told at once, beyond the task assignees (R-T-10: the deputy, immediately).
ALSO_NOTIFY: dict[str, tuple[str, ...]] = {
    Rule.CRITERION_22: (Role.DEPUTY,),
    Rule.STREAK_HOME_VISIT: (Role.SOCIAL_PEDAGOGUE,),
    Rule.SYSTEMATIC_ABSENCE: (Role.CLASS_TEACHER,),
    Rule.LONG_ABSENCE: (Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE),
}
EMAIL_AT_ONCE = frozenset({Rule.CRITERION_22})

# Rules that open (or join) the student's prevention case, and who is responsible for it:
# R-T-H systematic → class teacher and social pedagogue; long → add the deputy (spec §4).
OPENS_CASE: dict[str, tuple[str, ...]] = {
    Rule.SYSTEMATIC_ABSENCE: (Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE),
    Rule.LONG_ABSENCE: (Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE, Role.DEPUTY),
    Rule.CRITERION_22: (Role.CLASS_TEACHER, Role.SOCIAL_PEDAGOGUE, Role.DEPUTY),
}


@dataclass(slots=True)  # not frozen: built by the hundred thousand per run
class Finding:
    student_id: int
    school_id: int
    school_class_id: int
    rule: str
    episode: str
    period_start: datetime.date
    period_end: datetime.date
    # The day the threshold was reached: due dates count from it.
    trigger_day: datetime.date
    evidence: dict = field(compare=False, hash=False)
    # The fingerprint of the detected row the finding comes from (alerts.detect._diff).
    digest: str = field(compare=False, hash=False)

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.student_id, self.rule, self.episode)


def _month_bounds(key: str) -> tuple[datetime.date, datetime.date]:
    year, month = (int(part) for part in key.split("-"))
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def findings(
    detection: Detection,
    *,
    as_of: datetime.date,
    classes: dict[int, tuple[int, int]],
    configs: dict[int, ThresholdConfig],
) -> dict[tuple[int, str, str], Finding]:
    """Apply each school's thresholds to the detected episodes.

    ``classes`` maps class id → (school id, grade). The detection returns only the days
    whose unknown-reason deadline has passed (R-T-0 fires at the end of the day), the
    weeks, months and terms that are over for the shares, and each row's episode.
    """
    result: dict[tuple[int, str, str], Finding] = {}

    def add(row, rule, start, end, trigger, evidence):
        school_id, _ = classes[row.school_class_id]
        finding = Finding(
            row.student_id,
            school_id,
            row.school_class_id,
            rule,
            row.episode,
            start,
            end,
            trigger,
            evidence,
            row.fp,
        )
        result[finding.key] = finding

    def config(row) -> ThresholdConfig:
        return configs[classes[row.school_class_id][0]]

    for streak in detection.streaks:
        cfg = config(streak)
        evidence = {"dates": [d.isoformat() for d in streak.dates], "days": streak.length}
        for rule, reached_at in (
            (Rule.STREAK_INVITE, cfg.streak_invite_days),
            (Rule.STREAK_MEMO, cfg.streak_memo_after_days + 1),
            (Rule.STREAK_HOME_VISIT, cfg.streak_home_visit_after_days + 1),
        ):
            if streak.length >= reached_at:
                trigger = streak.dates[reached_at - 1]
                add(streak, rule, streak.start, streak.end, trigger, evidence)

    for streak in detection.unknown_streaks:
        reached_at = config(streak).streak_all_lessons_after_days + 1
        if streak.length >= reached_at:
            evidence = {"dates": [d.isoformat() for d in streak.dates], "days": streak.length}
            add(
                streak,
                Rule.CRITERION_22,
                streak.start,
                streak.end,
                streak.dates[reached_at - 1],
                evidence,
            )

    for day in detection.unknown_days:
        evidence = {"lessons_unknown": day.unknown}
        add(day, Rule.UNKNOWN_REASON, day.date, day.date, day.date, evidence)

    for month in detection.months:
        first, last = _month_bounds(month.key)
        systematic, long = config(month).hour_bands(classes[month.school_class_id][1])
        evidence = {"hours_without_valid": month.without_valid}
        trigger = min(month.end, as_of)
        # The bands exclude each other (BAND_SIBLING): long, or else systematic.
        if month.without_valid >= long:
            add(month, Rule.LONG_ABSENCE, first, last, trigger, evidence)
        elif month.without_valid >= systematic:
            add(month, Rule.SYSTEMATIC_ABSENCE, first, last, trigger, evidence)
        if month.scheduled is not None and config(month).month_percent_reached(
            month.without_valid, month.scheduled
        ):
            percent_evidence = {**evidence, "hours_scheduled": month.scheduled}
            add(month, Rule.INSTRUCTIONAL_TIME_MONTH, first, last, last, percent_evidence)

    for term in detection.terms:
        if config(term).term_percent_reached(term.without_valid, term.scheduled):
            evidence = {
                "hours_without_valid": term.without_valid,
                "hours_scheduled": term.scheduled,
            }
            add(
                term,
                Rule.INSTRUCTIONAL_TIME_TERM,
                term.start,
                term.end,
                term.end,
                evidence,
            )

    for week in detection.weeks:
        week_end = week.week_start + datetime.timedelta(days=6)
        evidence = {
            "school_days": week.school_days,
            "days_missed": week.days_missed,
            "days_late": week.days_late,
        }
        shares = config(week).fractions
        if units.week_missed(week.school_days, week.days_missed, shares.week):
            add(week, Rule.WEEK_MISSED, week.week_start, week_end, week_end, evidence)
        if units.systematic_lateness(week.school_days, week.days_late, shares.lateness):
            add(week, Rule.SYSTEMATIC_LATENESS, week.week_start, week_end, week_end, evidence)

    for back in detection.vacation_returns:
        if config(back).after_vacation_enabled:
            add(
                back,
                Rule.NOT_BACK_AFTER_VACATION,
                back.date,
                back.date,
                back.date,
                {"vacation_id": back.vacation_id},
            )
    return result
