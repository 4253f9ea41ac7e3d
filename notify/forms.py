"""Forms of the message pages: the school's template and the guardian's note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField
from journal.models import GuardianNote

from . import texts
from .models import MessageTemplate


class TemplateForm(forms.Form):
    # The texts go to the parents, and their placeholders ({ученик} …) are Russian whatever
    # the interface language: the fields say so (lang="ru").
    email_subject = forms.CharField(
        label=_("Тема письма"),
        max_length=MessageTemplate._meta.get_field("email_subject").max_length,
        widget=forms.TextInput(attrs={"lang": "ru"}),
    )
    email_body = forms.CharField(
        label=_("Текст письма"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "ru"}),
    )
    sms_body = forms.CharField(
        label=_("Текст SMS"),
        max_length=MessageTemplate._meta.get_field("sms_body").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "ru"}),
        help_text=_("Короче — дешевле: одно SMS кириллицей вмещает 70 знаков."),
    )

    def clean_email_subject(self):
        value = self.cleaned_data["email_subject"].replace("\r", " ").replace("\n", " ")
        texts.check_template(value, require_link=False)
        return value

    def clean_email_body(self):
        value = self.cleaned_data["email_body"].replace("\r\n", "\n")
        texts.check_template(value)
        return value

    def clean_sms_body(self):
        value = self.cleaned_data["sms_body"].replace("\r\n", "\n")
        texts.check_template(value)
        return value


class LessonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.period}. {obj.subject}"


class GuardianNoteForm(forms.Form):
    start_date = BoundedDateField(
        label=_("С"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = BoundedDateField(
        label=_("По"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Для одного дня можно не заполнять."),
    )
    lessons = LessonChoiceField(
        label=_("Только уроки"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Если ребёнок пропустит (пропустил) не весь день — отметьте уроки."),
    )
    reason = forms.ChoiceField(
        label=_("Причина"), choices=GuardianNote.Reason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        max_length=GuardianNote._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lessons"].queryset = lessons
        if not lessons.exists():
            # No lessons to choose that day: nothing shown, and any id sent is refused.
            self.fields["lessons"].widget = forms.MultipleHiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("start_date") and not data.get("end_date"):
            data["end_date"] = data["start_date"]
        data.setdefault("lessons", [])
        return data
