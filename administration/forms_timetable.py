"""Forms of the timetable pages: template lines, bells, lesson generation, replacements and
cancellations. They check the shape of the input; the rules are the services'
(``journal.timetable``, ``journal.timetable_template``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField
from journal.models import Lesson, TimetableEntry
from journal.models.calendar import WEEKDAY_CHOICES
from journal.timetable_template import MAX_PERIOD
from schools.models import ClassGroup, SchoolClass, Subject

from .forms import PersonChoiceField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ClassGroup) -> str:
        return obj.name


class EntryForm(forms.Form):
    """A line of a class's weekly template."""

    weekday = forms.TypedChoiceField(label=_("День недели"), coerce=int, choices=WEEKDAY_CHOICES)
    period = forms.TypedChoiceField(label=_("Урок №"), coerce=int, choices=())
    subject = forms.ModelChoiceField(label=_("Предмет"), queryset=Subject.objects.none())
    teacher = PersonChoiceField(label=_("Учитель"), queryset=None)
    group = GroupChoiceField(
        label=_("Подгруппа"),
        queryset=ClassGroup.objects.none(),
        required=False,
        empty_label=_("— весь класс —"),
    )
    room = forms.CharField(
        label=_("Кабинет"),
        max_length=TimetableEntry._meta.get_field("room").max_length,
        required=False,
    )

    def __init__(self, *args, school_class: SchoolClass, teachers, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(n, n) for n in periods or range(1, MAX_PERIOD + 1)]
        self.fields["subject"].queryset = Subject.objects.filter(
            school_id=school_class.school_id, archived=False
        ).order_by("name")
        self.fields["teacher"].queryset = teachers
        self.fields["group"].queryset = ClassGroup.objects.filter(school_class=school_class)


class EntryChangeForm(EntryForm):
    from_date = BoundedDateField(
        label=_("Действует с"),
        widget=DATE_INPUT,
        help_text=_(
            "Уже проведённые уроки остаются как были; уроки с этой даты изменятся при "
            "следующем создании уроков."
        ),
    )


class EntryRemoveForm(forms.Form):
    from_date = BoundedDateField(label=_("Убрать с"), widget=DATE_INPUT)


class BellForm(forms.Form):
    number = forms.TypedChoiceField(
        label=_("Урок №"), coerce=int, choices=[(n, n) for n in range(1, MAX_PERIOD + 1)]
    )
    start_time = forms.TimeField(label=_("Начало"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("Окончание"), widget=TIME_INPUT)


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Название подгруппы"),
        max_length=ClassGroup._meta.get_field("name").max_length,
        help_text=_("Например: 1 подгруппа, английский — группа Ивановой."),
    )


class GroupStudentsForm(forms.Form):
    students = forms.ModelMultipleChoiceField(
        label=_("Обучающиеся подгруппы"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = students
        self.fields["students"].label_from_instance = lambda student: student.full_name


class GenerationForm(forms.Form):
    """Which lessons to generate: a term of the current year, optionally from a date and
    for one class."""

    term = forms.ModelChoiceField(label=_("Учебный период"), queryset=None, empty_label=None)
    start = BoundedDateField(
        label=_("С даты"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Пусто — с начала периода. Уроки до этой даты не меняются."),
    )
    school_class = forms.ModelChoiceField(
        label=_("Класс"),
        queryset=None,
        required=False,
        empty_label=_("— все классы —"),
    )

    def __init__(self, *args, terms, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["school_class"].queryset = classes

    def clean(self):
        data = super().clean()
        term, start = data.get("term"), data.get("start")
        if term and start and not term.start_date <= start <= term.end_date:
            self.add_error("start", _("Дата вне выбранного учебного периода."))
        return data

    def dates(self):
        term = self.cleaned_data["term"]
        return self.cleaned_data.get("start") or term.start_date, term.end_date


class ApplyForm(GenerationForm):
    fingerprint = forms.CharField(max_length=64, widget=forms.HiddenInput)


class LessonDayForm(forms.Form):
    """The day and class whose lessons are shown for replacements and cancellations."""

    date = BoundedDateField(label=_("Дата"), widget=DATE_INPUT, required=False)
    school_class = forms.ModelChoiceField(
        label=_("Класс"), queryset=None, required=False, empty_label=_("— все классы —")
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class ReplaceForm(forms.Form):
    teacher = PersonChoiceField(label=_("Замещающий учитель"), queryset=None)

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина отмены"),
        max_length=Lesson._meta.get_field("cancel_reason").max_length,
    )
