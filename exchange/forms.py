from django import forms
from django.utils.translation import gettext_lazy as _

from journal.models import ReasonStatus, ValidReason

from .models import LetterMeaning


class ExportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Выгрузка из электронного журнала"),
        help_text=_(
            "CSV (UTF-8 или Windows-1251) или XLSX: дата, урок, класс, предмет, обучающийся, отметка."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class LetterForm(forms.Form):
    letter = forms.CharField(label=_("Обозначение"), max_length=20, required=False)
    meaning = forms.ChoiceField(
        label=_("В приложении"), choices=LetterMeaning.choices, widget=SELECT
    )
    reason_status = forms.ChoiceField(
        label=_("Причина"),
        choices=ReasonStatus.choices,
        initial=ReasonStatus.UNKNOWN,
        widget=SELECT,
    )
    valid_reason = forms.ChoiceField(
        label=_("Вид уважительной причины"),
        choices=[("", "—"), *ValidReason.choices],
        required=False,
        widget=SELECT,
    )
    description = forms.CharField(label=_("Что означает"), max_length=200, required=False)


LetterFormSet = forms.formset_factory(LetterForm, extra=2, max_num=40, validate_max=True)


class ConflictDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("keep_app", _("Оставить отметку приложения")),
            ("take_ejournal", _("Принять отметку электронного журнала")),
        ]
    )
