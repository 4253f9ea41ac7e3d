"""Forms of the administration pages. They check the shape of the input; the rules (a free
letter, who may grant which role) are the services', whose Russian refusals the views add
to the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from schools.models import School, SchoolClass, Subject

from .selectors import LEADERSHIP_ROLES


def _role_choices(roles) -> list[tuple[str, str]]:
    """``roles`` in the order of ``Role``, with their Russian labels."""
    return [(role.value, role.label) for role in Role if role in roles]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.username})"


class ClassForm(forms.Form):
    grade = forms.TypedChoiceField(
        label=_("Параллель"), coerce=int, choices=[(n, n) for n in range(1, 12)]
    )
    letter = forms.CharField(
        label=_("Литера"),
        max_length=SchoolClass._meta.get_field("letter").max_length,
        help_text=_("Например: А, Б, В."),
    )
    class_teacher = PersonChoiceField(
        label=_("Классный руководитель"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— не назначен —"),
        help_text=_("Выбираются сотрудники с ролью классного руководителя в этой школе."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_teacher"].queryset = candidates


class SubjectForm(forms.Form):
    name = forms.CharField(
        label=_("Название"), max_length=Subject._meta.get_field("name").max_length
    )
    short_name = forms.CharField(
        label=_("Сокращение"),
        max_length=Subject._meta.get_field("short_name").max_length,
        required=False,
    )


class StaffForm(forms.Form):
    last_name = forms.CharField(label=_("Фамилия"), max_length=150)
    first_name = forms.CharField(label=_("Имя"), max_length=150)
    patronymic = forms.CharField(label=_("Отчество"), max_length=150, required=False)
    username = forms.CharField(
        label=_("Логин"),
        max_length=150,
        help_text=_("Латинские буквы, цифры и знаки @ . + - _"),
    )
    email = forms.EmailField(label=_("Электронная почта"), required=False)
    phone = forms.CharField(label=_("Телефон"), max_length=32, required=False)
    position = forms.CharField(label=_("Должность"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Роли в школе"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(roles)


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Роль"), choices=())

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class AppointForm(forms.Form):
    """A municipal specialist appoints someone already working in one of their schools."""

    school = forms.ModelChoiceField(label=_("Школа"), queryset=School.objects.none())
    role = forms.ChoiceField(label=_("Роль"), choices=_role_choices(LEADERSHIP_ROLES))
    person = PersonChoiceField(label=_("Сотрудник"), queryset=User.objects.none())

    def __init__(self, *args, schools, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["person"].queryset = candidates


class NewLeaderForm(StaffForm):
    """A municipal specialist takes on a new person as director, deputy or administrator."""

    school = forms.ModelChoiceField(label=_("Школа"), queryset=School.objects.none())
    field_order = ["school", "roles"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, roles=LEADERSHIP_ROLES, **kwargs)
        self.fields["school"].queryset = schools
