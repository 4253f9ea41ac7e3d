import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField, within_a_year

from .scopes import Scope


def _in_future(day: datetime.date) -> None:
    if day <= timezone.localdate():
        raise forms.ValidationError(_("Срок действия должен закончиться в будущем."))


class PersonalTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Название"),
        max_length=100,
        help_text=_("Где токен будет использоваться, например «Телефон» или «Скрипт отчёта»."),
    )
    expires_on = BoundedDateField(
        label=_("Действует по"),
        required=False,
        validators=[_in_future, within_a_year],
        help_text=_("Пусто — пока не отозван."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def expires_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # Valid through the whole of that day.
        return timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(1), datetime.time())
        )


class IntegrationTokenForm(PersonalTokenForm):
    scopes = forms.MultipleChoiceField(
        label=_("Права"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Токен может не больше, чем вы сами, и только в этой школе."),
    )
