"""Forms of the individual prevention plan (R-C-6): the plan, a measure, its outcome, the
weekly control."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField
from journal.forms import DATE_INPUT

from ..models import MeasureKind, PlanMeasure


class PlanForm(forms.Form):
    goal = forms.CharField(
        label=_("Цель"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Например: «устранить причины пропусков, вернуть к регулярному посещению»."),
    )
    start_date = BoundedDateField(label=_("Начало"), widget=DATE_INPUT)
    end_date = BoundedDateField(label=_("Окончание"), widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Дата окончания плана не может быть раньше даты начала."))
        return data


class CompletePlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Итоги выполнения плана"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureForm(forms.Form):
    """A measure: from the catalogue of seed 003 alg. 17 or written out («иное»)."""

    kind = forms.ChoiceField(label=_("Мероприятие"), choices=MeasureKind.choices)
    description = forms.CharField(
        label=_("Содержание"),
        max_length=500,
        required=False,
        help_text=_("Что именно (обязательно для «иного»)."),
    )
    responsible = forms.TypedChoiceField(
        label=_("Ответственный"),
        coerce=int,
        error_messages={
            "invalid_choice": _("Ответственным может быть только сотрудник школы ребёнка.")
        },
    )
    due_date = BoundedDateField(
        label=_("Срок"),
        widget=DATE_INPUT,
        error_messages={"required": _("Укажите срок выполнения мероприятия.")},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {user.pk: user for user in staff}
        self.fields["responsible"].choices = [("", "—")] + [
            (user.pk, user.get_full_name() or user.username) for user in staff
        ]

    def clean_responsible(self):
        return self.staff[self.cleaned_data["responsible"]]

    def clean(self):
        data = super().clean()
        if data.get("kind") == MeasureKind.OTHER and not (data.get("description") or "").strip():
            self.add_error(
                "description", _("Опишите мероприятие: для «иного» содержание обязательно.")
            )
        return data


class MeasureOutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("Статус"), choices=PlanMeasure.Status.choices)
    done_on = BoundedDateField(
        label=_("Дата выполнения"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Для выполненного; по умолчанию сегодня."),
    )
    result = forms.CharField(label=_("Результат"), max_length=500, required=False)

    def clean_done_on(self):
        day = self.cleaned_data.get("done_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("Дата выполнения не может быть в будущем."))
        return day


class ControlForm(forms.Form):
    """Seed 001 step 6: the weekly check of the plan."""

    date = BoundedDateField(label=_("Дата контроля"), widget=DATE_INPUT)
    text = forms.CharField(
        label=_("Результаты контроля"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Что выполнено за неделю, посещаемость, что дальше."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("Дата контроля не может быть в будущем."))
        return day
