"""R-R-2, the school's weekly report on compulsory education (seed 002 App. 2): prepared by
the deputy director each week «по состоянию на» a date, approved by the director, read by
the municipality.

The sections, as of the report date (the period's end, or today while the week runs):

1. The school's students under 18 who miss school for long or systematically: an alert of
   long or systematic absence or of criterion №22 that is not resolved and overlaps the
   week, and the children the school keeps as wanted or placed away without schooling
   (:class:`~reporting.models.TrackedMinor`, seed 002 §2.12 counts them here too). The
   compulsory-education duty lasts until the 18th birthday (Федеральный закон № 273-ФЗ,
   ст. 66 ч. 5), so an 18-year-old is not listed; the younger bound is the grade, not the
   age (a first-grader of six and a half is a student of grades 1–11 all the same).
2. College students under 18 the school keeps (TrackedMinor COLLEGE).
3. Children not receiving education: TrackedMinor NOT_IN_EDUCATION, and the school's former
   students under 18 who left without completing general education, study nowhere
   (``LeavingCategory.LEFT_NOT_STUDYING``) and are not enrolled anywhere on the date.
4. Removed from the register in the week, as three tables shaped like sections 1–3: the
   tracked minors whose ``removed_on`` falls in the week, and the students listed in
   section 1 or 3 of the school's previous approved weekly report who are no longer there,
   with where they study now when the system knows it.
5. Children wanted, detained or in treatment (TrackedMinor PLACED_AWAY).

A tracked minor counts from ``since`` (if set) until removed or until they turn 18; the
deputy removes them by hand (``reporting/views/minors.py``), and the removal is what
section 4 shows. The term of a placement (``until``) is printed, not used to drop the row:
a child whose term has passed stays listed until someone says what became of them.
Free-text columns are prefilled (the alert and the absence notes, the family flags, the
address, the measures of the case since the start of the academic year) and may be
amended before submission. Row keys are prefixed by their table: the same child may be
in two sections (a placed-away child is in 1 and 5), and an amendment belongs to one.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import Alert, Rule
from casework.models import Case
from casework.selectors.measures import as_text, measures_by_student
from journal.models import Mark, ReasonStatus
from printing.xlsx import Sheet, Table
from schools.models import AcademicYear, Enrollment, LeavingCategory, Student, enrolled_on

from ..kinds import ReportKind, register
from ..models import Kind, Report, Status, TrackedMinor
from .common import dmy, iso, school_heading

NON_ATTENDANCE_RULES = (Rule.LONG_ABSENCE, Rule.SYSTEMATIC_ABSENCE, Rule.CRITERION_22)
ADULT_AGE = 18
NOTES_PER_STUDENT = 3

# The seed's column titles, in its order.
STUDENT_COLUMNS = (
    gettext_lazy("Ф.И. уч-ся"),
    gettext_lazy("Дата рождения"),
    gettext_lazy("Школа"),
    gettext_lazy("Класс"),
    gettext_lazy("Причина"),
    gettext_lazy("Характеристика семьи"),
    gettext_lazy("Место нахождения ребенка"),
    gettext_lazy("Принимаемые меры"),
)
COLLEGE_COLUMNS = (
    gettext_lazy("Ф.И. уч-ся"),
    gettext_lazy("Дата рождения"),
    gettext_lazy("Курс"),
    gettext_lazy("Причина"),
    gettext_lazy("Школа (где учился), район"),
    gettext_lazy("Место нахождения ребенка"),
    gettext_lazy("Принимаемые меры"),
)
NOT_IN_EDUCATION_COLUMNS = (
    gettext_lazy("Ф.И. уч-ся"),
    gettext_lazy("Дата рождения"),
    gettext_lazy("Школа (где учился), район"),
    gettext_lazy("Образование (сколько классов закончил)"),
    gettext_lazy("Причина"),
    gettext_lazy("Место нахождения ребенка"),
    gettext_lazy("Принимаемые меры"),
)
REMOVED_MEASURES = gettext_lazy("Принятые меры, где обучался ребенок")
REMOVED_TAIL = gettext_lazy("Принятые меры")
PLACED_AWAY_COLUMNS = (
    gettext_lazy("Ф.И. уч-ся"),
    gettext_lazy("Дата рождения"),
    gettext_lazy("Образование (где учился)"),
    gettext_lazy("Место нахождения"),
    gettext_lazy("Сроки нахождения"),
)

# The fields of each table's rows, in the order of its columns.
STUDENT_FIELDS = (
    "name",
    "birth_date",
    "school",
    "class",
    "reason",
    "family",
    "whereabouts",
    "measures",
)
COLLEGE_FIELDS = (
    "name",
    "birth_date",
    "course",
    "reason",
    "previous_school",
    "whereabouts",
    "measures",
)
NOT_IN_EDUCATION_FIELDS = (
    "name",
    "birth_date",
    "previous_school",
    "education",
    "reason",
    "whereabouts",
    "measures",
)
PLACED_AWAY_FIELDS = ("name", "birth_date", "education", "whereabouts", "term")

EDITABLE = {
    "section1": ("reason", "family", "whereabouts", "measures"),
    "section2": ("reason", "whereabouts", "measures"),
    "section3": ("reason", "whereabouts", "measures"),
    "section4_students": ("measures",),
    "section4_college": ("measures",),
    "section4_not_in_education": ("measures",),
    "section5": ("whereabouts",),
}
FAMILY_FLAGS = (
    ("large_family", gettext_lazy("многодетная")),
    ("low_income", gettext_lazy("малообеспеченная")),
    ("single_parent", gettext_lazy("неполная")),
    ("difficult_life_situation", gettext_lazy("ТЖС")),
    ("socially_dangerous_position", gettext_lazy("СОП")),
    ("disability", gettext_lazy("инвалидность")),
)


def as_of_date(report: Report) -> datetime.date:
    """«По состоянию на»: the period's end, or today while the period runs."""
    return min(report.period_end, timezone.localdate())


def build(report: Report) -> dict:
    school = report.school
    start, end = report.period_start, report.period_end
    as_of = as_of_date(report)
    minors = list(
        TrackedMinor.objects.filter(school=school)
        .filter(Q(since__isnull=True) | Q(since__lte=end))
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=start))
        .select_related("student")
        .order_by("full_name", "pk")
    )
    # A tracked child counts until removed by hand, or until they come of age.
    adult_born_by = _years_before(as_of, ADULT_AGE)
    active = [
        m
        for m in minors
        if (m.removed_on is None or m.removed_on > end) and m.birth_date > adult_born_by
    ]
    removed = [m for m in minors if m.removed_on is not None and m.removed_on <= end]
    alerts = _alerts(school.pk, start, end, adult_born_by)
    placed_away = [m for m in active if m.category == TrackedMinor.Category.PLACED_AWAY]
    left = _left_not_studying(school.pk, as_of)
    previous = _previous_rows(report)
    dropped = _dropped(previous, alerts, placed_away, left, minors)
    facts = _Facts(
        school=school,
        as_of=as_of,
        since=_year_start(school, as_of),
        student_ids={*alerts, *(m.student_id for m in minors if m.student_id), *left, *dropped},
        alerts=alerts,
    )
    section1 = _section1(facts, alerts, placed_away)
    return {
        "school": school_heading(school),
        "period": {"start": iso(start), "end": iso(end)},
        "as_of": iso(as_of),
        "previous": previous["period"],
        "tables": {
            "section1": section1,
            "section2": [
                _college_row("section2", m, facts)
                for m in active
                if m.category == TrackedMinor.Category.COLLEGE
            ],
            "section3": _section3(facts, active, left),
            "section4_students": _removed_students(facts, removed, dropped, previous, section1),
            "section4_college": [
                _removed(_college_row("section4_college", m, facts), m)
                for m in removed
                if m.category == TrackedMinor.Category.COLLEGE
            ],
            "section4_not_in_education": _removed_not_in_education(
                facts, removed, dropped, previous
            ),
            "section5": [_placed_away_row(m) for m in placed_away],
        },
    }


# ---------------------------------------------------------------------------- reads


def _alerts(school_id: int, start, end, adult_born_by) -> dict[int, list[Alert]]:
    """The open non-attendance alerts overlapping the week of the school's students not yet
    18 (born after ``adult_born_by``)."""
    found = defaultdict(list)
    alerts = (
        Alert.objects.filter(
            school_id=school_id,
            rule__in=NON_ATTENDANCE_RULES,
            period_start__lte=end,
            period_end__gte=start,
            student__birth_date__gt=adult_born_by,
        )
        .exclude(status=Alert.Status.RESOLVED)
        .only("student_id", "rule", "period_start", "period_end", "evidence")
        .order_by("period_start", "rule")
    )
    for alert in alerts:
        found[alert.student_id].append(alert)
    return dict(found)


def _left_not_studying(school_id: int, as_of) -> dict[int, Enrollment]:
    """The school's former students who left without completing general education and study
    nowhere, under 18 and enrolled nowhere on ``as_of``: their last such enrollment."""
    adult_born_by = _years_before(as_of, ADULT_AGE)
    enrollments = (
        Enrollment.objects.filter(
            school_id=school_id,
            leaving_category=LeavingCategory.LEFT_NOT_STUDYING,
            end_date__lte=as_of,
            student__birth_date__gt=adult_born_by,
        )
        .exclude(student__enrollments__in=Enrollment.objects.filter(enrolled_on(as_of)))
        .select_related("school_class__academic_year")
        .order_by("student_id", "end_date")
    )
    return {enrollment.student_id: enrollment for enrollment in enrollments}


def _previous_rows(report: Report) -> dict:
    """The rows of sections 1 and 3 of the school's latest approved weekly report before
    this one (its approved version's frozen data), by student id."""
    previous = (
        Report.objects.filter(
            kind=Kind.WEEKLY_SCHOOL_REPORT,
            school_id=report.school_id,
            period_start__lt=report.period_start,
            approved_number__isnull=False,
        )
        .order_by("-period_start")
        .first()
    )
    empty = {"period": None, "section1": {}, "section3": {}}
    if previous is None:
        return empty
    version = previous.versions.filter(
        number=previous.approved_number, status=Status.APPROVED
    ).first()
    if version is None or not version.data:  # purged after its retention period
        return empty
    tables = version.data.get("tables", {})
    return {
        "period": {"start": iso(previous.period_start), "end": iso(previous.period_end)},
        "section1": _by_student(tables.get("section1", [])),
        "section3": _by_student(tables.get("section3", [])),
    }


def _by_student(rows) -> dict[int, dict]:
    found = {}
    for row in rows:
        student_id = row.get("student_id")
        if student_id:
            found[student_id] = row
    return found


def _dropped(previous, alerts, placed_away, left, minors) -> set[int]:
    """Students of the previous report's sections 1 and 3 who are in neither now."""
    now_in_1 = set(alerts) | {m.student_id for m in placed_away if m.student_id}
    kept_in_3 = set(left) | {
        m.student_id
        for m in minors
        if m.student_id and m.category == TrackedMinor.Category.NOT_IN_EDUCATION
    }
    return (set(previous["section1"]) - now_in_1) | (set(previous["section3"]) - kept_in_3)


def _year_start(school, as_of) -> datetime.date:
    year = (
        AcademicYear.objects.filter(school=school, start_date__lte=as_of, end_date__gte=as_of)
        .order_by("-start_date")
        .first()
    )
    if year is not None:
        return year.start_date
    return datetime.date(as_of.year if as_of.month >= 9 else as_of.year - 1, 9, 1)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Facts:
    """What the rows read about the students named anywhere in the report, in a fixed
    number of queries whatever their number."""

    def __init__(self, *, school, as_of, since, student_ids, alerts):
        self.school, self.as_of, self.since = school, as_of, since
        ids = sorted(student_ids)
        self.students = Student.objects.in_bulk(ids)
        self.enrollments = defaultdict(list)
        for enrollment in (
            Enrollment.objects.filter(student_id__in=ids, start_date__lte=as_of)
            .select_related("school_class", "school")
            .order_by("start_date", "pk")
        ):
            self.enrollments[enrollment.student_id].append(enrollment)
        self.measures = measures_by_student(
            school_id=school.pk, student_ids=ids, since=since, until=as_of
        )
        self.cases = dict(
            Case.objects.filter(school=school, student_id__in=ids)
            .exclude(status=Case.Status.CLOSED)
            .values_list("student_id", "reason")
        )
        self.notes = _absence_notes(school.pk, alerts, as_of)

    def school_class(self, student_id: int) -> str:
        """The student's class at this school on the date, else their last one here."""
        here = [e for e in self.enrollments[student_id] if e.school_id == self.school.pk]
        chosen = [e for e in here if e.covers(self.as_of)] or here
        return str(chosen[-1].school_class) if chosen else ""

    def studies_now(self, student_id: int) -> str:
        current = [e for e in self.enrollments[student_id] if e.covers(self.as_of)]
        if not current:
            return _("место обучения в системе не указано")
        enrollment = current[-1]
        return _("обучается: %(school)s, %(cls)s класс") % {
            "school": enrollment.school.short_name,
            "cls": enrollment.school_class,
        }

    def address(self, student_id: int) -> str:
        student = self.students.get(student_id)
        if student is None:
            return ""
        return student.actual_address or student.registration_address

    def family(self, student_id: int) -> str:
        student = self.students.get(student_id)
        if student is None:
            return ""
        return ", ".join(str(label) for flag, label in FAMILY_FLAGS if getattr(student, flag))

    def measures_text(self, student_id: int) -> str:
        return as_text(self.measures.get(student_id, []))


def _absence_notes(school_id: int, alerts: dict, as_of) -> dict[int, list[str]]:
    """The notes on the absences without a valid reason since the earliest alert began."""
    if not alerts:
        return {}
    since = min(alert.period_start for found in alerts.values() for alert in found)
    notes = defaultdict(list)
    marks = (
        Mark.objects.filter(
            school_id=school_id,
            student_id__in=list(alerts),
            date__range=(since, as_of),
            kind=Mark.Kind.ABSENT,
            reason_status__in=(ReasonStatus.INVALID, ReasonStatus.UNKNOWN),
        )
        .exclude(reason_note="")
        .order_by("date")
        .values_list("student_id", "reason_note")
    )
    for student_id, note in marks:
        if note not in notes[student_id] and len(notes[student_id]) < NOTES_PER_STUDENT:
            notes[student_id].append(note)
    return dict(notes)


# ---------------------------------------------------------------------------- rows


def _key(table: str, *, student_id=None, minor=None) -> str:
    if student_id:
        return f"{table}:student:{student_id}"
    return f"{table}:minor:{minor.pk}"


def _join(*parts) -> str:
    return "; ".join(part for part in parts if part)


def _alert_reason(alerts: list[Alert]) -> str:
    """What the alerts found; a month both systematic and long reads as long only."""
    long_months = {a.period_start for a in alerts if a.rule == Rule.LONG_ABSENCE}
    parts = []
    for alert in alerts:
        if alert.rule == Rule.SYSTEMATIC_ABSENCE and alert.period_start in long_months:
            continue
        hours = (alert.evidence or {}).get("hours_without_valid")
        month = f"{alert.period_start:%m.%Y}"
        if alert.rule == Rule.LONG_ABSENCE:
            text = _("длительные пропуски за %(month)s") % {"month": month}
        elif alert.rule == Rule.SYSTEMATIC_ABSENCE:
            text = _("систематические пропуски за %(month)s") % {"month": month}
        else:
            text = _("не посещает занятия с %(date)s, причина не установлена") % {
                "date": f"{alert.period_start:%d.%m.%Y}"
            }
        if hours:
            text += _(" (%(hours)s ч. без уважительной причины)") % {"hours": hours}
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _student_row(table: str, student_id: int, facts: _Facts) -> dict:
    student = facts.students[student_id]
    return {
        "key": _key(table, student_id=student_id),
        "student_id": student_id,
        "name": student.short_name,
        "birth_date": iso(student.birth_date),
        "school": facts.school.short_name,
        "class": facts.school_class(student_id),
        "reason": "",
        "family": facts.family(student_id),
        "whereabouts": facts.address(student_id),
        "measures": facts.measures_text(student_id),
    }


def _section1(facts: _Facts, alerts: dict, placed_away: list) -> list[dict]:
    rows: dict[int | str, dict] = {}
    for student_id, found in alerts.items():
        row = _student_row("section1", student_id, facts)
        case_reason = facts.cases.get(student_id, "")
        notes = "; ".join(facts.notes.get(student_id, []))
        row["reason"] = _join(_alert_reason(found), notes, case_reason)
        rows[student_id] = row
    for minor in placed_away:
        reason = minor.reason or str(TrackedMinor.Category.PLACED_AWAY.label)
        if minor.student_id and minor.student_id in facts.students:
            row = rows.get(minor.student_id) or _student_row("section1", minor.student_id, facts)
            row["reason"] = _join(reason, row["reason"])
            row["family"] = minor.family or row["family"]
            row["whereabouts"] = minor.whereabouts or row["whereabouts"]
            row["measures"] = _join(minor.measures, row["measures"])
            rows[minor.student_id] = row
            continue
        rows[f"minor:{minor.pk}"] = {
            "key": _key("section1", minor=minor),
            "minor_id": minor.pk,
            "name": minor.full_name,
            "birth_date": iso(minor.birth_date),
            "school": minor.previous_school or facts.school.short_name,
            "class": minor.education,
            "reason": reason,
            "family": minor.family,
            "whereabouts": minor.whereabouts,
            "measures": minor.measures,
        }
    return sorted(rows.values(), key=lambda row: (row["name"], row["key"]))


def _college_row(table: str, minor: TrackedMinor, facts: _Facts) -> dict:
    return {
        "key": _key(table, minor=minor),
        "minor_id": minor.pk,
        "name": minor.full_name,
        "birth_date": iso(minor.birth_date),
        "course": minor.course,
        "reason": minor.reason,
        "previous_school": minor.previous_school,
        "whereabouts": minor.whereabouts or facts.address(minor.student_id),
        "measures": _join(minor.measures, facts.measures_text(minor.student_id)),
    }


def _not_in_education_minor(table: str, minor: TrackedMinor, facts: _Facts) -> dict:
    return {
        "key": _key(table, minor=minor),
        "minor_id": minor.pk,
        "student_id": minor.student_id,
        "name": minor.full_name,
        "birth_date": iso(minor.birth_date),
        "previous_school": minor.previous_school,
        "education": minor.education,
        "reason": minor.reason,
        "whereabouts": minor.whereabouts or facts.address(minor.student_id),
        "measures": _join(minor.measures, facts.measures_text(minor.student_id)),
    }


def _completed_grades(enrollment: Enrollment) -> str:
    """Grades completed by a student who left: their grade if they stayed to the year's
    end, else the one before."""
    school_class = enrollment.school_class
    finished = enrollment.end_date >= school_class.academic_year.end_date
    grades = school_class.grade if finished else school_class.grade - 1
    return _("%(n)s кл.") % {"n": grades}


def _left_row(table: str, student_id: int, enrollment: Enrollment, facts: _Facts) -> dict:
    student = facts.students[student_id]
    return {
        "key": _key(table, student_id=student_id),
        "student_id": student_id,
        "name": student.short_name,
        "birth_date": iso(student.birth_date),
        "previous_school": f"{facts.school.short_name}, {facts.school.municipality.name}",
        "education": _completed_grades(enrollment),
        "reason": enrollment.leaving_reason or str(LeavingCategory.LEFT_NOT_STUDYING.label),
        "whereabouts": facts.address(student_id),
        "measures": facts.measures_text(student_id),
    }


def _section3(facts: _Facts, active: list, left: dict) -> list[dict]:
    """Tracked minors not in education, and former students who left studying nowhere and
    are not tracked by hand (a tracked row, kept or removed, stands for the child)."""
    tracked = [m for m in active if m.category == TrackedMinor.Category.NOT_IN_EDUCATION]
    rows = [_not_in_education_minor("section3", m, facts) for m in tracked]
    by_hand = set(
        TrackedMinor.objects.filter(
            school=facts.school,
            category=TrackedMinor.Category.NOT_IN_EDUCATION,
            student_id__in=list(left),
        ).values_list("student_id", flat=True)
    )
    rows += [
        _left_row("section3", student_id, enrollment, facts)
        for student_id, enrollment in left.items()
        if student_id not in by_hand
    ]
    return sorted(rows, key=lambda row: (row["name"], row["key"]))


def _removed(row: dict, minor: TrackedMinor) -> dict:
    """A tracked minor's row in section 4: the removal's note and date after the measures."""
    removal = _("снят с учета %(date)s") % {"date": f"{minor.removed_on:%d.%m.%Y}"}
    row["measures"] = _join(row["measures"], minor.removal_note, removal)
    return row


def _removed_students(facts, removed, dropped, previous, section1) -> list[dict]:
    """Placed-away children removed in the week and students of the previous report's
    section 1 no longer in it; a student still in section 1 (another alert) is not here."""
    table = "section4_students"
    listed = {row.get("student_id") for row in section1} - {None}
    rows = {}
    for minor in removed:
        if minor.category != TrackedMinor.Category.PLACED_AWAY or minor.student_id in listed:
            continue
        rows[minor.student_id or f"minor:{minor.pk}"] = _removed(
            {
                "key": _key(table, student_id=minor.student_id, minor=minor),
                "minor_id": minor.pk,
                "student_id": minor.student_id,
                "name": minor.full_name,
                "birth_date": iso(minor.birth_date),
                "school": facts.school.short_name,
                "class": facts.school_class(minor.student_id) if minor.student_id else "",
                "reason": minor.reason,
                "family": minor.family or facts.family(minor.student_id),
                "whereabouts": minor.whereabouts,
                "measures": _join(minor.measures, facts.studies_now(minor.student_id))
                if minor.student_id
                else minor.measures,
            },
            minor,
        )
    for student_id in dropped:
        before = previous["section1"].get(student_id)
        if before is None or student_id in rows:
            continue
        rows[student_id] = {
            **{field: before.get(field, "") for field in STUDENT_FIELDS},
            "key": _key(table, student_id=student_id),
            "student_id": student_id,
            "measures": _join(
                facts.measures_text(student_id) or before.get("measures", ""),
                facts.studies_now(student_id),
            ),
        }
    return sorted(rows.values(), key=lambda row: (row["name"], row["key"]))


def _removed_not_in_education(facts, removed, dropped, previous) -> list[dict]:
    table = "section4_not_in_education"
    rows = [
        _removed(_not_in_education_minor(table, m, facts), m)
        for m in removed
        if m.category == TrackedMinor.Category.NOT_IN_EDUCATION
    ]
    named = {row["student_id"] for row in rows if row.get("student_id")}
    for student_id in sorted(dropped - named):
        before = previous["section3"].get(student_id)
        if before is None:
            continue
        rows.append(
            {
                **{field: before.get(field, "") for field in NOT_IN_EDUCATION_FIELDS},
                "key": _key(table, student_id=student_id),
                "student_id": student_id,
                "measures": _join(
                    facts.measures_text(student_id) or before.get("measures", ""),
                    facts.studies_now(student_id),
                ),
            }
        )
    return sorted(rows, key=lambda row: (row["name"], row["key"]))


def _placed_away_row(minor: TrackedMinor) -> dict:
    if minor.since and minor.until:
        term = _("с %(since)s по %(until)s") % {
            "since": f"{minor.since:%d.%m.%Y}",
            "until": f"{minor.until:%d.%m.%Y}",
        }
    elif minor.since:
        term = _("с %(since)s") % {"since": f"{minor.since:%d.%m.%Y}"}
    elif minor.until:
        term = _("по %(until)s") % {"until": f"{minor.until:%d.%m.%Y}"}
    else:
        term = ""
    return {
        "key": _key("section5", minor=minor),
        "minor_id": minor.pk,
        "student_id": minor.student_id,
        "name": minor.full_name,
        "birth_date": iso(minor.birth_date),
        "education": _join(minor.education, minor.previous_school),
        "whereabouts": minor.whereabouts,
        "term": term,
    }


# ---------------------------------------------------------------------------- XLSX


def section_titles(data: dict) -> dict[str, str]:
    """The headings of the tables, as in the seed (section 2 names the municipality)."""
    return {
        "section1": _("1. Учащиеся 1-11 классов общеобразовательных организаций (7-18 лет)"),
        "section2": _(
            "2. Учащиеся до 18 лет учреждений СПО, расположенные на территории "
            "муниципального образования «%(municipality)s»"
        )
        % {"municipality": data["school"]["municipality"]},
        "section3": _("3. Не получающие образование в нарушение Закона «Об образовании»"),
        "section4_students": _("4. Сняты с учета: учащиеся 1-11 классов"),
        "section4_college": _("4. Сняты с учета: учащиеся до 18 лет учреждений СПО"),
        "section4_not_in_education": _("4. Сняты с учета: не получающие образование"),
        "section5": _(
            "5. Находящиеся в розыске, помещенные в ЦВСНП, СИЗО, ВК, находящиеся на лечении "
            "в РНД, РПНД"
        ),
    }


def table_layout() -> dict[str, tuple[tuple, tuple]]:
    """Each table's column titles and row fields, for the page, the PDF and the XLSX."""
    return {
        "section1": (STUDENT_COLUMNS, STUDENT_FIELDS),
        "section2": (COLLEGE_COLUMNS, COLLEGE_FIELDS),
        "section3": (NOT_IN_EDUCATION_COLUMNS, NOT_IN_EDUCATION_FIELDS),
        "section4_students": ((*STUDENT_COLUMNS[:-1], REMOVED_MEASURES), STUDENT_FIELDS),
        "section4_college": ((*COLLEGE_COLUMNS[:-1], REMOVED_TAIL), COLLEGE_FIELDS),
        "section4_not_in_education": (
            (*NOT_IN_EDUCATION_COLUMNS[:-1], REMOVED_TAIL),
            NOT_IN_EDUCATION_FIELDS,
        ),
        "section5": (PLACED_AWAY_COLUMNS, PLACED_AWAY_FIELDS),
    }


def cell_text(field: str, value) -> str:
    if field == "birth_date" and value:
        return dmy(value)
    return value or ""


def sheets(data: dict) -> list[Sheet]:
    titles = section_titles(data)
    tables = []
    for name, (columns, fields) in table_layout().items():
        rows = [
            tuple(cell_text(field, row.get(field)) for field in fields)
            for row in data["tables"][name]
        ] or [(_("нет"),) + ("",) * (len(fields) - 1)]
        tables.append(
            Table(
                columns=columns,
                rows=rows,
                caption=titles[name],
                widths=(26, 12, 22, 14, 36, 26, 30, 50),
            )
        )
    return [
        Sheet(
            title=_("Еженедельный отчет"),
            heading=(
                _("Отчет"),
                data["school"]["name"],
                _("об исполнении законодательства об обязательном общем образовании"),
                _("по состоянию на %(date)s") % {"date": dmy(data["as_of"])},
            ),
            tables=tables,
            footer=(_("Ответственный за составление отчета: ________________ (ФИО)"),),
        )
    ]


register(
    ReportKind(
        kind=Kind.WEEKLY_SCHOOL_REPORT,
        build=build,
        sheets=sheets,
        editable=EDITABLE,
        landscape=True,
    )
)
