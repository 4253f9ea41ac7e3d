"""Reads of home visits and their acts (R-C-3), scoped through the visit's case."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from schools.models import Enrollment, Guardian, Student

from ..models import HomeVisit
from ..models.visits import ChildCondition, FamilyProblem, Relations, SchoolContact
from . import get_case_for_user


def get_visit_for_user(user, visit_id: int, *, perm: str = "casework.view_case") -> HomeVisit:
    """The visit, 404 for whoever may not read its case (another school …), 403 for a
    reader of the case lacking ``perm`` (asked of the case)."""
    visit = HomeVisit.objects.filter(pk=visit_id).only("pk", "case_id").first()
    if visit is None:
        raise Http404
    case = get_case_for_user(user, visit.case_id, perm=perm)
    visit = (
        HomeVisit.objects.select_related("agreed_by", "planned_by", "act_by")
        .prefetch_related(_members())
        .get(pk=visit.pk)
    )
    visit.case = case
    return visit


def _members() -> Prefetch:
    return Prefetch("members", queryset=User.objects.order_by("last_name", "first_name", "pk"))


def visits_of_case(case) -> list[HomeVisit]:
    """The case's visits, the latest first, with their staff members (two queries)."""
    return list(case.visits.select_related("agreed_by").prefetch_related(_members()))


def school_staff(school_id: int) -> QuerySet[User]:
    """Who may sit on a commission from the school: its active staff."""
    return (
        User.objects.filter(role_assignments__school_id=school_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def positions(users, school_id: int) -> dict[int, str]:
    """Each member's position for the act's signatures: the one on file, else their roles in
    the school (one query)."""
    roles: dict[int, list[str]] = {}
    for assignment in RoleAssignment.objects.filter(
        school_id=school_id, user__in=[u.pk for u in users]
    ).order_by("pk"):
        roles.setdefault(assignment.user_id, []).append(assignment.get_role_display().lower())
    return {u.pk: u.position or ", ".join(roles.get(u.pk, [])) for u in users}


def _age(birth_date: datetime.date | None, on: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _class_name(student: Student, school_id: int, on: datetime.date) -> str:
    enrollments = Enrollment.objects.filter(student=student, school_id=school_id).select_related(
        "school_class"
    )
    enrollment = enrollments.on(on).first() or enrollments.order_by("-start_date").first()
    return str(enrollment.school_class) if enrollment else ""


def _parent(prefix: str, guardian: Guardian | None, on: datetime.date) -> dict:
    if guardian is None:
        return {}
    return {
        f"{prefix}_name": guardian.full_name,
        f"{prefix}_age": _age(guardian.birth_date, on),
        f"{prefix}_work": guardian.workplace,
        f"{prefix}_schedule": guardian.work_schedule,
        f"{prefix}_education": guardian.education,
        f"{prefix}_phone": guardian.phone,
    }


def act_initial(visit: HomeVisit) -> dict:
    """What the act form starts with before the act is first saved: the child's and the
    parents' details from the records (everything can be amended in the form)."""
    student = visit.case.student
    today = timezone.localdate()
    on = min(visit.planned_for, today)
    guardians = list(student.guardians.all())
    by_relation = {}
    for guardian in guardians:
        by_relation.setdefault(guardian.relation, guardian)
    relatives = [
        ", ".join(
            part
            for part in (
                g.full_name,
                f"{g.birth_date.year} г. р." if g.birth_date else "",
                g.get_relation_display(),
            )
            if part
        )
        for g in guardians
        if g.relation not in (Guardian.Relation.MOTHER, Guardian.Relation.FATHER)
        and g.lives_with_student
    ]
    return {
        "visited_on": on,
        "student_name": student.full_name,
        "birth_year": student.birth_date.year,
        "class_name": _class_name(student, visit.school_id, on),
        "disability": _("имеется") if student.disability else _("нет"),
        "address": student.actual_address or student.registration_address,
        **_parent("mother", by_relation.get(Guardian.Relation.MOTHER), on),
        **_parent("father", by_relation.get(Guardian.Relation.FATHER), on),
        "other_relatives": "\n".join(relatives),
        "members": [m.pk for m in visit.members.all()],
        "other_members": visit.other_members,
    }


def _labels(choices, values) -> str:
    """The checked answers of a list, as the form words them, in the form's order."""
    return ", ".join(str(label) for value, label in choices.choices if value in values)


def _years(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = _("год")
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = _("года")
    else:
        word = _("лет")
    return f"{n} {word}"


def _join(*parts, sep="; ") -> str:
    return sep.join(str(part).strip() for part in parts if part and str(part).strip())


def _parent_text(visit: HomeVisit, prefix: str) -> str:
    age = getattr(visit, f"{prefix}_age")
    return _join(
        getattr(visit, f"{prefix}_name"),
        _years(age) if age is not None else "",
        getattr(visit, f"{prefix}_work"),
        getattr(visit, f"{prefix}_schedule"),
        getattr(visit, f"{prefix}_education"),
        getattr(visit, f"{prefix}_phone"),
        sep=", ",
    )


# The printed lines after the child's: the form's label, the value, the form's caption.
# (In seed 003's text the captions under «Общий доход семьи» and «Жилищные условия» slipped
# one line down; each stands here under the line it explains.)
def _act_lines(visit: HomeVisit) -> list[dict]:
    control = (
        _("контроль за поведением со стороны родителей – %(value)s")
        % {"value": visit.get_parental_control_display()}
        if visit.parental_control
        else ""
    )
    conditions = _labels(ChildCondition, visit.child_conditions)
    return [
        {
            "label": _("Сведения о матери / мачехе"),
            "value": _parent_text(visit, "mother"),
            "caption": _(
                "ФИО, возраст, место работы, режим работы, образование, контактный телефон"
            ),
        },
        {
            "label": _("Сведения об отце / отчиме"),
            "value": _parent_text(visit, "father"),
            "caption": _(
                "ФИО, возраст, место работы, режим работы, образование, контактный телефон"
            ),
        },
        {
            "label": _("Сведения о других родственниках, проживающих совместно с учащимся"),
            "value": visit.other_relatives,
            "caption": _("ФИО, год рождения, степень родства"),
            "block": True,
        },
        {
            "label": _("Общий доход семьи"),
            "value": visit.family_income,
            "caption": _("заработная плата, алименты, пенсии, пособия, иные социальные выплаты"),
        },
        {
            "label": _("Жилищные условия"),
            "value": _join(visit.get_housing_type_display(), visit.housing, sep=", "),
            "caption": _(
                "многоквартирный дом, частный дом, его состояние, жилая площадь, число комнат, "
                "благоустройство"
            ),
        },
        {
            "label": _("Санитарно-гигиеническое состояние жилой площади"),
            "value": _join(visit.get_sanitary_state_display(), visit.sanitary_note),
            "caption": _("хорошее, удовлетворительное, неудовлетворительное"),
        },
        {
            "label": _("Жилищно-бытовые условия обучающегося"),
            "value": _join(
                _("имеется: %(list)s") % {"list": conditions} if conditions else "",
                visit.child_conditions_note,
            ),
            "caption": _(
                "наличие отдельной комнаты, места для сна, занятий, наличие книг, "
                "школьно-письменных принадлежностей, продуктов питания, вещей по сезону, их "
                "состояние, привиты ли навыки соблюдения ребенком норм личной гигиены, имеется "
                "ли все необходимое для этого"
            ),
            "block": True,
        },
        {
            "label": _("Соблюдение учащимся режима дня"),
            "value": visit.daily_routine,
            "caption": _(
                "выполнение домашних заданий, где и с кем проводит свободное время, участие "
                "ребенка в домашнем труде, занимается ли в кружках и секциях, режим сна"
            ),
            "block": True,
        },
        {
            "label": _("Связь родителей со школой, контроль за поведением обучающегося"),
            "value": _join(
                _labels(SchoolContact, visit.school_contact), control, visit.school_contact_note
            ),
            "caption": _(
                "родители (законные представители) посещают школьные мероприятия, посещают "
                "мероприятия не всегда, школу не посещают, посещают по вызову, на вызовы не "
                "являются, поддерживают связь по телефону, избегают общения с педагогом (не "
                "отвечают на звонки), конфликтные отношения с учителем, контроль за поведением "
                "со стороны родителей – регулярный, нерегулярный, отсутствует"
            ),
            "block": True,
        },
        {
            "label": _("Отношения родителей (законных представителей) с обучающимися"),
            "value": _join(_labels(Relations, visit.relations), visit.relations_note),
            "caption": _(
                "доброжелательные, доверительные, родители пользуются авторитетом, гиперопека, "
                "гипоопека, отчужденно-безразличные, отсутствие взаимопонимания, "
                "напряженно-конфликтные, родители не пользуются авторитетом, допускается "
                "жестокое обращение с ребенком"
            ),
            "block": True,
        },
        {
            "label": _("Проблемы семьи"),
            "value": _join(
                _labels(FamilyProblem, visit.family_problems), visit.family_problems_note
            ),
            "caption": _(
                "недостаточная психолого-педагогическая грамотность, конфликтные отношения между "
                "родителями, ненадлежащее исполнение родительских обязанностей по воспитанию и "
                "обучению (бесконтрольность, самоустранение от решения проблем ребенка, "
                "неспособность обеспечить основные потребности ребенка (в жилье, пище, одежде, "
                "гигиене, уходе, предоставлении медицинской помощи), злоупотребление спиртными "
                "напитками (матери, отца, отчима), аморальный образ жизни (матери, отца, "
                "отчима), отрицательный пример родителей, вовлечение в преступную деятельность, "
                "жестокое обращение с ребенком"
            ),
            "block": True,
        },
        {
            "label": _("Дополнительные сведения"),
            "value": _join(
                visit.additional_info,
                _(
                    "Выявлены обстоятельства, угрожающие жизни и здоровью несовершеннолетнего "
                    "либо препятствующие его обучению."
                )
                if visit.danger_found
                else "",
                sep="\n",
            ),
            "caption": "",
            "block": True,
        },
    ]


def act_context(visit: HomeVisit) -> dict:
    """The printed act's data (templates/casework/print/visit_act.html)."""
    members = list(visit.members.all())
    titles = positions(members, visit.school_id)
    return {
        "visit": visit,
        "lines": _act_lines(visit),
        "members": [
            {"name": m.get_full_name() or m.username, "position": titles[m.pk]} for m in members
        ],
        "other_members": [
            line.strip() for line in visit.other_members.splitlines() if line.strip()
        ],
        "parents": [part.strip() for part in visit.parents_present.split(";") if part.strip()],
    }
