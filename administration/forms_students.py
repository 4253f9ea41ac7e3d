"""Forms of the students pages. They check the shape of the input; the rules (a plausible
birth date, a phone's digits, a date inside the class's year, who may change what) are the
services', whose Russian refusals the views add to the form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField
from journal.forms import DATE_INPUT
from schools.models import Enrollment, Guardian, LeavingCategory, SchoolClass, Student

from .selectors_students import STATUS_ALL, STATUS_CURRENT, STATUS_LEFT

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
SEARCH_MAX_LENGTH = 100


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SchoolClass) -> str:
        return f"{obj} ({obj.academic_year})"


def _date(label, **kwargs) -> BoundedDateField:
    return BoundedDateField(label=label, input_formats=DATE_FORMATS, widget=DATE_INPUT, **kwargs)


def _today():
    return timezone.localdate()


class StudentFilterForm(forms.Form):
    """The list's search (GET). A bad value is dropped with its error shown, never a 500."""

    q = forms.CharField(label=_("Фамилия, имя"), max_length=SEARCH_MAX_LENGTH, required=False)
    school_class = ClassChoiceField(
        label=_("Класс"),
        queryset=SchoolClass.objects.none(),
        required=False,
        empty_label=_("Все классы"),
    )
    status = forms.ChoiceField(
        label=_("Кто"),
        required=False,
        choices=[
            (STATUS_CURRENT, _("учатся сейчас")),
            (STATUS_LEFT, _("выбывшие")),
            (STATUS_ALL, _("все")),
        ],
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class StudentForm(forms.ModelForm):
    """A student's personal data and family flags (R-A, R-J-7). Never saved by the form:
    ``schools.services_students`` writes."""

    birth_date = _date(_("Дата рождения"))

    class Meta:
        model = Student
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "gender",
            "registration_address",
            "actual_address",
            "large_family",
            "low_income",
            "single_parent",
            "difficult_life_situation",
            "socially_dangerous_position",
            "disability",
            "not_studying_for_health",
            "not_studying_for_health_note",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        """The services decide; the form only checks the shape."""


class NewStudentForm(StudentForm):
    """A new student with the class they are admitted to."""

    school_class = ClassChoiceField(label=_("Класс"), queryset=SchoolClass.objects.none())
    start_date = _date(_("Зачислен с"), initial=_today)
    basis = forms.CharField(
        label=_("Основание зачисления"),
        max_length=Enrollment._meta.get_field("admission_basis").max_length,
        required=False,
        help_text=_("Например: приказ № 12-у от 28.08.2026."),
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class GuardianForm(forms.ModelForm):
    birth_date = _date(_("Дата рождения"), required=False)

    class Meta:
        model = Guardian
        fields = [
            "full_name",
            "relation",
            "phone",
            "email",
            "address",
            "lives_with_student",
            "workplace",
            "work_schedule",
            "education",
            "whereabouts",
            "birth_date",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def validate_unique(self):
        """The services decide; the form only checks the shape."""


class EnrolForm(forms.Form):
    school_class = ClassChoiceField(label=_("Класс"), queryset=SchoolClass.objects.none())
    start_date = _date(_("Зачислен с"), initial=_today)
    basis = forms.CharField(
        label=_("Основание зачисления"),
        max_length=Enrollment._meta.get_field("admission_basis").max_length,
        required=False,
        help_text=_("Например: приказ № 12-у от 28.08.2026."),
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes


class TransferForm(forms.Form):
    """To another class of the same school."""

    to_class = ClassChoiceField(label=_("В класс"), queryset=SchoolClass.objects.none())
    on_date = _date(
        _("Учится в новом классе с"),
        initial=_today,
        help_text=_("Зачисление в прежний класс закончится накануне."),
    )
    reason = forms.CharField(
        label=_("Основание перевода"),
        max_length=Enrollment._meta.get_field("leaving_reason").max_length,
        required=False,
        help_text=_("Например: приказ № 30-у от 01.12.2026."),
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].queryset = classes


class WithdrawForm(forms.Form):
    """Leaving the school: a transfer to another school, a move, graduation, dropping out."""

    last_day = _date(_("Последний день обучения"), initial=_today)
    category = forms.ChoiceField(label=_("Категория выбытия"), choices=LeavingCategory.choices)
    destination = forms.CharField(
        label=_("Куда выбыл"),
        max_length=Enrollment._meta.get_field("leaving_destination").max_length,
        required=False,
        help_text=_(
            "Для перевода — образовательная организация (обязательно); для переезда — "
            "населённый пункт."
        ),
    )
    reason = forms.CharField(
        label=_("Основание выбытия"),
        max_length=Enrollment._meta.get_field("leaving_reason").max_length,
        required=False,
        help_text=_("Например: заявление родителей, приказ № 31-у от 02.12.2026."),
    )
    confirm = forms.BooleanField(
        label=_("Подтверждаю выбытие: обучающийся перестанет числиться в классе после этого дня"),
        error_messages={"required": _("Подтвердите выбытие.")},
    )
