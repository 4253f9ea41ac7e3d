"""Referrals and notifications to the bodies of the prevention system (R-C-7).

A referral is drafted from the case (its letter text prefilled from the child's record, the
absences and the measures taken), then sent (a date, an outgoing number), then answered.
Seed 003 alg. 18: the school informs the education authority, the КДН и ЗП, the police,
the regional department and the guardianship body; sending one of those completes the
child's task to notify them. Alg. 19: the letter to the КДН or the police proposes to
bring the parents to administrative liability. Alg. 23: a family found in a socially
dangerous position (СОП) is reported at once to the КДН, the guardianship body, social
protection and the police: four drafts, each with a task due today. Seed 001 step 3: the
family centre's answer is its confirmed / not confirmed status. A referral to the school
psychologist is what gives the psychologist the case (casework.rules).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import Task
from alerts.services import complete_task, open_task
from audit.services import log_action
from schools.models import Student

from ..models import Body, Case, FamilyCentreStatus, Referral
from ..selectors.referrals import LetterFacts, is_school_psychologist, letter_facts, school_head
from .cases import set_family_centre_status
from .common import CaseworkError, CaseworkPermissionDenied
from .tasks import complete_tasks_for

# alg. 18: the bodies informed monthly of the absences and the measures taken; sending to
# one of them does the child's OUTSIDE_NOTIFICATIONS task.
NOTIFIED_BODIES = frozenset(
    {
        Body.KDN,
        Body.POLICE,
        Body.EDUCATION_AUTHORITY,
        Body.GUARDIANSHIP,
        Body.REGIONAL_DEPARTMENT,
    }
)
# alg. 19: who may be asked to bring the parents to administrative liability.
LIABILITY_BODIES = frozenset({Body.KDN, Body.PDN, Body.POLICE})
# alg. 23: the four bodies told at once of a family in a socially dangerous position.
SOP_BODIES = (Body.KDN, Body.GUARDIANSHIP, Body.SOCIAL_PROTECTION, Body.POLICE)

# Short names of the bodies (a task's details, the case block).
SHORT_NAMES = {
    Body.KDN: gettext_lazy("КДН и ЗП"),
    Body.PDN: gettext_lazy("ПДН"),
    Body.POLICE: gettext_lazy("отдел полиции"),
    Body.GUARDIANSHIP: gettext_lazy("орган опеки и попечительства"),
    Body.SOCIAL_PROTECTION: gettext_lazy("учреждение социальной защиты"),
    Body.EDUCATION_AUTHORITY: gettext_lazy("муниципальный орган управления образованием"),
    Body.REGIONAL_DEPARTMENT: gettext_lazy("региональный орган управления образованием"),
    Body.FAMILY_CENTRE: gettext_lazy("семейный центр"),
    Body.PSYCHOLOGIST: gettext_lazy("педагог-психолог"),
    Body.OTHER: gettext_lazy("иной адресат"),
}

# The letter's addressee, to be completed with the territory (and amended by hand).
ADDRESSEES = {
    Body.KDN: gettext_lazy("В комиссию по делам несовершеннолетних и защите их прав"),
    Body.PDN: gettext_lazy("В подразделение по делам несовершеннолетних отдела полиции"),
    Body.POLICE: gettext_lazy("В территориальный отдел полиции"),
    Body.GUARDIANSHIP: gettext_lazy("В орган опеки и попечительства"),
    Body.SOCIAL_PROTECTION: gettext_lazy("В учреждение социальной защиты населения"),
    Body.EDUCATION_AUTHORITY: gettext_lazy("В муниципальный орган управления образованием"),
    Body.REGIONAL_DEPARTMENT: gettext_lazy("В региональный орган управления образованием"),
    Body.FAMILY_CENTRE: gettext_lazy("В семейный центр"),
    Body.PSYCHOLOGIST: gettext_lazy("Педагогу-психологу"),
    Body.OTHER: "",
}
REGIONAL_BODIES = frozenset({Body.REGIONAL_DEPARTMENT})
LOCAL_BODIES = frozenset(ADDRESSEES) - REGIONAL_BODIES - {Body.PSYCHOLOGIST, Body.OTHER}

MONTHS = (
    gettext_lazy("январь"),
    gettext_lazy("февраль"),
    gettext_lazy("март"),
    gettext_lazy("апрель"),
    gettext_lazy("май"),
    gettext_lazy("июнь"),
    gettext_lazy("июль"),
    gettext_lazy("август"),
    gettext_lazy("сентябрь"),
    gettext_lazy("октябрь"),
    gettext_lazy("ноябрь"),
    gettext_lazy("декабрь"),
)


def short_name(body: str) -> str:
    return str(SHORT_NAMES.get(body, body))


def default_addressee(*, case: Case, body: str, psychologist=None) -> str:
    """«В комиссию по делам несовершеннолетних и защите их прав, <район>» …"""
    base = ADDRESSEES.get(body, "")
    if body == Body.PSYCHOLOGIST and psychologist is not None:
        return f"{base} {psychologist.full_name}".strip()
    if body in LOCAL_BODIES:
        return f"{base}, {case.school.municipality.name}"
    if body in REGIONAL_BODIES:
        return f"{base}, {case.school.municipality.region.name}"
    return base


# Letter text ------------------------------------------------------------------------


def _lessons(n: int) -> str:
    """«1 урок», «3 урока», «12 уроков»."""
    if n % 10 == 1 and n % 100 != 11:
        word = "урок"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = "урока"
    else:
        word = "уроков"
    return f"{n} {word}"


def _of_lessons(n: int) -> str:
    """«из 1 урока», «из 120 уроков» (genitive after «из»)."""
    return f"из {n} урока" if n % 10 == 1 and n % 100 != 11 else f"из {n} уроков"


def _date(day) -> str:
    return f"{day:%d.%m.%Y}" if day else "____"


def _child(facts: LetterFacts) -> str:
    student = facts.case.student
    girl = student.gender == Student.Gender.FEMALE
    boy = student.gender == Student.Gender.MALE
    who = "обучающаяся" if girl else "обучающийся" if boy else "обучающийся (-аяся)"
    lives = "проживающая" if girl else "проживающий" if boy else "проживающий (-ая)"
    klass = (
        f" {facts.school_class.grade}{facts.school_class.letter} класса"
        if facts.school_class
        else ""
    )
    address = student.actual_address or student.registration_address
    text = f"{who}{klass} {student.full_name}, {_date(student.birth_date)} года рождения"
    return f"{text}, {lives} по адресу: {address}" if address else text


def _parents(facts: LetterFacts) -> str:
    if not facts.guardians:
        return "Родители (законные представители): сведения отсутствуют."
    parts = []
    for guardian in facts.guardians:
        part = f"{guardian.full_name} ({guardian.get_relation_display()})"
        if guardian.phone:
            part += ", тел.\u00a0" + guardian.phone.replace(" ", "\u00a0")
        parts.append(part)
    return "Родители (законные представители): " + "; ".join(parts) + "."


def _absences(facts: LetterFacts) -> str:
    if not facts.months:
        return "Пропусков уроков без уважительной причины с начала учебного года не отмечено."
    lines = ["Пропущено уроков без уважительной причины:"]
    for month in facts.months:
        line = f"— {MONTHS[month.month.month - 1]} {month.month.year} г.: {_lessons(month.without_valid)}"
        if month.percent is not None:
            line += f" {_of_lessons(month.scheduled)} ({month.percent} % учебного времени)"
        lines.append(line + ";")
    lines.append(f"всего с {_date(facts.since)}: {_lessons(facts.total_without_valid)}.")
    return "\n".join(lines)


def _measures(facts: LetterFacts) -> str:
    lines = []
    if facts.contacts:
        contacts = "; ".join(
            f"{_date(timezone.localtime(c.contacted_at).date())} — "
            f"{c.get_contact_type_display()} ({c.get_result_display()})"
            for c in facts.contacts
        )
        more = facts.contacts_total - len(facts.contacts)
        if more > 0:
            contacts += f" и ещё {more}"
        lines.append(f"— контакты с родителями (законными представителями): {contacts};")
    for visit in facts.visits:
        lines.append(
            "— посещение семьи по месту жительства, акт обследования жилищно-бытовых условий "
            f"от {_date(visit.visited_on)};"
        )
    for hearing in facts.hearings:
        day = hearing.session.date if hearing.session else None
        line = f"— рассмотрение на Совете профилактики {_date(day)}"
        if hearing.in_absentia:
            line += " (родители не явились, решение принято заочно)"
        if hearing.decision:
            line += f": {hearing.get_decision_display()}"
        lines.append(line + ";")
    for placement in facts.placements:
        lines.append(f"— постановка на внутришкольный учёт {_date(placement.placed_on)};")
    for plan in facts.plans:
        line = (
            "— план индивидуальной профилактической работы на период "
            f"с {_date(plan.start_date)} по {_date(plan.end_date)}"
        )
        done, total = facts.measures_done.get(plan.pk, (0, 0))
        if total:
            line += f", выполнено мероприятий: {done} из {total}"
        lines.append(line + ";")
    for referral in facts.referrals:
        number = f" (исх. № {referral.outgoing_number})" if referral.outgoing_number else ""
        lines.append(
            f"— направлена информация: {short_name(referral.body)} {_date(referral.sent_on)}{number};"
        )
    if not lines:
        return "Меры, принятые образовательной организацией: профилактическая работа начата."
    lines[-1] = lines[-1].rstrip(";") + "."
    return "\n".join(["Образовательной организацией приняты меры:", *lines])


def draft_letter(
    *,
    case: Case,
    body: str,
    purpose: str,
    circumstances: str = "",
    found_on: datetime.date | None = None,
    facts: LetterFacts | None = None,
) -> str:
    """The letter's text drafted from the case: the child, the parents, the absences per
    month, the measures taken and what the school asks of the body."""
    facts = facts or letter_facts(case)
    school = case.school.name
    child = _child(facts)
    if purpose == Referral.Purpose.SOP:
        opening = (
            f"{school} информирует о факте нахождения несовершеннолетнего "
            f"и его семьи в социально опасном положении: {child}."
        )
        found = circumstances.strip() and (
            f"{_date(found_on)} в ходе индивидуальной профилактической работы выявлены "
            "обстоятельства, угрожающие жизни и здоровью несовершеннолетнего либо "
            f"препятствующие его обучению: {circumstances.strip()}"
        )
        ask = "Просим принять меры в пределах компетенции и сообщить о принятых мерах."
        parts = [opening, found, _parents(facts), _absences(facts), _measures(facts), ask]
    elif body == Body.PSYCHOLOGIST:
        parts = [
            f"Для оказания психолого-педагогической помощи направляется {child}.",
            f"Основание: {case.reason}.",
            _absences(facts),
            _measures(facts),
            "Просим провести диагностику и консультирование обучающегося и его родителей "
            "(законных представителей), о результатах сообщить.",
        ]
    else:
        opening = (
            f"{school} сообщает, что {child}, систематически пропускает "
            "учебные занятия без уважительной причины."
        )
        parts = [opening, _parents(facts), _absences(facts), _measures(facts)]
        if purpose == Referral.Purpose.LIABILITY:
            parts.append(
                "Проведённая индивидуальная профилактическая работа не привела к изменению "
                "ситуации. Предлагаем рассмотреть вопрос о привлечении родителей (законных "
                "представителей) несовершеннолетнего к административной ответственности по "
                "статье 5.35 КоАП РФ (неисполнение родителями или иными законными "
                "представителями несовершеннолетних обязанностей по содержанию и воспитанию "
                "несовершеннолетних)."
            )
        elif body == Body.FAMILY_CENTRE:
            parts.append(
                "Просим сообщить о подтверждении или неподтверждении факта семейного "
                "неблагополучия."
            )
        elif purpose == Referral.Purpose.HELP:
            parts.append("Просим оказать семье помощь в пределах компетенции.")
        else:
            parts.append("Просим принять меры в пределах компетенции.")
    return "\n\n".join(part for part in parts if part)


# Operations -------------------------------------------------------------------------


def _check(acting_user, case: Case, perm: str = "casework.manage_referrals") -> None:
    if not acting_user.has_perm(perm, case):
        raise CaseworkPermissionDenied(_("Вы не можете направлять информацию по этому делу."))


def _valid_day(value, what: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise CaseworkError(_("Укажите %(what)s.") % {"what": what})
    return value


def create_referral(
    *,
    case: Case,
    body: str,
    purpose: str,
    acting_user,
    psychologist=None,
    addressee: str = "",
    text: str = "",
    due_date: datetime.date | None = None,
) -> Referral:
    """A referral drafted from the case; its letter text is prefilled when not given. A
    referral to the school psychologist names a psychologist of the case's school, is
    handed over at once (sent today) and gives them the case."""
    if body not in Body.values:
        raise CaseworkError(_("Неизвестный адресат."))
    if purpose not in Referral.Purpose.values:
        raise CaseworkError(_("Неизвестная цель направления."))
    if purpose == Referral.Purpose.LIABILITY and body not in LIABILITY_BODIES:
        raise CaseworkError(
            _(
                "Предложение о привлечении родителей к административной ответственности "
                "направляется в КДН и ЗП, ПДН или отдел полиции."
            )
        )
    _check(acting_user, case)
    if not case.is_active:
        raise CaseworkError(_("Дело закрыто."))
    if body == Body.PSYCHOLOGIST:
        if psychologist is None:
            raise CaseworkError(_("Выберите педагога-психолога."))
        if not is_school_psychologist(psychologist, case.school):
            raise CaseworkError(_("Выбранный сотрудник не педагог-психолог этой школы."))
    else:
        psychologist = None
    addressee = (
        addressee.strip() or default_addressee(case=case, body=body, psychologist=psychologist)
    )[:300]
    if not addressee:
        raise CaseworkError(_("Укажите адресата."))
    text = text.strip() or draft_letter(case=case, body=body, purpose=purpose)
    today = timezone.localdate()
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            school=case.school,
            body=body,
            purpose=purpose,
            psychologist=psychologist,
            addressee=addressee,
            text=text,
            due_date=due_date,
            created_by=acting_user,
        )
        if body == Body.PSYCHOLOGIST:
            referral.status, referral.sent_on = Referral.Status.SENT, today
            referral.save(update_fields=["status", "sent_on"])
        log_action(
            actor=acting_user,
            action="casework.referral.created",
            obj=referral,
            student_id=case.student_id,
            data={
                "case_id": case.pk,
                "body": body,
                "purpose": purpose,
                "psychologist_id": psychologist.pk if psychologist else None,
            },
        )
    return referral


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__student", "case__school", "task")
        .get(pk=referral.pk)
    )


def update_referral(
    *,
    referral: Referral,
    acting_user,
    addressee: str,
    text: str,
    due_date: datetime.date | None = None,
) -> Referral:
    """Amend a draft's addressee, text and deadline; an emptied text is drafted anew from
    the case as it is now."""
    _check(acting_user, referral.case)
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status != Referral.Status.DRAFT:
            raise CaseworkError(_("Письмо уже направлено; его текст не меняется."))
        addressee = addressee.strip() or default_addressee(
            case=referral.case, body=referral.body, psychologist=referral.psychologist
        )
        if not addressee:
            raise CaseworkError(_("Укажите адресата."))
        text = text.strip() or draft_letter(
            case=referral.case, body=referral.body, purpose=referral.purpose
        )
        old = {"addressee": referral.addressee, "due_date": _iso(referral.due_date)}
        referral.addressee, referral.text, referral.due_date = addressee[:300], text, due_date
        referral.save(update_fields=["addressee", "text", "due_date"])
        log_action(
            actor=acting_user,
            action="casework.referral.updated",
            obj=referral,
            student_id=referral.case.student_id,
            data={
                "old": old,
                "new": {"addressee": referral.addressee, "due_date": _iso(due_date)},
            },
        )
    return referral


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def mark_referral_sent(
    *, referral: Referral, sent_on: datetime.date, outgoing_number: str, acting_user
) -> Referral:
    """The letter went out: its date (not in the future) and outgoing number. Sending to a
    body of alg. 18 completes the child's task to notify them; a referral's own task (a СОП
    notification) is done."""
    sent_on = _valid_day(sent_on, _("дату отправки"))
    if sent_on > timezone.localdate():
        raise CaseworkError(_("Дата отправки не может быть в будущем."))
    outgoing_number = outgoing_number.strip()
    if not outgoing_number:
        raise CaseworkError(_("Укажите исходящий номер письма."))
    _check(acting_user, referral.case)
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status != Referral.Status.DRAFT:
            raise CaseworkError(_("Письмо уже отмечено как направленное."))
        case = referral.case
        referral.status, referral.sent_on = Referral.Status.SENT, sent_on
        referral.outgoing_number = outgoing_number[:64]
        referral.save(update_fields=["status", "sent_on", "outgoing_number"])
        done = []
        if referral.body in NOTIFIED_BODIES:
            done = complete_tasks_for(
                student=case.student,
                school=case.school,
                kinds=[Task.Kind.OUTSIDE_NOTIFICATIONS],
                result=referral,
                acting_user=acting_user,
                on=sent_on,
            )
        if referral.task is not None and referral.task.status == Task.Status.OPEN:
            done.append(complete_task(task=referral.task, acting_user=acting_user, result=referral))
        log_action(
            actor=acting_user,
            action="casework.referral.sent",
            obj=referral,
            student_id=case.student_id,
            data={
                "sent_on": sent_on.isoformat(),
                "outgoing_number": referral.outgoing_number,
                "tasks_done": [task.pk for task in done],
            },
        )
    return referral


def record_referral_answer(
    *,
    referral: Referral,
    answer_on: datetime.date,
    answer: str,
    acting_user,
    family_centre_status: str = "",
) -> Referral:
    """The body answered: the date (not before the letter went, not in the future) and what
    it said. The family centre's answer is its status, which the case takes too."""
    answer_on = _valid_day(answer_on, _("дату ответа"))
    if answer_on > timezone.localdate():
        raise CaseworkError(_("Дата ответа не может быть в будущем."))
    answer = answer.strip()
    _check(acting_user, referral.case)
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status == Referral.Status.DRAFT:
            raise CaseworkError(_("Сначала отметьте, что письмо направлено."))
        if referral.status == Referral.Status.ANSWERED:
            raise CaseworkError(_("Ответ уже записан."))
        if answer_on < referral.sent_on:
            raise CaseworkError(_("Дата ответа не может быть раньше даты отправки."))
        centre = referral.body == Body.FAMILY_CENTRE
        if centre and family_centre_status not in (
            FamilyCentreStatus.CONFIRMED,
            FamilyCentreStatus.NOT_CONFIRMED,
        ):
            raise CaseworkError(
                _("Укажите статус семейного центра: подтверждён или не подтверждён.")
            )
        if not answer and not centre:
            raise CaseworkError(_("Укажите содержание ответа."))
        case = referral.case
        referral.status, referral.answer_on, referral.answer = (
            Referral.Status.ANSWERED,
            answer_on,
            answer or FamilyCentreStatus(family_centre_status).label,
        )
        referral.family_centre_status = family_centre_status if centre else ""
        referral.save(update_fields=["status", "answer_on", "answer", "family_centre_status"])
        if centre and case.is_active:
            set_family_centre_status(
                case=case, status=family_centre_status, acting_user=acting_user
            )
        log_action(
            actor=acting_user,
            action="casework.referral.answered",
            obj=referral,
            student_id=case.student_id,
            data={
                "answer_on": answer_on.isoformat(),
                "family_centre_status": referral.family_centre_status,
            },
        )
    return referral


def sop_referrals(case: Case):
    return Referral.objects.filter(case=case, purpose=Referral.Purpose.SOP)


def mark_sop(
    *, case: Case, circumstances: str, found_on: datetime.date, acting_user
) -> list[Referral]:
    """Alg. 23: the family is in a socially dangerous position. The student is marked СОП
    and the КДН и ЗП, the guardianship body, social protection and the police are to be told
    at once: four drafts prefilled with the circumstances, each with a task due today for
    the director (a deputy when the school has no director)."""
    circumstances = circumstances.strip()
    if not circumstances:
        raise CaseworkError(_("Опишите выявленные обстоятельства."))
    found_on = _valid_day(found_on, _("дату выявления"))
    today = timezone.localdate()
    if found_on > today:
        raise CaseworkError(_("Дата выявления не может быть в будущем."))
    if not acting_user.has_perm("casework.mark_sop", case):
        raise CaseworkPermissionDenied(_("Вы не можете отмечать семью как находящуюся в СОП."))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("school", "student").get(pk=case.pk)
        if not case.is_active:
            raise CaseworkError(_("Дело закрыто."))
        if sop_referrals(case).exists():
            raise CaseworkError(
                _(
                    "Семья уже отмечена как находящаяся в социально опасном положении; "
                    "информирование органов создано — оно на странице дела."
                )
            )
        student = Student.objects.select_for_update().get(pk=case.student_id)
        old = student.socially_dangerous_position
        if not old:
            student.socially_dangerous_position = True
            student.save(update_fields=["socially_dangerous_position"])
        case.student = student
        role, head = school_head(case.school)
        facts = letter_facts(case)
        text = draft_letter(
            case=case,
            body=Body.KDN,
            purpose=Referral.Purpose.SOP,
            circumstances=circumstances,
            found_on=found_on,
            facts=facts,
        )
        referrals = []
        for body in SOP_BODIES:
            task = open_task(
                school=case.school,
                student=student,
                kind=Task.Kind.SOP_NOTIFICATION,
                assignee=head,
                assignee_role=role,
                due_date=today,
                acting_user=acting_user,
                details=_("Проинформировать: %(body)s") % {"body": short_name(body)},
            )
            referrals.append(
                Referral.objects.create(
                    case=case,
                    school=case.school,
                    body=body,
                    purpose=Referral.Purpose.SOP,
                    addressee=default_addressee(case=case, body=body),
                    text=text,
                    due_date=today,
                    created_by=acting_user,
                    task=task,
                )
            )
        log_action(
            actor=acting_user,
            action="casework.sop.marked",
            obj=case,
            student_id=student.pk,
            data={
                "field": "socially_dangerous_position",
                "old": old,
                "new": True,
                "found_on": found_on.isoformat(),
                "circumstances": circumstances,
                "referral_ids": [referral.pk for referral in referrals],
                "task_ids": [referral.task_id for referral in referrals],
            },
        )
    return referrals
