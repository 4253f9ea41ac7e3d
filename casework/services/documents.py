"""Documents of the case: the class teacher's memo to the director (докладная записка,
R-T-3) and the student's characteristic for the council or the КДН (R-C-8).

Each is drafted from what the case knows (the absences, the streak alert's evidence, the
family's flags), edited by a person, saved, and printed as its paper form.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import roles_of
from alerts.models import Alert, Rule, Task
from audit.services import log_action
from printing.pdf import Document, render_pdf

from .. import timeline
from ..models import Case, Characteristic, Memo
from .common import CaseworkError, CaseworkPermissionDenied
from .tasks import complete_tasks_for

CHARACTERISTIC_SECTIONS = ("family", "study", "behaviour", "interests", "traits", "conclusion")


def director_name(school) -> str:
    """The director as the school names them, else the user holding the director's role."""
    if school.director_name:
        return school.director_name
    director = (
        User.objects.filter(
            role_assignments__school=school, role_assignments__role=Role.DIRECTOR, is_active=True
        )
        .order_by("pk")
        .first()
    )
    return director.get_full_name() if director else ""


def _student_word(student) -> str:
    return _("обучающаяся") if student.gender == "f" else _("обучающийся")


def _missed_word(student) -> str:
    return _("пропустила") if student.gender == "f" else _("пропустил")


def school_days(count: int) -> str:
    """«1 учебный день», «3 учебных дня», «5 учебных дней»: a Russian document's plural."""
    if count % 10 == 1 and count % 100 != 11:
        word = _("учебный день")
    elif 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        word = _("учебных дня")
    else:
        word = _("учебных дней")
    return f"{count} {word}"


def _months(rows) -> str:
    return ", ".join(
        f"{date_format(row['month'], 'F Y').lower()} — {row['without_valid']}"
        for row in rows
        if row["without_valid"]
    )


def streak_alert(case: Case) -> Alert | None:
    """The latest «докладная записка» streak alert of the child in the case's school."""
    return (
        Alert.objects.filter(
            student_id=case.student_id, school_id=case.school_id, rule=Rule.STREAK_MEMO
        )
        .order_by("-period_end", "-pk")
        .first()
    )


def memo_draft(case: Case) -> dict:
    """The memo's addressee and text, prefilled from the streak alert and the absences."""
    student, school = case.student, case.school
    school_class = timeline.class_of(case)
    of_class = _(" %(class)s класса") % {"class": school_class} if school_class else ""
    paragraphs = [
        _("Довожу до Вашего сведения, что %(who)s%(of_class)s %(name)s, %(born)s г. р.,")
        % {
            "who": _student_word(student),
            "of_class": of_class,
            "name": student.full_name,
            "born": f"{student.birth_date:%d.%m.%Y}",
        }
    ]
    alert = streak_alert(case)
    if alert is not None:
        days = alert.evidence.get("days") or len(alert.evidence.get("dates", []))
        paragraphs[0] += " " + _(
            "%(missed)s без уважительной причины %(days)s подряд: с %(start)s по %(end)s."
        ) % {
            "missed": _missed_word(student),
            "days": school_days(days) if days else _("несколько учебных дней"),
            "start": f"{alert.period_start:%d.%m.%Y}",
            "end": f"{alert.period_end:%d.%m.%Y}",
        }
    else:
        paragraphs[0] += " " + _("пропускает учебные занятия без уважительной причины.")
    rows = timeline.monthly_absences(case)
    total = sum(row["without_valid"] for row in rows)
    if total:
        paragraphs.append(
            _(
                "С %(start)s пропущено без уважительной причины (или с невыясненной причиной) "
                "уроков: %(total)s (%(months)s)."
            )
            % {
                "start": f"{timeline.period_start(case):%d.%m.%Y}",
                "total": total,
                "months": _months(rows),
            }
        )
    paragraphs.append(
        _(
            "С родителями (законными представителями) проведена беседа: … "
            "Прошу принять меры к родителям (законным представителям) обучающегося."
        )
    )
    addressee = _("Директору %(school)s %(director)s") % {
        "school": school.name,
        "director": director_name(school),
    }
    return {"addressee": addressee.strip(), "text": "\n\n".join(paragraphs)}


def _check_document(case: Case, acting_user, *, date, text_required=None) -> None:
    if not acting_user.has_perm("casework.work_case", case):
        raise CaseworkPermissionDenied(_("Вы не ведёте это дело."))
    if date is None:
        raise CaseworkError(_("Укажите дату документа."))
    if date > timezone.localdate():
        raise CaseworkError(_("Дата документа не может быть в будущем."))
    if text_required is not None and not text_required.strip():
        raise CaseworkError(_("Напишите текст докладной записки."))


def create_memo(
    *, case: Case, date: datetime.date | None, addressee: str, text: str, acting_user
) -> Memo:
    """The class teacher's memo to the director; it does the child's open «докладная
    записка» task."""
    _check_document(case, acting_user, date=date, text_required=text)
    if not addressee.strip():
        raise CaseworkError(_("Укажите, кому адресована записка."))
    with transaction.atomic():
        memo = Memo.objects.create(
            case=case,
            school_id=case.school_id,
            date=date,
            author=acting_user,
            addressee=addressee.strip(),
            text=text.strip(),
        )
        log_action(
            actor=acting_user,
            action="casework.memo.created",
            obj=memo,
            student_id=case.student_id,
            data={"date": date, "addressee": memo.addressee},
        )
        complete_tasks_for(
            student=case.student,
            school=case.school,
            kinds=[Task.Kind.MEMO_TO_DIRECTOR],
            result=memo,
            acting_user=acting_user,
            on=date,
        )
    return memo


def update_memo(
    *, memo: Memo, date: datetime.date | None, addressee: str, text: str, acting_user
) -> Memo:
    """Correct a memo (its author or who works the case); an unchanged memo logs nothing."""
    _check_document(memo.case, acting_user, date=date, text_required=text)
    if not addressee.strip():
        raise CaseworkError(_("Укажите, кому адресована записка."))
    with transaction.atomic():
        memo = Memo.objects.select_for_update().get(pk=memo.pk)
        before = {"date": memo.date, "addressee": memo.addressee, "text": memo.text}
        after = {"date": date, "addressee": addressee.strip(), "text": text.strip()}
        if before == after:
            return memo
        for name, value in after.items():
            setattr(memo, name, value)
        memo.save(update_fields=list(after))
        log_action(
            actor=acting_user,
            action="casework.memo.changed",
            obj=memo,
            student_id=memo.case.student_id,
            data={"from": before, "to": after},
        )
    return memo


def _flags(student) -> list[str]:
    flags = [
        (student.large_family, _("многодетная")),
        (student.low_income, _("малообеспеченная")),
        (student.single_parent, _("неполная")),
    ]
    found = [str(label) for on, label in flags if on]
    sentences = []
    if found:
        sentences.append(_("Семья %(kinds)s.") % {"kinds": ", ".join(found)})
    if student.difficult_life_situation:
        sentences.append(_("Семья находится в трудной жизненной ситуации."))
    if student.socially_dangerous_position:
        sentences.append(_("Семья находится в социально опасном положении."))
    if student.disability:
        sentences.append(_("Ребёнок-инвалид / обучающийся с ОВЗ."))
    return sentences


def _guardian_line(guardian) -> str:
    parts = [f"{guardian.get_relation_display().capitalize()} — {guardian.full_name}"]
    if guardian.birth_date:
        parts.append(_("%(year)s г. р.") % {"year": guardian.birth_date.year})
    if guardian.workplace:
        parts.append(_("место работы: %(work)s") % {"work": guardian.workplace})
    if not guardian.lives_with_student:
        parts.append(_("с ребёнком не проживает"))
    return ", ".join(parts) + "."


def characteristic_draft(case: Case) -> dict:
    """The sections of the characteristic that the data can fill: the family (its flags
    and the guardians), the study (the class and the absences)."""
    student = case.student
    family = [*_flags(student), *map(_guardian_line, student.guardians.all())]
    school_class = timeline.class_of(case)
    study = []
    if school_class:
        study.append(
            _("Обучается в %(class)s классе %(school)s.")
            % {"class": school_class, "school": case.school.short_name}
        )
    rows = timeline.monthly_absences(case)
    if rows:
        total = {key: sum(row[key] for row in rows) for key in ("valid", "invalid", "unknown")}
        late = sum(row["late"] for row in rows)
        study.append(
            _(
                "С %(start)s пропущено уроков: без уважительной причины — %(invalid)s, "
                "причина не выяснена — %(unknown)s, по уважительной причине — %(valid)s; "
                "опозданий — %(late)s."
            )
            % {"start": f"{timeline.period_start(case):%d.%m.%Y}", "late": late, **total}
        )
        months = _months(rows)
        if months:
            study.append(_("Без уважительной причины по месяцам: %(months)s.") % {"months": months})
    return {
        "family": " ".join(family),
        "study": " ".join(study),
        "behaviour": "",
        "interests": "",
        "traits": "",
        "conclusion": "",
    }


def _characteristic_data(addressee: str, sections: dict) -> dict:
    if addressee not in Characteristic.Addressee.values:
        raise CaseworkError(_("Укажите, для кого составлена характеристика."))
    data = {name: (sections.get(name) or "").strip() for name in CHARACTERISTIC_SECTIONS}
    if not any(data.values()):
        raise CaseworkError(_("Заполните хотя бы один раздел характеристики."))
    return data


def create_characteristic(
    *, case: Case, date: datetime.date | None, addressee: str, acting_user, **sections
) -> Characteristic:
    """The student's characteristic; ``sections``: family, study, behaviour, interests,
    traits, conclusion."""
    _check_document(case, acting_user, date=date)
    data = _characteristic_data(addressee, sections)
    with transaction.atomic():
        characteristic = Characteristic.objects.create(
            case=case,
            school_id=case.school_id,
            date=date,
            addressee=addressee,
            author=acting_user,
            **data,
        )
        log_action(
            actor=acting_user,
            action="casework.characteristic.created",
            obj=characteristic,
            student_id=case.student_id,
            data={"date": date, "addressee": addressee},
        )
    return characteristic


def update_characteristic(
    *,
    characteristic: Characteristic,
    date: datetime.date | None,
    addressee: str,
    acting_user,
    **sections,
) -> Characteristic:
    _check_document(characteristic.case, acting_user, date=date)
    data = _characteristic_data(addressee, sections) | {"date": date, "addressee": addressee}
    with transaction.atomic():
        characteristic = Characteristic.objects.select_for_update().get(pk=characteristic.pk)
        changed = [name for name, value in data.items() if getattr(characteristic, name) != value]
        if not changed:
            return characteristic
        for name in changed:
            setattr(characteristic, name, data[name])
        characteristic.save(update_fields=changed)
        log_action(
            actor=acting_user,
            action="casework.characteristic.changed",
            obj=characteristic,
            student_id=characteristic.case.student_id,
            data={"fields": changed},
        )
    return characteristic


# «от …»: the author's position in the genitive, as a memo's heading names it.
POSITIONS = (
    (Role.DEPUTY, gettext_lazy("заместителя директора")),
    (Role.SOCIAL_PEDAGOGUE, gettext_lazy("социального педагога")),
    (Role.PSYCHOLOGIST, gettext_lazy("педагога-психолога")),
    (Role.CLASS_TEACHER, gettext_lazy("классного руководителя")),
    (Role.DIRECTOR, gettext_lazy("директора")),
)


def _position_of(user, school_id) -> str:
    if user is None:
        return ""
    roles = roles_of(user, school_id)
    return next((str(title) for role, title in POSITIONS if role in roles), "")


def render_memo(memo: Memo) -> Document:
    """The memo as a Russian докладная записка: the addressee top right, the title, the
    text, the date and the signature."""
    case = memo.case
    school_class = timeline.class_of(case)
    author = memo.author
    return render_pdf(
        "casework/print/memo.html",
        {
            "memo": memo,
            "student": case.student,
            "school": memo.school,
            "school_class": school_class,
            "author_is_class_teacher": bool(
                author and school_class and school_class.class_teacher_id == author.pk
            ),
            "author_role": _position_of(author, memo.school_id),
            "paragraphs": [p for p in memo.text.splitlines() if p.strip()],
        },
        filename=f"Докладная записка {case.student.last_name} {memo.date:%d.%m.%Y}.pdf",
    )


def render_characteristic(characteristic: Characteristic) -> Document:
    """The characteristic with the child's particulars, its sections and the signatures of
    the class teacher and the director."""
    case = characteristic.case
    student = case.student
    school_class = timeline.class_of(case)
    sections = [
        (Characteristic._meta.get_field(name).verbose_name, getattr(characteristic, name))
        for name in CHARACTERISTIC_SECTIONS
    ]
    return render_pdf(
        "casework/print/characteristic.html",
        {
            "characteristic": characteristic,
            "student": student,
            "school": characteristic.school,
            "school_class": school_class,
            "addressee": characteristic.get_addressee_display(),
            "class_teacher": school_class.class_teacher if school_class else None,
            "director": director_name(characteristic.school),
            "guardians": list(student.guardians.all()),
            "sections": [(title, text) for title, text in sections if text],
        },
        filename=f"Характеристика {student.last_name} {characteristic.date:%d.%m.%Y}.pdf",
    )
