"""Forms of the tracked minors' pages (``reporting/views/minors.py``): they parse the input;
``reporting.minors`` decides what is allowed."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField, not_future
from journal.forms import DATE_INPUT

from .models import TrackedMinor

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


def _text(name: str, *, rows: int = 0, help_text: str = "") -> forms.CharField:
    field = TrackedMinor._meta.get_field(name)
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=capfirst(field.verbose_name),
        max_length=field.max_length,
        required=False,
        widget=widget,
        help_text=help_text,
    )


def _date(label, help_text: str = "", required: bool = False, past: bool = False):
    return BoundedDateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DATE_INPUT,
        help_text=help_text,
        validators=[not_future] if past else [],
    )


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, student):
        return f"{student.full_name}, {student.birth_date:%d.%m.%Y}"


class MinorForm(forms.Form):
    category = forms.ChoiceField(label=_("Раздел отчёта"), choices=TrackedMinor.Category.choices)
    student = StudentChoiceField(
        label=_("Обучающийся (бывший обучающийся) школы"),
        queryset=TrackedMinor.objects.none(),
        required=False,
        empty_label=_("— не выбран —"),
        help_text=_(
            "Если ребёнок учится или учился в школе: ФИО и дата рождения возьмутся из его "
            "карточки, а в отчёте появятся класс и принятые по делу меры."
        ),
    )
    full_name = _text("full_name")
    birth_date = _date(_("Дата рождения"), past=True)
    course = _text("course", help_text=_("Для учащихся СПО."))
    previous_school = _text("previous_school")
    education = _text(
        "education", help_text=_("Для не получающих образование и находящихся в розыске.")
    )
    reason = _text("reason", rows=2)
    family = _text("family", rows=2)
    whereabouts = _text("whereabouts", rows=2)
    measures = forms.CharField(
        label=_("Принимаемые меры"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    since = _date(_("Срок: с"), help_text=_("С какого дня ребёнок на учёте (или помещён)."))
    until = _date(_("Срок: по"), help_text=_("Для помещённых в учреждение: до какого дня."))

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["full_name"].help_text = _(
            "Фамилия и имя; можно не заполнять, если выбран обучающийся."
        )


class RemoveForm(forms.Form):
    removed_on = _date(_("Дата снятия с учёта"), required=True, past=True)
    removal_note = _text(
        "removal_note",
        rows=3,
        help_text=_("Что сделано и где ребёнок учится теперь: это войдёт в раздел 4 отчёта."),
    )
