"""R-R-4, the information on a minor not receiving general education (seed 003 Procedure
App. 3): one report per student, as of a day (1 November and 1 May, setting
``reports.not_in_education_dates``). The candidates are the students not attending at all
and those who left without completing general education and study nowhere
(``reporting.selectors.not_in_education_candidates``).

* Section 1, the minor: name, date of birth, the addresses by registration and in fact.
* Section 2, the parents: the mother and the father (``schools.Guardian`` by relation) with
  their dates of birth and whereabouts; every other legal representative under «иная
  информация».
* Section 3, the circumstances (amendable): the period of non-education — from the first
  day of the current unbroken run of school days missed in full without a valid reason,
  or from the day a child who left was removed, to the report's day; the complete grades
  finished — the highest grade the student was enrolled in less one, or that grade when
  the student stayed in it to the end of its academic year; the reasons recorded (notes
  on the absences, what the parents said, why the child left, repeated schooling) and the
  family's status.
* Section 4, the measures (amendable): every casework measure since the case opened.
"""

import datetime

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import Alert, ClassDay, Rule
from casework.models import Case, ParentContact
from casework.selectors.measures import measures_by_student
from journal.models import Mark, ReasonStatus
from printing.xlsx import Sheet, Table
from schools.models import Enrollment, Guardian, Student

from ..kinds import ReportKind, register
from ..models import Kind, Report
from .common import iso, school_heading, student_key
from .monthly_information import latest_runs

TITLE = gettext_lazy("Информация о несовершеннолетнем, не получающем общего образования")
SECTION_1 = gettext_lazy("1. Сведения о несовершеннолетнем:")
SECTION_2 = gettext_lazy("2. Сведения о родителях (законных представителях):")
SECTION_3 = gettext_lazy(
    "3. Информация об обстоятельствах необучения (период необучения, количество полных "
    "классов, оконченных на момент подготовки информации, описание причин, семейных и иных "
    "обстоятельств, способствовавших необучению)"
)
SECTION_4 = gettext_lazy(
    "4. Принятые меры и результаты работы по обеспечению условий для продолжения обучения "
    "(в отношении несовершеннолетнего и в отношении родителей (законных представителей) "
    "несовершеннолетнего с указанием дат посещения семьи, рассмотрения на заседаниях Совета "
    "профилактики образовательной организации, заседаниях КДН и ЗП и проведения других "
    "мероприятий)"
)
FIELDS = {
    "name": gettext_lazy("фамилия, имя, отчество"),
    "birth_date": gettext_lazy("дата рождения"),
    "registration_address": gettext_lazy("место жительства (по регистрации)"),
    "actual_address": gettext_lazy("место жительства по факту"),
    "mother": gettext_lazy("мать (ФИО, дата рождения)"),
    "mother_whereabouts": gettext_lazy("место нахождения матери"),
    "father": gettext_lazy("отец (ФИО, дата рождения)"),
    "father_whereabouts": gettext_lazy("место нахождения отца"),
    "others": gettext_lazy("иная информация о законных представителях"),
}
# The family's status flags of the student card, named in the circumstances.
FAMILY_FLAGS = (
    "large_family",
    "low_income",
    "single_parent",
    "difficult_life_situation",
    "socially_dangerous_position",
)
# Alerts that say a student does not attend at all.
NOT_ATTENDING_RULES = (Rule.CRITERION_22, Rule.LONG_ABSENCE)


def build(report: Report) -> dict:
    student, school, as_of = report.student, report.school, report.period_end
    enrollment = (
        Enrollment.objects.filter(student=student, school=school, start_date__lte=as_of)
        .select_related("school_class__academic_year")
        .order_by("-start_date", "-pk")
        .first()
    )
    since, days = _not_studying(student, school, enrollment, as_of)
    measures_since = _case_opened(student, school, since, as_of) or since or as_of
    measures = measures_by_student(
        school_id=school.pk, student_ids=[student.pk], since=measures_since, until=as_of
    )[student.pk]
    guardians = list(student.guardians.order_by("relation", "pk"))
    mother = _first(guardians, Guardian.Relation.MOTHER)
    father = _first(guardians, Guardian.Relation.FATHER)
    grades = grades_completed(student, as_of)
    creator = report.created_by
    return {
        "school": school_heading(school),
        "period": {"start": iso(report.period_start), "end": iso(as_of)},
        "as_of": iso(as_of),
        "executor": {
            "name": creator.get_full_name() if creator else "",
            "phone": creator.phone if creator else "",
        },
        "minor": {
            "name": student.full_name,
            "birth_date": iso(student.birth_date),
            "registration_address": student.registration_address,
            "actual_address": student.actual_address,
            "class": str(enrollment.school_class) if enrollment else "",
        },
        "mother": _guardian(mother),
        "father": _guardian(father),
        "others": [_guardian(g) for g in guardians if g is not mother and g is not father],
        "not_studying": {"since": iso(since), "until": iso(as_of if since else None), "days": days},
        "grades_completed": grades,
        "tables": {
            "minor": [
                {
                    "key": student_key(student.pk),
                    "name": student.full_name,
                    "circumstances": _circumstances(
                        student, school, enrollment, (since, as_of, days), grades
                    ),
                    "measures": "\n".join(str(measure) for measure in measures),
                }
            ]
        },
    }


def _first(guardians: list[Guardian], relation: str) -> Guardian | None:
    return next((g for g in guardians if g.relation == relation), None)


def _guardian(guardian: Guardian | None) -> dict:
    """A parent as the form prints them; where they are is their whereabouts, else their
    address."""
    if guardian is None:
        return {}
    return {
        "relation": guardian.get_relation_display(),
        "name": guardian.full_name,
        "birth_date": iso(guardian.birth_date),
        "whereabouts": guardian.whereabouts or guardian.address,
        "phone": guardian.phone,
    }


def _not_studying(student: Student, school, enrollment, as_of) -> tuple:
    """(since when, how many school days missed in a row) of the period of non-education,
    which lasts to the report's day: a child who left studies nowhere since the day they
    left; otherwise the current run of school days missed in full, if it reaches the last
    school day before the report; otherwise the start of an open alert saying that the
    student does not attend at all."""
    if enrollment is not None and enrollment.end_date and enrollment.end_date <= as_of:
        return enrollment.end_date, None
    run = latest_runs([student.pk], as_of=as_of).get(student.pk)
    if run is not None and not _attended_after(student, run, as_of):
        return run.first, run.days
    opened = Alert.objects.filter(
        school=school, student=student, rule__in=NOT_ATTENDING_RULES, status=Alert.Status.OPEN
    ).aggregate(since=Min("period_start"))["since"]
    return opened, None


def _attended_after(student: Student, run, as_of) -> bool:
    """Whether the run is over: the class had a school day after it while the student was
    enrolled (a day without a row of marks is a day attended)."""
    enrollments = Enrollment.objects.filter(student=student, school_class_id=run.school_class_id)
    later = ClassDay.objects.filter(
        school_class_id=run.school_class_id, date__gt=run.last, date__lte=as_of
    )
    return any(
        later.filter(
            date__gte=enrollment.start_date, date__lte=enrollment.end_date or as_of
        ).exists()
        for enrollment in enrollments
    )


def grades_completed(student: Student, as_of: datetime.date) -> int | None:
    """The complete grades finished: the highest grade the student was enrolled in less
    one, or that grade if the student stayed in it to the end of its academic year."""
    highest = (
        Enrollment.objects.filter(student=student, start_date__lte=as_of)
        .select_related("school_class__academic_year")
        .order_by("-school_class__grade", "-start_date")
        .first()
    )
    if highest is None:
        return None
    year_end = highest.school_class.academic_year.end_date
    stayed = year_end <= as_of and (highest.end_date is None or highest.end_date >= year_end)
    return highest.school_class.grade if stayed else highest.school_class.grade - 1


def _case_opened(student: Student, school, since, as_of) -> datetime.date | None:
    """The day the student's case at the school opened (the earliest of those not closed
    before the non-education began)."""
    cases = Case.objects.filter(student=student, school=school, opened_at__date__lte=as_of)
    if since is not None:
        cases = cases.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=since))
    opened = cases.aggregate(opened=Min("opened_at"))["opened"]
    return timezone.localtime(opened).date() if opened else None


def _circumstances(student, school, enrollment, period, grades) -> str:
    """The prefilled text of section 3: one line each for the period, the grades, the
    reasons recorded and the family."""
    since, until, days = period
    lines = []
    if since is not None:
        line = _("Период необучения: с %(since)s по %(until)s") % {
            "since": _dmy(since),
            "until": _dmy(until),
        }
        if days:
            line += _(" (%(n)s учебных дней подряд пропущены без уважительной причины)") % {
                "n": days
            }
        lines.append(line + ".")
    else:
        lines.append(_("Период необучения не установлен."))
    if enrollment is not None and enrollment.end_date and since == enrollment.end_date:
        why = enrollment.leaving_reason or enrollment.get_leaving_category_display()
        lines.append(
            _("Выбыл(а) из %(school)s %(date)s%(why)s.")
            % {
                "school": school.short_name,
                "date": _dmy(enrollment.end_date),
                "why": f": {why}" if why else "",
            }
        )
    if grades is not None:
        lines.append(_("Окончено полных классов: %(n)s.") % {"n": grades})
    reasons = _reasons(student, school, since)
    if enrollment is not None and enrollment.repeats_grade:
        reasons.append(_("повторное обучение"))
    if reasons:
        lines.append(_("Причины: %(reasons)s.") % {"reasons": "; ".join(reasons)})
    family = [
        str(Student._meta.get_field(flag).verbose_name)
        for flag in FAMILY_FLAGS
        if getattr(student, flag)
    ]
    if family:
        lines.append(_("Семья: %(flags)s.") % {"flags": ", ".join(family)})
    return "\n".join(lines)


def _reasons(student, school, since) -> list[str]:
    """What was recorded of why, since the non-education began: the notes on the absences
    and the reasons the parents named."""
    marks = Mark.objects.filter(
        student=student,
        school=school,
        kind=Mark.Kind.ABSENT,
        reason_status__in=(ReasonStatus.INVALID, ReasonStatus.UNKNOWN),
    ).exclude(reason_note="")
    contacts = ParentContact.objects.filter(student=student, school=school).exclude(
        stated_reason=""
    )
    if since is not None:
        marks = marks.filter(date__gte=since)
        contacts = contacts.filter(contacted_at__date__gte=since)
    found = []
    for text in (
        *marks.order_by("date").values_list("reason_note", flat=True),
        *contacts.order_by("contacted_at").values_list("stated_reason", flat=True),
    ):
        if text not in found:
            found.append(text)
    return found


def _dmy(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def person_text(person: dict) -> str:
    """«Иванова Мария Петровна, 12.03.1985 г.р.»."""
    if not person:
        return ""
    born = person["birth_date"]
    if not born:
        return person["name"]
    return _("%(name)s, %(date)s г.р.") % {
        "name": person["name"],
        "date": _dmy(datetime.date.fromisoformat(born)),
    }


def others_text(others: list[dict]) -> str:
    """Every other legal representative on a line: who, name, birth, where, phone."""
    lines = []
    for person in others:
        parts = [f"{person['relation']}: {person_text(person)}"]
        if person["whereabouts"]:
            parts.append(_("место нахождения: %(place)s") % {"place": person["whereabouts"]})
        if person["phone"]:
            parts.append(_("тел. %(phone)s") % {"phone": person["phone"]})
        lines.append("; ".join(parts))
    return "\n".join(lines)


def sheets(data: dict) -> list[Sheet]:
    minor, row = data["minor"], data["tables"]["minor"][0]
    born = minor["birth_date"]
    values = (
        (SECTION_1, ""),
        (FIELDS["name"], minor["name"]),
        (FIELDS["birth_date"], _dmy(datetime.date.fromisoformat(born)) if born else ""),
        (FIELDS["registration_address"], minor["registration_address"]),
        (FIELDS["actual_address"], minor["actual_address"]),
        (SECTION_2, ""),
        (FIELDS["mother"], person_text(data["mother"])),
        (FIELDS["mother_whereabouts"], data["mother"].get("whereabouts", "")),
        (FIELDS["father"], person_text(data["father"])),
        (FIELDS["father_whereabouts"], data["father"].get("whereabouts", "")),
        (FIELDS["others"], others_text(data["others"])),
        (SECTION_3, row["circumstances"]),
        (SECTION_4, row["measures"]),
    )
    return [
        Sheet(
            title=_("Не получает образования"),
            heading=(
                str(TITLE),
                data["school"]["name"],
                _("по состоянию на %(date)s")
                % {"date": _dmy(datetime.date.fromisoformat(data["as_of"]))},
            ),
            tables=(
                Table(
                    columns=(_("Сведения"), _("Содержание")),
                    rows=[(str(label), value) for label, value in values],
                    widths=(45, 90),
                ),
            ),
            footer=(
                _("Руководитель образовательной организации: %(name)s")
                % {"name": data["school"]["director"]},
                _("Исполнитель, контактный телефон: %(name)s, %(phone)s")
                % {"name": data["executor"]["name"], "phone": data["executor"]["phone"]},
            ),
        )
    ]


register(
    ReportKind(
        kind=Kind.NOT_IN_EDUCATION,
        build=build,
        sheets=sheets,
        editable={"minor": ("circumstances", "measures")},
    )
)
