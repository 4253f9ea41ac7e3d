"""Forms of the case's documents: the memo to the director (R-T-3) and the characteristic
(R-C-8)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField
from journal.forms import DATE_INPUT

from ..models import Characteristic


def _not_future(day):
    if day > timezone.localdate():
        raise ValidationError(_("Дата документа не может быть в будущем."))
    return day


class MemoForm(forms.Form):
    date = BoundedDateField(label=_("Дата"), widget=DATE_INPUT)
    addressee = forms.CharField(
        label=_("Кому"),
        max_length=300,
        help_text=_("Например: «Директору МОУ «Школа № 1» Петровой А. И.»."),
    )
    text = forms.CharField(label=_("Текст записки"), widget=forms.Textarea(attrs={"rows": 10}))

    def clean_date(self):
        return _not_future(self.cleaned_data["date"])


def _section(name: str, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=capfirst(Characteristic._meta.get_field(name).verbose_name),
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
    )


class CharacteristicForm(forms.Form):
    """The sections of the characteristic, in the order of the paper form."""

    date = BoundedDateField(label=_("Дата"), widget=DATE_INPUT)
    addressee = forms.ChoiceField(
        label=_("Для"), choices=Characteristic.Addressee.choices, initial="council"
    )
    family = _section("family")
    study = _section("study")
    behaviour = _section("behaviour")
    interests = _section("interests", 3)
    traits = _section("traits", 3)
    conclusion = _section("conclusion")

    def clean_date(self):
        return _not_future(self.cleaned_data["date"])

    def clean(self):
        data = super().clean()
        sections = ("family", "study", "behaviour", "interests", "traits", "conclusion")
        if not self.errors and not any((data.get(name) or "").strip() for name in sections):
            raise ValidationError(_("Заполните хотя бы один раздел характеристики."))
        return data
