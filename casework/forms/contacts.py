"""The contact with the parents (R-C-2), from the class day and the case page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import moment_in_bounds
from journal.forms import DATETIME_FORMATS, DATETIME_INPUT

from ..models import ParentContact


class ParentContactForm(forms.Form):
    """The class teacher's call (or other contact) with the parents about an absence."""

    student = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    contact_type = forms.ChoiceField(
        label=_("Вид контакта"),
        choices=ParentContact.ContactType.choices,
        initial=ParentContact.ContactType.PHONE_CALL,
    )
    guardian = forms.TypedChoiceField(label=_("Кому звонили"), coerce=int, required=False)
    guardian_name = forms.CharField(
        label=_("Другой собеседник (ФИО)"),
        max_length=300,
        required=False,
        help_text=_("Если собеседника нет в списке законных представителей."),
    )
    # Not in the future: the service refuses it (allowing for a clock running fast).
    contacted_at = forms.DateTimeField(
        label=_("Когда"),
        input_formats=DATETIME_FORMATS,
        widget=DATETIME_INPUT,
        validators=[moment_in_bounds],
    )
    summary = forms.CharField(
        label=_("Что сказано"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    stated_reason = forms.CharField(
        label=_("Названная причина отсутствия"), max_length=500, required=False
    )
    result = forms.ChoiceField(label=_("Результат"), choices=ParentContact.Result.choices)
    next_step = forms.CharField(label=_("Следующий шаг"), max_length=500, required=False)
    # Seed 002 §4.1: the days missed without a valid reason the parents have not heard of.
    absences_told = forms.MultipleChoiceField(
        label=_("Сообщено родителям о пропусках"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Дни без уважительной причины, о которых родителям ещё не сообщали."),
    )

    def __init__(self, *args, guardians=(), absences=(), **kwargs):
        super().__init__(*args, **kwargs)
        if absences:
            self.fields["absences_told"].choices = [
                (day.isoformat(), day.strftime("%d.%m.%Y")) for day in absences
            ]
            self.fields["absences_told"].initial = [day.isoformat() for day in absences]
        else:
            del self.fields["absences_told"]
        self.guardians = {guardian.pk: guardian for guardian in guardians}
        self.fields["guardian"].choices = [("", "—")] + [
            (g.pk, f"{g.full_name} ({g.get_relation_display()}), {g.phone or _('нет телефона')}")
            for g in guardians
        ]
        if not self.is_bound:
            self.fields["contacted_at"].initial = timezone.localtime().replace(
                second=0, microsecond=0
            )

    def clean_guardian(self):
        pk = self.cleaned_data.get("guardian")
        if pk in (None, ""):
            return None
        if pk not in self.guardians:
            raise ValidationError(_("Выберите законного представителя из списка."))
        return self.guardians[pk]

    def clean(self):
        data = super().clean()
        if not data.get("guardian") and not (data.get("guardian_name") or "").strip():
            self.add_error("guardian", _("Укажите, с кем состоялся разговор."))
        return data
