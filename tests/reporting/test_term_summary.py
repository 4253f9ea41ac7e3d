"""R-R-5, the term summary (сводная ведомость, seed 002 §3.4 and §6.4): the counts per
student against a plain count over random marks, the lists of §6.4, the assessment of the
measures with the trend against the previous term, the PDF and XLSX, and the workflow (the
class teacher submits, the deputy approves)."""

import datetime
import io

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.roles import Role
from alerts.models import Alert, Rule
from journal.models import Lesson, Mark, ReasonStatus, Term, TimetableEntry
from journal.timetable import generate_lessons
from policy.services import set_setting
from reporting.builders.term_summary import EFFECTIVENESS_COLUMNS, LIST_COLUMNS, STUDENT_COLUMNS
from reporting.forms import NewReportForm
from reporting.models import Kind, ReportFile, Status
from reporting.rendering import render
from reporting.selectors import report_choices
from reporting.services import amend, approve, open_report, submit, version_data
from schools.models import Enrollment
from tests import factories
from tests.pdf import pdf_text
from tests.reporting.helpers import (
    enroll_for_days,
    mark_random_absences,
    random_timetable,
    school_setup,
)

D = datetime.date
# The previous term: September 2026, 22 school days of 5 lessons (110 lessons).
TERM_1 = (D(2026, 9, 1), D(2026, 9, 30))
# The term reported: 5–30 October 2026, 20 school days of 5 lessons (100 lessons).
TERM_2 = (D(2026, 10, 5), D(2026, 10, 30))
PER_DAY = 5


def _october(n: int) -> D:
    return D(2026, 10, n)


def _lessons(school_class, *days, count=None) -> list[Lesson]:
    lessons = Lesson.objects.filter(school_class=school_class, date__in=days).order_by(
        "date", "period"
    )
    return list(lessons)[:count]


def mark_absent(lessons, student, *, reason: str = ReasonStatus.UNKNOWN) -> None:
    """Absences on ``lessons`` in one statement (the helpers' mark_absent, in bulk)."""
    Mark.objects.bulk_create(
        Mark(
            lesson=lesson,
            student=student,
            school=lesson.school,
            date=lesson.date,
            kind=Mark.Kind.ABSENT,
            manual_reason_status=reason,
            reason_status=reason,
        )
        for lesson in lessons
    )


def _term_days(start: D, end: D) -> list[D]:
    return [
        start + datetime.timedelta(days=n)
        for n in range((end - start).days + 1)
        if (start + datetime.timedelta(days=n)).weekday() < 5
    ]


@pytest.fixture
def setup(db):
    setup = school_setup()
    year = setup.school_class.academic_year
    for number, (start, end) in enumerate((TERM_1, TERM_2), start=1):
        Term.objects.create(academic_year=year, number=number, start_date=start, end_date=end)
    return setup


@pytest.fixture
def term(setup):
    """Students of 7 «А» in the second term (100 lessons of instructional time each, but
    the joiner's):

    * Антонов — absent from every lesson of the term, reason unknown: not attending; he
      attended all of September;
    * Белова — 31 lessons without a valid reason (31 %), 55 of 110 in September (50 %);
    * Волков — 29 lessons (29 %): in no list;
    * Громова — absent on 5 and 6 October, reason unknown, back on the 7th: did not start;
    * Дёмин — absent on 5 October with a medical certificate: excused, so not listed;
    * Ершова — no absences;
    * Жуков — joined on 19 October, absent that day without a valid reason: did not start;
    * Зайцев — an open criterion №22 alert in the term: not attending;
    * Ильина — the engine's alert «not back after the vacation» on 5 October."""
    cls = setup.school_class
    teacher = factories.staff_user(Role.SUBJECT_TEACHER, setup.school)
    subject = factories.SubjectFactory(school=setup.school, name="Математика")
    for weekday in range(1, 6):
        for period in range(1, PER_DAY + 1):
            TimetableEntry.objects.create(
                school_class=cls,
                weekday=weekday,
                period=period,
                subject=subject,
                teacher=teacher,
                valid_from=cls.academic_year.start_date,
            )
    generate_lessons(school=setup.school, start=TERM_1[0], end=TERM_2[1])
    names = {
        "absent": ("Антонов", "Олег", "Ильич"),
        "share_31": ("Белова", "Дарья", "Сергеевна"),
        "share_29": ("Волков", "Никита", ""),
        "late": ("Громова", "Алла", ""),
        "excused": ("Дёмин", "Павел", ""),
        "present": ("Ершова", "Юлия", ""),
        "criterion_22": ("Зайцев", "Глеб", ""),
        "vacation": ("Ильина", "Вера", ""),
    }
    students = {
        key: factories.enrolled_student(cls, last_name=last, first_name=first, patronymic=middle)
        for key, (last, first, middle) in names.items()
    }
    joiner = factories.StudentFactory(last_name="Жуков", first_name="Артём", patronymic="")
    factories.EnrollmentFactory(student=joiner, school_class=cls, start_date=_october(19))
    students["joiner"] = joiner

    term_2 = _term_days(*TERM_2)
    mark_absent(_lessons(cls, *term_2), students["absent"])
    # Spread over the term, never the first day: 31 and 29 lessons.
    spread = [lesson for lesson in _lessons(cls, *term_2[1:]) if lesson.period in (2, 4)]
    mark_absent(spread[:31], students["share_31"], reason=ReasonStatus.INVALID)
    mark_absent(spread[:29], students["share_29"], reason=ReasonStatus.INVALID)
    mark_absent(
        _lessons(cls, *_term_days(*TERM_1), count=55),
        students["share_31"],
        reason=ReasonStatus.INVALID,
    )
    mark_absent(_lessons(cls, _october(5), _october(6)), students["late"])
    mark_absent(_lessons(cls, _october(5)), students["excused"], reason=ReasonStatus.VALID)
    mark_absent(_lessons(cls, _october(19)), joiner, reason=ReasonStatus.INVALID)
    for key, rule, start, end in (
        ("criterion_22", Rule.CRITERION_22, _october(12), _october(28)),
        ("vacation", Rule.NOT_BACK_AFTER_VACATION, _october(5), _october(5)),
    ):
        Alert.objects.create(
            school=setup.school,
            student=students[key],
            rule=rule,
            episode=start.isoformat(),
            period_start=start,
            period_end=end,
        )
    return students


def _open(setup, user=None):
    return open_report(
        kind=Kind.TERM_SUMMARY,
        school_class=setup.school_class,
        period_start=TERM_2[0],
        period_end=TERM_2[1],
        acting_user=user or setup.class_teacher,
    )


def _data(setup) -> dict:
    return version_data(_open(setup).versions.get())


def _names(rows) -> list[str]:
    return [row["name"].split()[0] for row in rows]


def test_counts_per_student_and_for_the_class(setup, term):
    data = _data(setup)
    rows = {row["name"].split()[0]: row for row in data["tables"]["students"]}
    assert list(rows) == [
        "Антонов",
        "Белова",
        "Волков",
        "Громова",
        "Дёмин",
        "Ершова",
        "Жуков",
        "Зайцев",
        "Ильина",
    ]
    pick = ("valid", "without_valid", "total", "scheduled", "share")
    assert {name: tuple(row[k] for k in pick) for name, row in rows.items()} == {
        "Антонов": (0, 100, 100, 100, 100.0),
        "Белова": (0, 31, 31, 100, 31.0),
        "Волков": (0, 29, 29, 100, 29.0),
        "Громова": (0, 10, 10, 100, 10.0),
        "Дёмин": (5, 0, 5, 100, 0.0),
        "Ершова": (0, 0, 0, 100, 0.0),
        "Жуков": (0, 5, 5, 50, 10.0),  # 19–30 October: 10 school days
        "Зайцев": (0, 0, 0, 100, 0.0),
        "Ильина": (0, 0, 0, 100, 0.0),
    }
    assert rows["Жуков"]["note"] == "прибыл(а) 19.10.2026"
    assert data["totals"] == {
        "valid": 5,
        "without_valid": 175,
        "total": 180,
        "scheduled": 850,
        "share": 20.6,
    }
    assert data["term"] == "2 четверть " + str(setup.school_class.academic_year)


def test_the_lists_of_the_seed(setup, term):
    tables = _data(setup)["tables"]
    assert _names(tables["not_started"]) == ["Громова", "Жуков", "Ильина"]
    assert _names(tables["not_attending"]) == ["Антонов", "Зайцев"]
    # 31 % is listed, 29 % is not; the absent student is listed as not attending only.
    assert _names(tables["missing"]) == ["Белова"]
    details = {
        row["name"].split()[0]: row["details"]
        for lists in tables.values()
        for row in lists
        if "details" in row
    }
    assert details["Громова"] == (
        "не приступил(а) к учёбе с 05.10.2026, учебных дней: 2; приступил(а) 07.10.2026"
    )
    assert details["Жуков"].startswith("не приступил(а) к учёбе с 19.10.2026, учебных дней: 1")
    assert details["Ильина"] == "не приступил(а) к учёбе после каникул 05.10.2026"
    assert "ни одного урока" in details["Антонов"] and "100 из 100" in details["Антонов"]
    assert "критерий №22" in details["Зайцев"] and "12.10.2026" in details["Зайцев"]
    assert details["Белова"] == "пропущено без уважительной причины 31 из 100 уроков (31,0 %)"


def test_a_resolved_alert_lists_no_one(setup, term):
    Alert.objects.filter(student__in=[term["criterion_22"], term["vacation"]]).update(
        status=Alert.Status.RESOLVED
    )
    tables = _data(setup)["tables"]
    assert _names(tables["not_started"]) == ["Громова", "Жуков"]
    assert _names(tables["not_attending"]) == ["Антонов"]


def test_the_share_follows_the_settings(setup, term):
    admin = factories.staff_user(Role.SCHOOL_ADMIN, setup.school)
    set_setting(
        key="thresholds.term_percent_missed", value=31, acting_user=admin, school=setup.school
    )
    assert _names(_data(setup)["tables"]["missing"]) == ["Белова"]  # at least 31 %
    set_setting(
        key="thresholds.term_percent_comparison",
        value=">",
        acting_user=admin,
        school=setup.school,
    )
    data = _data(setup)
    assert data["tables"]["missing"] == []  # more than 31 %
    assert (data["percent"], data["comparison"]) == ("31", ">")


def test_the_assessment_has_the_measures_of_the_term_and_the_trend(setup, term):
    for moment, said in (
        (datetime.datetime(2026, 9, 15, 10, tzinfo=datetime.UTC), "в сентябре"),
        (datetime.datetime(2026, 10, 14, 10, tzinfo=datetime.UTC), "в октябре"),
    ):
        factories.ParentContactFactory(
            student=term["share_31"], school=setup.school, contacted_at=moment, stated_reason=said
        )
    rows = {row["name"].split()[0]: row for row in _data(setup)["tables"]["effectiveness"]}
    # Every student of a list, once.
    assert list(rows) == ["Антонов", "Белова", "Громова", "Жуков", "Зайцев", "Ильина"]
    assert "14.10.2026" in rows["Белова"]["effectiveness"]
    assert "«в октябре»" in rows["Белова"]["effectiveness"]
    assert "в сентябре" not in rows["Белова"]["effectiveness"]
    assert rows["Антонов"]["effectiveness"] == ""
    trends = {
        name: (row["previous_share"], row["share"], row["trend"]) for name, row in rows.items()
    }
    assert trends == {
        "Антонов": (0.0, 100.0, "negative"),
        "Белова": (50.0, 31.0, "positive"),
        "Громова": (0.0, 10.0, "negative"),
        "Жуков": (None, 10.0, ""),  # not at the school in September
        "Зайцев": (0.0, 0.0, "unchanged"),
        "Ильина": (0.0, 0.0, "unchanged"),
    }
    assert rows["Белова"]["lists"] == ["missing"]


def test_the_first_term_has_no_trend(setup, term):
    report = open_report(
        kind=Kind.TERM_SUMMARY,
        school_class=setup.school_class,
        period_start=TERM_1[0],
        period_end=TERM_1[1],
        acting_user=setup.class_teacher,
    )
    rows = version_data(report.versions.get())["tables"]["effectiveness"]
    assert _names(rows) == ["Белова"]  # 50 % in September
    assert (rows[0]["previous_share"], rows[0]["trend"]) == (None, "")


def test_the_class_teacher_amends_the_assessment(setup, term):
    report = _open(setup)
    key = f"student:{term['share_31'].pk}"
    amend(
        report=report,
        version=1,
        row_key=key,
        texts={"effectiveness": "Беседы с семьёй; посещаемость улучшилась"},
        acting_user=setup.class_teacher,
    )
    [row] = [
        r for r in version_data(report.versions.get())["tables"]["effectiveness"] if r["key"] == key
    ]
    assert row["effectiveness"] == "Беседы с семьёй; посещаемость улучшилась"
    assert row["trend"] == "positive"


def test_pdf_has_the_headings_columns_and_lists(setup, term):
    version = _open(setup).versions.get()
    text = pdf_text(render(version, version_data(version), ReportFile.Format.PDF).content, "term")
    for words in (
        "Сводная ведомость учёта посещаемости",
        setup.school.name,
        "за период с 05.10.2026 по 30.10.2026",
        "1. Пропуски уроков по уважительной и без уважительной причины",
        "№ п/п",
        "Ф.И.О. обучающегося",
        "Пропущено уроков",
        "по уважительной причине",
        "без уважительной причины",
        "всего",
        "Учебное время, уроков",
        "Пропущено без уважительной причины, % учебного времени",
        "Итого по классу",
        "2. Обучающиеся, не приступившие к учёбе",
        "3. Обучающиеся, не посещающие образовательное учреждение",
        "4. Обучающиеся, пропускающие не менее 30 % учебного времени без уважительной причины",
        "5. Оценка эффективности профилактических мероприятий",
        "Проведённые профилактические мероприятия, их результат",
        "в прошлой четверти",
        "в этой четверти",
        "Динамика",
        "положительная динамика",
        "отрицательная динамика",
        "Классный руководитель",
        "Принял: заместитель директора",
        "Белова Дарья Сергеевна",
        "31,0",
    ):
        assert " ".join(words.split()) in text, words
    # Each student under their own list, the lists in the seed's order.
    not_started = text.index("2. Обучающиеся, не приступившие")
    not_attending = text.index("3. Обучающиеся, не посещающие")
    missing = text.index("4. Обучающиеся, пропускающие")
    assessment = text.index("5. Оценка эффективности")
    assert not_started < text.index("Громова Алла", not_started) < not_attending
    assert not_attending < text.index("Зайцев Глеб", not_attending) < missing
    assert missing < text.index("Белова Дарья", missing) < assessment


def test_xlsx_has_the_table_and_the_lists(setup, term):
    version = _open(setup).versions.get()
    document = render(version, version_data(version), ReportFile.Format.XLSX)
    sheet = load_workbook(io.BytesIO(document.content)).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    flat = [str(value) for row in rows for value in row]
    assert [str(c) for c in STUDENT_COLUMNS] in rows
    assert rows.count([str(c) for c in LIST_COLUMNS]) == 3
    assert [str(c) for c in EFFECTIVENESS_COLUMNS] in rows
    for title in (
        "Обучающиеся, не приступившие к учёбе",
        "Обучающиеся, не посещающие образовательное учреждение",
        "Обучающиеся, пропускающие не менее 30 % учебного времени без уважительной причины",
        "Оценка эффективности профилактических мероприятий",
        "положительная динамика",
    ):
        assert title in flat, title
    [belova] = [row for row in rows if "Белова Дарья Сергеевна" in row and 31 in row]
    assert belova[2:] == [0, 31, 31, 100, 31.0]


def test_the_class_teacher_submits_and_the_deputy_approves(setup, term, committed):
    report = _open(setup)
    submit(report=report, version=1, acting_user=setup.class_teacher)
    with committed():
        approve(report=report, version=1, acting_user=setup.deputy)
    report.refresh_from_db()
    assert report.status == Status.APPROVED
    pdf = ReportFile.objects.get(version__report=report, format="pdf")
    assert pdf.state == ReportFile.State.DONE
    text = pdf_text(bytes(pdf.content))
    assert "Антонов Олег Ильич" in text
    assert setup.deputy.get_full_name() in text


def test_the_form_takes_the_term_of_the_day(setup, term):
    form = NewReportForm(
        {
            "kind": Kind.TERM_SUMMARY,
            "day": "2026-10-14",
            "school_class": setup.school_class.pk,
        },
        **report_choices(setup.class_teacher),
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["period_start"], form.cleaned_data["period_end"]) == TERM_2


def test_the_page_shows_the_summary(setup, term, client):
    report = _open(setup)
    client.force_login(setup.class_teacher)
    page = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert "Сводная ведомость учёта посещаемости" in page
    assert "Оценка эффективности профилактических мероприятий" in page
    assert f"student:{term['share_31'].pk}" in page  # its assessment may be amended
    assert f'value="student:{term["share_29"].pk}"' not in page


# ------------------------------------------------------------------- against a naive count

# A short term: Monday 5 – Friday 16 October 2026.
SHORT = (D(2026, 10, 5), D(2026, 10, 16))


def _naive(school_class, start, end) -> dict:
    """Per student, the plain way: their lessons (the class's scheduled lessons on the days
    of their enrollment, group lessons for members) and their absences on them by reason;
    then the lists."""
    counts, lists = {}, {"not_started": set(), "not_attending": set(), "missing": set()}
    lessons = list(
        Lesson.objects.filter(
            school_class=school_class, date__range=(start, end), status="scheduled"
        ).order_by("date", "period")
    )
    for enrollment in Enrollment.objects.filter(school_class=school_class):
        pk = enrollment.student_id
        if not (enrollment.start_date <= end and (enrollment.end_date or end) >= start):
            continue
        own, by_day = [], {}
        for lesson in lessons:
            if not enrollment.covers(lesson.date):
                continue
            if lesson.group and not lesson.group.students.filter(pk=pk).exists():
                continue
            own.append(lesson)
        valid = without = 0
        for lesson in own:
            mark = Mark.objects.filter(lesson=lesson, student_id=pk, kind="absent").first()
            by_day.setdefault(lesson.date, []).append(mark)
            if mark and mark.reason_status == "valid":
                valid += 1
            elif mark:
                without += 1
        counts[pk] = (valid, without, len(own))
        if own and without == len(own):
            lists["not_attending"].add(pk)
            continue
        whole_days = sorted(
            {
                lesson.date
                for lesson in lessons
                if lesson.group_id is None and enrollment.covers(lesson.date)
            }
        )
        if whole_days:
            marks = by_day[whole_days[0]]
            if all(marks) and any(m.reason_status != "valid" for m in marks):
                lists["not_started"].add(pk)
        if own and 100 * without >= 30 * len(own):
            lists["missing"].add(pk)
    return {"counts": counts, "lists": lists}


absence = st.tuples(
    st.integers(0, 11),  # first day of the term
    st.integers(1, 6),  # length in calendar days
    st.sampled_from(["unknown", "invalid", "valid"]),
    st.integers(0, 4),  # lessons missed a day (0 = all)
)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    periods=st.lists(st.integers(0, 4), min_size=5, max_size=5),
    group_period=st.booleans(),
    enrollment_days=st.lists(
        st.tuples(st.integers(-3, 11), st.one_of(st.none(), st.integers(0, 11))),
        min_size=3,
        max_size=3,
    ),
    absences=st.lists(absence, max_size=10),
)
def test_counts_and_lists_match_a_naive_count_per_student(
    periods, group_period, enrollment_days, absences
):
    with transaction.atomic():
        setup = school_setup()
        cls = setup.school_class
        Term.objects.create(
            academic_year=cls.academic_year, number=1, start_date=SHORT[0], end_date=SHORT[1]
        )
        group = random_timetable(setup, periods, group_period)
        generate_lessons(school=setup.school, start=SHORT[0], end=SHORT[1])
        students = enroll_for_days(cls, SHORT[0], enrollment_days)
        group.students.add(students[0])
        lessons = {}
        for lesson in Lesson.objects.filter(school_class=cls).order_by("date", "period"):
            lessons.setdefault(lesson.date, []).append(lesson)
        mark_random_absences(setup, SHORT[0], students, absences, lessons)

        report = open_report(
            kind=Kind.TERM_SUMMARY,
            school_class=cls,
            period_start=SHORT[0],
            period_end=SHORT[1],
            acting_user=setup.class_teacher,
        )
        data = version_data(report.versions.get())
        expected = _naive(cls, *SHORT)

        def pk(row) -> int:
            return int(row["key"].split(":")[1])

        got = {
            pk(row): (row["valid"], row["without_valid"], row["scheduled"])
            for row in data["tables"]["students"]
        }
        assert got == expected["counts"]
        for name, members in expected["lists"].items():
            assert {pk(row) for row in data["tables"][name]} == members, name
        assert data["totals"]["without_valid"] == sum(c[1] for c in expected["counts"].values())
        transaction.set_rollback(True)
