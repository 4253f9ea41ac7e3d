"""Forms of the class teacher's pages: reasons of a day, parent calls, excuse documents."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField, not_future, within_a_year

from .models import ExcuseDocument, Lesson, ReasonStatus, ValidReason
from .uploads import validate_scan

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def first_error(form: forms.Form) -> str:
    """One message for a one-line notice: «Поле: ошибка»."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        return f"{label}: {errors[0]}" if label else errors[0]
    return ""


class DayReasonsForm(forms.Form):
    """Set the reason of one student's absences on one day: all of them or chosen lessons."""

    SCOPE_DAY = "day"
    SCOPE_LESSONS = "lessons"
    SCOPE_CHOICES = [
        (SCOPE_DAY, _("весь день")),
        (SCOPE_LESSONS, _("выбранные уроки")),
    ]
    STATUS_CHOICES = [
        (ReasonStatus.VALID, _("уважительная")),
        (ReasonStatus.INVALID, _("без уважительной причины")),
    ]

    student = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    date = BoundedDateField(input_formats=["%Y-%m-%d"], widget=forms.HiddenInput)
    scope = forms.ChoiceField(
        label=_("Пропуски"), choices=SCOPE_CHOICES, initial=SCOPE_DAY, widget=forms.RadioSelect
    )
    marks = forms.TypedMultipleChoiceField(
        label=_("Уроки"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Причина"), choices=STATUS_CHOICES)
    valid_reason = forms.ChoiceField(
        label=_("Вид уважительной причины"),
        choices=[("", "—"), *ValidReason.choices],
        required=False,
    )
    note = forms.CharField(label=_("Комментарий"), max_length=500, required=False)

    def __init__(self, *args, marks=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices are the listed absences; the view re-checks them against the class.
        self.fields["marks"].choices = [
            (mark.pk, f"{mark.lesson.period}. {mark.lesson.subject}") for mark in marks
        ]
        if not self.is_bound:
            self.fields["marks"].initial = [mark.pk for mark in marks]

    def clean(self):
        data = super().clean()
        if data.get("status") == ReasonStatus.VALID and not data.get("valid_reason"):
            self.add_error("valid_reason", _("Укажите вид уважительной причины."))
        if data.get("scope") == self.SCOPE_LESSONS and not data.get("marks"):
            self.add_error("marks", _("Отметьте хотя бы один урок."))
        return data


class LessonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, lesson: Lesson) -> str:
        return f"{lesson.date:%d.%m} · {lesson.period}. {lesson.subject}"


class ExcuseDocumentForm(forms.Form):
    """R-J-3: type, dates covered (or single lessons), number, issuer and an optional scan."""

    # Lessons offered for a partial release: those of the chosen period, at most this long.
    MAX_LESSON_WINDOW_DAYS = 31

    kind = forms.ChoiceField(label=_("Вид документа"), choices=ExcuseDocument.Kind.choices)
    valid_reason = forms.ChoiceField(
        label=_("Уважительная причина"),
        choices=[("", _("по виду документа")), *ValidReason.choices],
        required=False,
    )
    # Bounded (accounts.inputs): a document for 9999-12-31 or 1900 is a typing error; one
    # for a planned absence reaches at most a year ahead.
    start_date = BoundedDateField(
        label=_("С"), input_formats=["%Y-%m-%d"], widget=DATE_INPUT, validators=[within_a_year]
    )
    end_date = BoundedDateField(
        label=_("По"), input_formats=["%Y-%m-%d"], widget=DATE_INPUT, validators=[within_a_year]
    )
    lessons = LessonChoiceField(
        label=_("Только эти уроки"),
        queryset=Lesson.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Оставьте пустым, если документ освобождает от всех уроков периода."),
    )
    number = forms.CharField(label=_("Номер"), max_length=50, required=False)
    issued_by = forms.CharField(label=_("Кем выдан"), max_length=300, required=False)
    issued_on = BoundedDateField(
        label=_("Дата документа"),
        input_formats=["%Y-%m-%d"],
        widget=DATE_INPUT,
        required=False,
        validators=[not_future],
    )
    note = forms.CharField(label=_("Примечание"), max_length=500, required=False)
    scan = forms.FileField(
        label=_("Скан (PDF, JPEG или PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, school_class, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = self._lesson_window()
        self.fields["lessons"].queryset = (
            Lesson.objects.filter(
                school_class=school_class,
                date__gte=start,
                date__lte=end,
                status=Lesson.Status.SCHEDULED,
            )
            .select_related("subject")
            .order_by("date", "period")
        )

    def _lesson_window(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period when it is readable and short, else a week around today."""
        today = timezone.localdate()
        default = (today - datetime.timedelta(days=7), today + datetime.timedelta(days=7))
        if not self.is_bound:
            return default
        field = self.fields["start_date"]
        try:
            start = field.clean(self.data.get("start_date"))
            end = field.clean(self.data.get("end_date"))
        except ValidationError:
            return default
        if start > end or (end - start).days >= self.MAX_LESSON_WINDOW_DAYS:
            return default
        return start, end

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan:
            # The service validates again; checking here shows the message next to the field.
            validate_scan(scan)
        return scan or None

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Дата окончания раньше даты начала."))
        return data


class WithdrawExcuseForm(forms.Form):
    reason = forms.CharField(label=_("Причина отзыва"), max_length=300)
