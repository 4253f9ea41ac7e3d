"""The form that edits one setting; the value is checked by the setting itself (policy.catalog)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .catalog import Kind, Setting


def _field_for(setting: Setting) -> forms.Field:
    common = {"label": _("Значение"), "help_text": setting.help_text}
    if setting.kind == Kind.MONTHS:
        choices = [(str(value), label) for value, label in setting.choices]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if setting.kind in (Kind.WEEKDAY, Kind.CHOICE):
        choices = [(str(value), label) for value, label in setting.choices]
        return forms.ChoiceField(choices=choices, **common)
    if setting.kind == Kind.BOOL:
        choices = [("true", _("да")), ("false", _("нет"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if setting.kind == Kind.TIME:
        return forms.CharField(widget=forms.TimeInput(attrs={"type": "time"}), **common)
    if setting.kind == Kind.INT:
        attrs = {"step": 1, "min": setting.min_value, "max": setting.max_value}
        attrs = {name: value for name, value in attrs.items() if value is not None}
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **common)
    if setting.kind == Kind.DECIMAL:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    return forms.CharField(**common)


def form_initial(setting: Setting, value):
    """The current value as the form field shows it."""
    if setting.kind == Kind.MONTHS:
        return [str(month) for month in value]
    if setting.kind == Kind.BOOL:
        return "true" if value else "false"
    if setting.kind == Kind.TIME:
        return value.strftime("%H:%M")
    if setting.kind == Kind.DECIMAL:
        return str(value).replace(".", ",")
    if setting.kind == Kind.ANNUAL_DATES:
        return ", ".join(f"{day:02d}.{month:02d}" for month, day in value)
    return str(value)


class SettingForm(forms.Form):
    def __init__(self, *args, setting: Setting, current, **kwargs):
        kwargs.setdefault("initial", {"value": form_initial(setting, current)})
        super().__init__(*args, **kwargs)
        self.setting = setting
        self.fields["value"] = _field_for(setting)

    def clean_value(self):
        try:
            return self.setting.clean(self.cleaned_data["value"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
