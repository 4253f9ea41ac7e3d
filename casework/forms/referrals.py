"""Forms of referrals and notifications to outside bodies (R-C-7) and of the СОП marking."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField, not_future
from journal.forms import DATE_INPUT

from ..models import Body, FamilyCentreStatus, Referral


class ReferralForm(forms.Form):
    body = forms.ChoiceField(label=_("Куда"), choices=Body.choices)
    purpose = forms.ChoiceField(label=_("Цель"), choices=Referral.Purpose.choices)
    psychologist = forms.TypedChoiceField(
        label=_("Педагог-психолог"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Только для направления к педагогу-психологу школы: он получит доступ к делу."),
    )
    addressee = forms.CharField(
        label=_("Адресат"),
        max_length=300,
        required=False,
        help_text=_(
            "Оставьте пустым — заполнится по выбранному органу; можно указать должность и ФИО."
        ),
    )
    due_date = BoundedDateField(label=_("Направить до"), required=False, widget=DATE_INPUT)
    text = forms.CharField(
        label=_("Текст письма"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Оставьте пустым — текст составится по данным дела: ребёнок, пропуски по месяцам, "
            "принятые меры; его можно будет исправить."
        ),
    )

    def __init__(self, *args, psychologists, **kwargs):
        super().__init__(*args, **kwargs)
        self.psychologists = {user.pk: user for user in psychologists}
        self.fields["psychologist"].choices = [("", "—")] + [
            (user.pk, user.full_name) for user in psychologists
        ]

    def clean(self):
        data = super().clean()
        if data.get("body") == Body.PSYCHOLOGIST and not data.get("psychologist"):
            self.add_error("psychologist", _("Выберите педагога-психолога."))
        if data.get("body") == Body.OTHER and not (data.get("addressee") or "").strip():
            self.add_error("addressee", _("Укажите адресата."))
        data["psychologist"] = self.psychologists.get(data.get("psychologist"))
        return data


class ReferralEditForm(forms.Form):
    addressee = forms.CharField(label=_("Адресат"), max_length=300, required=False)
    due_date = BoundedDateField(label=_("Направить до"), required=False, widget=DATE_INPUT)
    text = forms.CharField(
        label=_("Текст письма"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Очистите поле, чтобы составить текст заново по данным дела."),
    )


class ReferralSentForm(forms.Form):
    sent_on = BoundedDateField(label=_("Дата отправки"), widget=DATE_INPUT, validators=[not_future])
    outgoing_number = forms.CharField(label=_("Исходящий номер"), max_length=64)


class ReferralAnswerForm(forms.Form):
    answer_on = BoundedDateField(label=_("Дата ответа"), widget=DATE_INPUT, validators=[not_future])
    family_centre_status = forms.ChoiceField(
        label=_("Статус в семейном центре"),
        choices=[
            ("", "—"),
            (FamilyCentreStatus.CONFIRMED, FamilyCentreStatus.CONFIRMED.label),
            (FamilyCentreStatus.NOT_CONFIRMED, FamilyCentreStatus.NOT_CONFIRMED.label),
        ],
        required=False,
    )
    answer = forms.CharField(
        label=_("Содержание ответа"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = referral.body == Body.FAMILY_CENTRE
        if not self.centre:
            del self.fields["family_centre_status"]

    def clean(self):
        data = super().clean()
        if self.centre and not data.get("family_centre_status"):
            self.add_error("family_centre_status", _("Укажите: подтверждён или не подтверждён."))
        if not self.centre and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Укажите содержание ответа."))
        return data


class SopForm(forms.Form):
    found_on = BoundedDateField(
        label=_("Дата выявления"), widget=DATE_INPUT, validators=[not_future]
    )
    circumstances = forms.CharField(
        label=_("Выявленные обстоятельства"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Обстоятельства, угрожающие жизни и здоровью ребёнка либо препятствующие его "
            "обучению (например, при посещении семьи)."
        ),
    )

    def clean_circumstances(self):
        value = self.cleaned_data["circumstances"].strip()
        if not value:
            raise ValidationError(_("Опишите выявленные обстоятельства."))
        return value
