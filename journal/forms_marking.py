"""Forms of the marking pages: one student's mark, the date of «my lessons», a date range."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import MAX_ID, BoundedDateField

from .models import Mark
from .services.marks import PRESENT

# The longest lesson a school may configure is 90 minutes (School.lesson_minutes), so a
# lateness is always below 45; the service enforces «less than half of this lesson».
MAX_MINUTES_LATE = 45


class MarkForm(forms.Form):
    """One tap on a row: which student, which mark, optionally how many minutes late."""

    KIND_CHOICES = [
        (PRESENT, _("Присутствует")),
        (Mark.Kind.ABSENT, _("Н")),
        (Mark.Kind.LATE, _("ОП")),
    ]

    student = forms.IntegerField(min_value=1, max_value=MAX_ID)
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    minutes_late = forms.IntegerField(
        label=_("мин"), required=False, min_value=1, max_value=MAX_MINUTES_LATE
    )
    # The page's own key for the tap (static/js/lesson.js): a tap kept on the phone while
    # offline and sent again after a lost answer is stored once (set_mark_once).
    client_key = forms.CharField(required=False, max_length=100, strip=True)

    def clean(self):
        data = super().clean()
        # The minutes only mean something for lateness; a stale value from the row's
        # minutes box must not turn «present» or «Н» into an error.
        if data.get("kind") != Mark.Kind.LATE:
            data["minutes_late"] = None
        return data

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return ""


class DayForm(forms.Form):
    """?date=YYYY-MM-DD; today when missing, invalid or out of range (``accounts.inputs``)."""

    date = BoundedDateField(required=False)

    def day(self) -> datetime.date:
        if self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        return timezone.localdate()


class DateRangeForm(forms.Form):
    """?date_from=…&date_to=…; the last ``DEFAULT_DAYS`` days up to today by default, and
    when a date is malformed or out of range (``accounts.inputs``)."""

    DEFAULT_DAYS = 7
    MAX_DAYS = 366

    date_from = BoundedDateField(label=_("с"), required=False)
    date_to = BoundedDateField(label=_("по"), required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        date_to = min(data.get("date_to") or today, today)
        date_from = data.get("date_from") or date_to - datetime.timedelta(
            days=self.DEFAULT_DAYS - 1
        )
        if date_from > date_to:
            raise forms.ValidationError(_("Дата начала позже даты окончания."))
        if (date_to - date_from).days >= self.MAX_DAYS:
            raise forms.ValidationError(_("Период не может быть длиннее года."))
        data["date_from"], data["date_to"] = date_from, date_to
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        if self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        today = timezone.localdate()
        return today - datetime.timedelta(days=self.DEFAULT_DAYS - 1), today
