"""Forms of the year-end rollover page: which year to roll over, and the confirmation of
the plan previewed (``schools.rollover``)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RolloverForm(forms.Form):
    year = forms.ModelChoiceField(label=_("Учебный год"), queryset=None, empty_label=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years


class ApplyRolloverForm(RolloverForm):
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)
