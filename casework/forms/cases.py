"""Forms of the case page and the case list (R-C-1)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schools.models import SchoolClass

from ..models import Case, FamilyCentreStatus


class OpenCaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Основание"),
        max_length=500,
        help_text=_(
            "Например: «пропуски без уважительной причины с 12.11, родители не выходят на связь»."
        ),
    )


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Статус"), choices=Case.Status.choices)
    reason = forms.CharField(
        label=_("Причина закрытия"),
        max_length=500,
        required=False,
        help_text=_("Обязательна при закрытии дела."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].initial = case.status

    def clean(self):
        data = super().clean()
        if data.get("status") == Case.Status.CLOSED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Укажите причину закрытия дела."))
        return data


class CaseResponsibleForm(forms.Form):
    responsible = forms.TypedMultipleChoiceField(
        label=_("Ответственные"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {user.pk: user for user in staff}
        self.fields["responsible"].choices = [
            (user.pk, user.get_full_name() or user.username) for user in staff
        ]

    def clean_responsible(self):
        ids = self.cleaned_data["responsible"]
        if not ids:
            raise ValidationError(_("Назначьте хотя бы одного ответственного."))
        return [self.staff[pk] for pk in ids]


class FamilyCentreForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Статус в семейном центре"), choices=FamilyCentreStatus.choices
    )


class CaseFilterForm(forms.Form):
    """The case list's filters: status (active by default) and class."""

    ACTIVE = "active"
    status = forms.ChoiceField(
        label=_("Статус"),
        required=False,
        choices=[("", _("все")), (ACTIVE, _("открытые и на наблюдении")), *Case.Status.choices],
    )
    school_class = forms.TypedChoiceField(label=_("Класс"), required=False, coerce=int)
    q = forms.CharField(label=_("Фамилия"), required=False, max_length=100)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        classes = (
            SchoolClass.objects.filter(enrollments__student__cases__in=cases)
            .distinct()
            .select_related("school")
            .order_by("school__short_name", "grade", "letter")
        )
        self.fields["school_class"].choices = [("", _("все"))] + [(c.pk, f"{c}") for c in classes]
        self.fields["status"].initial = self.ACTIVE

    def filter(self, cases):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status", self.ACTIVE) if self.is_bound else self.ACTIVE
        if status == self.ACTIVE:
            cases = cases.exclude(status=Case.Status.CLOSED)
        elif status:
            cases = cases.filter(status=status)
        if data.get("school_class"):
            cases = cases.filter(
                student__enrollments__school_class_id=data["school_class"]
            ).distinct()
        if data.get("q"):
            cases = cases.filter(student__last_name__istartswith=data["q"].strip())
        return cases.order_by("student__last_name", "student__first_name", "-opened_at")
