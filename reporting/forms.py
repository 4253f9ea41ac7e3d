"""Forms of the report pages: which report to open, the workflow's steps."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journal.models import Term
from schools.models import Municipality, School, SchoolClass, Student

from .models import Kind
from .rules import CLASS_KINDS, SCHOOL_KINDS

WEEK_KINDS = (Kind.WEEKLY_CLASS_REPORT, Kind.WEEKLY_SCHOOL_REPORT)
MONTH_KINDS = (Kind.MONTHLY_INFORMATION, Kind.MUNICIPAL_MONTHLY)
# The days a report may be asked for: a year such as 1 or 9999 overflows the week and month
# arithmetic and the builders' look-backs (a server error instead of a message).
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


class NewReportForm(forms.Form):
    """One form for every kind: the kind says which of class, school, student it needs and
    how the day picks the period (its week, month, term; the day itself for a minor)."""

    kind = forms.ChoiceField(label=_("Форма"), choices=Kind.choices)
    day = forms.DateField(
        label=_("Период (любой день недели, месяца, четверти)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)],
    )
    school_class = forms.ModelChoiceField(
        label=_("Класс"), queryset=SchoolClass.objects.none(), required=False
    )
    school = forms.ModelChoiceField(
        label=_("Школа"), queryset=School.objects.none(), required=False
    )
    student = forms.ModelChoiceField(
        label=_("Обучающийся"), queryset=Student.objects.none(), required=False
    )
    municipality = forms.ModelChoiceField(
        label=_("Муниципалитет"), queryset=Municipality.objects.none(), required=False
    )

    def __init__(self, *args, kinds, classes, schools, students, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Kind(k).label) for k in kinds]
        for name, queryset in (
            ("school_class", classes),
            ("school", schools),
            ("student", students),
            ("municipality", municipalities),
        ):
            if queryset.exists():
                self.fields[name].queryset = queryset
            else:  # nothing to choose: the field would only confuse
                del self.fields[name]
        for name, queryset in (("school", schools), ("municipality", municipalities)):
            if name in self.fields and len(queryset) == 1:
                self.fields[name].initial = queryset[0].pk
        self.fields["day"].initial = timezone.localdate() - datetime.timedelta(days=7)

    def clean(self):
        data = super().clean()
        kind, day = data.get("kind"), data.get("day")
        if kind is None or day is None:
            return data
        if kind in CLASS_KINDS and not data.get("school_class"):
            raise forms.ValidationError(_("Выберите класс."))
        if kind == Kind.NOT_IN_EDUCATION and not data.get("student"):
            raise forms.ValidationError(_("Выберите обучающегося."))
        if kind in SCHOOL_KINDS and not data.get("school"):
            raise forms.ValidationError(_("Выберите школу."))
        if kind == Kind.MUNICIPAL_MONTHLY and not data.get("municipality"):
            raise forms.ValidationError(_("Выберите муниципалитет."))
        # The rules on the period and the scope (not in the future, a reporting month, the
        # student of the school) are the service's: reporting.services.open_report.
        data["period_start"], data["period_end"] = self._period(kind, day, data)
        return data

    def _period(self, kind, day, data):
        if kind in WEEK_KINDS:
            return week_of(day)
        if kind in MONTH_KINDS:
            return month_of(day)
        if kind == Kind.TERM_SUMMARY:
            term = Term.objects.filter(
                academic_year=data["school_class"].academic_year,
                start_date__lte=day,
                end_date__gte=day,
            ).first()
            if term is None:
                raise forms.ValidationError(_("Этот день не входит ни в одну четверть класса."))
            return term.start_date, term.end_date
        return day, day


class AmendForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=10**6, widget=forms.HiddenInput)
    row = forms.CharField(max_length=100, widget=forms.HiddenInput)


class StepForm(forms.Form):
    """A workflow step names the version the user saw: acting on a stale page is refused."""

    version = forms.IntegerField(min_value=1, max_value=10**6, widget=forms.HiddenInput)


class DecisionForm(StepForm):
    decision = forms.ChoiceField(
        choices=(("approve", _("Утвердить")), ("return", _("Вернуть на доработку")))
    )
    comment = forms.CharField(
        label=_("Комментарий (что исправить)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
