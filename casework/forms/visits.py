"""Forms of the home visit (R-C-3): the plan, the act of inspection, the small actions."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField, within_a_year
from journal.forms import DATE_INPUT

from ..models import HomeVisit
from ..models.visits import (
    ACT_FIELDS,
    ChildCondition,
    FamilyProblem,
    HousingType,
    ParentalControl,
    Relations,
    SanitaryState,
    SchoolContact,
)

DATE_FORMATS = ["%Y-%m-%d"]
NOT_STAFF = _(
    "В комиссию из сотрудников можно включить только сотрудников школы ребёнка; других "
    "членов комиссии (родительский комитет, инспектор ПДН, КДН) впишите в поле «Другие "
    "члены комиссии»."
)


class MembersField(forms.TypedMultipleChoiceField):
    """The commission's staff members: checkboxes of the school's staff."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Члены комиссии из сотрудников школы"),
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": NOT_STAFF},
            help_text=_(
                "Классный руководитель вместе с представителем администрации, социальным "
                "педагогом или педагогом-психологом."
            ),
            **kwargs,
        )


class _WithMembers:
    def _set_staff(self, staff):
        self.staff = {user.pk: user for user in staff}
        self.fields["members"].choices = [
            (user.pk, user.get_full_name() or user.username) for user in staff
        ]

    def clean_members(self):
        ids = self.cleaned_data.get("members") or []
        if not ids:
            raise ValidationError(_("Отметьте хотя бы одного члена комиссии из сотрудников школы."))
        return [self.staff[pk] for pk in ids]


class VisitPlanForm(_WithMembers, forms.Form):
    planned_for = BoundedDateField(
        label=_("Дата посещения"),
        input_formats=DATE_FORMATS,
        widget=DATE_INPUT,
        validators=[within_a_year],
    )
    purpose = forms.CharField(
        label=_("Цель посещения"),
        max_length=500,
        initial=_("выяснение причин пропусков уроков, обследование жилищно-бытовых условий"),
    )
    members = MembersField()
    other_members = forms.CharField(
        label=_("Другие члены комиссии (ФИО, должность)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Члены родительского комитета, инспектор ПДН, представитель КДН и ЗП."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_staff(staff)

    def clean_planned_for(self):
        day = self.cleaned_data["planned_for"]
        if day < timezone.localdate():
            raise ValidationError(_("Дата посещения уже прошла."))
        return day


class ParentsInformedForm(forms.Form):
    on = BoundedDateField(
        label=_("Когда родители предупреждены"), input_formats=DATE_FORMATS, widget=DATE_INPUT
    )

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise ValidationError(_("Дата не может быть в будущем."))
        return day


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Причина отмены"), max_length=300)


def _radio(choices, label):
    return forms.ChoiceField(
        label=label,
        choices=[("", _("не указано")), *choices],
        widget=forms.RadioSelect,
        required=False,
    )


def _checkboxes(choices, label):
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )


def _text(rows=2):
    return forms.Textarea(attrs={"rows": rows})


# The act's sections, in the order of seed 003's form: heading, the form's caption, fields.
ACT_SECTIONS = (
    (_("Акт"), "", ("visited_on",)),
    (
        _("Обучающийся"),
        "",
        ("student_name", "birth_year", "class_name", "disability", "address"),
    ),
    (
        _("Сведения о матери / мачехе"),
        _("ФИО, возраст, место работы, режим работы, образование, контактный телефон"),
        (
            "mother_name",
            "mother_age",
            "mother_work",
            "mother_schedule",
            "mother_education",
            "mother_phone",
        ),
    ),
    (
        _("Сведения об отце / отчиме"),
        _("ФИО, возраст, место работы, режим работы, образование, контактный телефон"),
        (
            "father_name",
            "father_age",
            "father_work",
            "father_schedule",
            "father_education",
            "father_phone",
        ),
    ),
    (
        _("Сведения о других родственниках, проживающих совместно с обучающимся"),
        _("ФИО, год рождения, степень родства"),
        ("other_relatives",),
    ),
    (
        _("Общий доход семьи"),
        _("заработная плата, алименты, пенсии, пособия, иные социальные выплаты"),
        ("family_income",),
    ),
    (
        _("Жилищные условия"),
        _(
            "многоквартирный дом, частный дом, его состояние, жилая площадь, число комнат, "
            "благоустройство"
        ),
        ("housing_type", "housing"),
    ),
    (
        _("Санитарно-гигиеническое состояние жилой площади"),
        "",
        ("sanitary_state", "sanitary_note"),
    ),
    (
        _("Жилищно-бытовые условия обучающегося"),
        _("отметьте, что у ребёнка есть; ниже — состояние вещей и чего не хватает"),
        ("child_conditions", "child_conditions_note"),
    ),
    (
        _("Соблюдение обучающимся режима дня"),
        _(
            "выполнение домашних заданий, где и с кем проводит свободное время, участие "
            "ребёнка в домашнем труде, занимается ли в кружках и секциях, режим сна"
        ),
        ("daily_routine",),
    ),
    (
        _("Связь родителей со школой, контроль за поведением обучающегося"),
        "",
        ("school_contact", "parental_control", "school_contact_note"),
    ),
    (
        _("Отношения родителей (законных представителей) с обучающимся"),
        "",
        ("relations", "relations_note"),
    ),
    (_("Проблемы семьи"), "", ("family_problems", "family_problems_note")),
    (_("Дополнительные сведения"), "", ("additional_info", "danger_found")),
    (
        _("Итоги обследования"),
        _(
            "родителям разъясняется ответственность за ненадлежащее исполнение обязанностей "
            "по воспитанию и обучению детей и предлагаются меры по устранению причин пропусков"
        ),
        ("responsibility_explained", "measures_proposed", "parents_present"),
    ),
    (_("Подписи членов комиссии"), _("ФИО, должность"), ("members", "other_members")),
)


class HomeVisitActForm(_WithMembers, forms.ModelForm):
    """The act of inspection of living conditions, every field of seed 003's form."""

    visited_on = BoundedDateField(
        label=_("Дата посещения (дата акта)"), input_formats=DATE_FORMATS, widget=DATE_INPUT
    )
    mother_age = forms.IntegerField(label=_("Возраст"), min_value=14, max_value=110, required=False)
    father_age = forms.IntegerField(label=_("Возраст"), min_value=14, max_value=110, required=False)
    housing_type = _radio(HousingType.choices, _("Дом"))
    sanitary_state = _radio(SanitaryState.choices, _("Состояние"))
    child_conditions = _checkboxes(ChildCondition.choices, _("Имеется"))
    school_contact = _checkboxes(SchoolContact.choices, _("Связь со школой"))
    parental_control = _radio(
        ParentalControl.choices, _("Контроль за поведением со стороны родителей")
    )
    relations = _checkboxes(Relations.choices, _("Отношения"))
    family_problems = _checkboxes(FamilyProblem.choices, _("Проблемы"))
    members = MembersField()

    class Meta:
        model = HomeVisit
        fields = (*ACT_FIELDS, "other_members")
        labels = {
            "student_name": _("ФИО обучающегося"),
            "class_name": _("Класс"),
            "disability": _("Наличие инвалидности"),
            "address": _("Адрес проживания"),
            "mother_name": _("ФИО"),
            "mother_work": _("Место работы"),
            "mother_schedule": _("Режим работы"),
            "mother_education": _("Образование"),
            "mother_phone": _("Контактный телефон"),
            "father_name": _("ФИО"),
            "father_work": _("Место работы"),
            "father_schedule": _("Режим работы"),
            "father_education": _("Образование"),
            "father_phone": _("Контактный телефон"),
            "other_relatives": _("Родственники (по одному на строке)"),
            "family_income": _("Доход семьи"),
            "housing": _("Состояние, жилая площадь, число комнат, благоустройство"),
            "sanitary_note": _("Подробно"),
            "child_conditions_note": _("Состояние, чего не хватает, навыки личной гигиены"),
            "daily_routine": _("Режим дня"),
            "school_contact_note": _("Подробно"),
            "relations_note": _("Подробно"),
            "family_problems_note": _("Подробно"),
            "additional_info": _("Дополнительные сведения"),
            "danger_found": _(
                "Выявлены обстоятельства, угрожающие жизни и здоровью ребёнка либо "
                "препятствующие его обучению (социально опасное положение)"
            ),
            "responsibility_explained": _(
                "Родителям (законным представителям) разъяснена ответственность за "
                "ненадлежащее исполнение обязанностей по воспитанию и обучению детей"
            ),
            "measures_proposed": _("Предложенные родителям меры по устранению причин пропусков"),
            "parents_present": _(
                "Присутствовали родители (законные представители): ФИО, несколько — через «;»"
            ),
            "other_members": _("Другие члены комиссии (ФИО, должность), по одному на строке"),
        }
        widgets = {
            "other_relatives": _text(3),
            "family_income": _text(),
            "housing": _text(),
            "sanitary_note": _text(),
            "child_conditions_note": _text(),
            "daily_routine": _text(3),
            "school_contact_note": _text(),
            "relations_note": _text(),
            "family_problems_note": _text(),
            "additional_info": _text(3),
            "measures_proposed": _text(3),
            "other_members": _text(),
        }

    def __init__(self, *args, visit: HomeVisit, staff, **kwargs):
        # The form writes into a copy: the service saves the act, from cleaned_data.
        super().__init__(*args, instance=copy.copy(visit), **kwargs)
        self._set_staff(staff)
        self.fields["birth_year"] = forms.IntegerField(
            label=_("Год рождения"),
            min_value=1990,
            max_value=timezone.localdate().year,
            required=False,
        )
        if not self.is_bound and visit.status == HomeVisit.Status.DONE:
            self.initial["members"] = [m.pk for m in visit.members.all()]

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Дата посещения не может быть в будущем."))
        return day

    def sections(self) -> list[dict]:
        return [
            {
                "title": title,
                "caption": caption,
                "fields": [self[name] for name in names],
                "id": f"act-section-{number}",
            }
            for number, (title, caption, names) in enumerate(ACT_SECTIONS, start=1)
        ]

    def act_data(self) -> dict:
        """The cleaned data as save_act takes it."""
        data = dict(self.cleaned_data)
        data["other_members"] = data.get("other_members", "")
        return data
