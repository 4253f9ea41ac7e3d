"""Forms of the prevention council (R-C-4) and the registry (R-C-5)."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.inputs import BoundedDateField, not_future
from journal.forms import DATE_INPUT

from ..models import Conclusion, CouncilHearing
from ..services.council import AssignmentData

TEXTAREA = {"rows": 3}


def monthly_agenda(day: datetime.date) -> str:
    """The month's plan of a session: attendance, behaviour and progress, then the cases
    (the councils held monthly on exactly these, seed 004)."""
    month = date_format(day, "F Y").lower()
    return "\n".join(
        str(line)
        for line in (
            _("1. О посещаемости учебных занятий обучающимися за %(month)s г.") % {"month": month},
            _(
                "2. О поведении и успеваемости обучающихся, состоящих на внутришкольном "
                "учёте; записи дневников наблюдений."
            ),
            _(
                "3. Рассмотрение персональных дел обучающихся, пропускающих занятия без "
                "уважительной причины."
            ),
            _("4. О выполнении поручений и рекомендаций предыдущего заседания."),
        )
    )


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class StaffMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class SessionForm(forms.Form):
    date = BoundedDateField(label=_("Дата заседания"), widget=DATE_INPUT)
    number = forms.CharField(label=_("Номер протокола"), max_length=32, required=False)
    chair = StaffChoice(label=_("Председатель"), queryset=None, required=False)
    secretary = StaffChoice(label=_("Секретарь"), queryset=None, required=False)
    members = StaffMultipleChoice(
        label=_("Присутствовали члены Совета"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invited = forms.CharField(
        label=_("Приглашённые (ФИО, должность)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Например: инспектор ПДН, специалист КДН и ЗП, родители."),
    )
    agenda = forms.CharField(
        label=_("Повестка (план заседания на месяц)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "secretary", "members"):
            self.fields[name].queryset = staff


class AgendaCaseForm(forms.Form):
    """Put a case of the school on the session's agenda."""

    case = forms.TypedChoiceField(label=_("Дело обучающегося"), coerce=int)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "—")] + [
            (case.pk, case.student.full_name) for case in cases
        ]


class PutOnSessionForm(forms.Form):
    """From the case page: choose the session."""

    session = forms.TypedChoiceField(label=_("Заседание"), coerce=int)

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [
            (
                session.pk,
                _("%(date)s, протокол № %(number)s")
                % {"date": date_format(session.date, "d.m.Y"), "number": session.number or "—"},
            )
            for session in sessions
        ]


PARENTS_CHOICES = (("yes", _("да, присутствовали")), ("no", _("нет — решение принимается заочно")))


class HearingForm(forms.Form):
    parents_present = forms.ChoiceField(
        label=_("Родители (законные представители) присутствовали"),
        choices=PARENTS_CHOICES,
        widget=forms.RadioSelect,
    )
    attendees = forms.CharField(
        label=_("Присутствовали обучающийся и родители (ФИО)"), max_length=500, required=False
    )
    discussion = forms.CharField(
        label=_("Слушали, выступили (кратко)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    analysis = forms.CharField(
        label=_("Анализ результативности принятых мер"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Обязателен при повторном рассмотрении: что дала оказанная помощь."),
    )
    recommendations_child = forms.CharField(
        label=_("Рекомендации обучающемуся"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    recommendations_parents = forms.CharField(
        label=_("Рекомендации родителям (законным представителям)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    decision = forms.ChoiceField(
        label=_("Решение"), choices=[("", "—"), *CouncilHearing.Decision.choices]
    )
    decision_text = forms.CharField(
        label=_("Постановили (текст решения)"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    review_date = BoundedDateField(
        label=_("Срок исполнения рекомендаций"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("После него дело будет назначено на повторное рассмотрение."),
    )
    work_until = BoundedDateField(
        label=_("Срок индивидуальной профилактической работы"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Для решения о постановке на внутришкольный учёт."),
    )

    def __init__(self, *args, is_repeat: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_repeat:
            del self.fields["analysis"]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["parents_present"] = data["parents_present"] == "yes"
        return data


class AssignmentForm(forms.Form):
    assignee = StaffChoice(label=_("Исполнитель"), queryset=None, required=False)
    text = forms.CharField(label=_("Поручение"), max_length=500, required=False)
    due_date = BoundedDateField(label=_("Срок"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff

    def clean(self):
        data = super().clean()
        filled = data.get("assignee") or data.get("text") or data.get("due_date")
        if filled and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", _("Укажите срок исполнения поручения."))
        if filled and not data.get("assignee") and "assignee" not in self.errors:
            self.add_error("assignee", _("Укажите исполнителя поручения."))
        if filled and not (data.get("text") or "").strip():
            self.add_error("text", _("Укажите текст поручения."))
        return data

    def as_data(self) -> AssignmentData:
        data = self.cleaned_data
        return AssignmentData(data.get("assignee"), data.get("text") or "", data.get("due_date"))


AssignmentFormSet = forms.formset_factory(AssignmentForm, extra=3, max_num=20, validate_max=True)


class ConclusionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение директора"),
        choices=(
            (Conclusion.Status.APPROVED, _("утвердить")),
            (Conclusion.Status.REJECTED, _("не утверждать")),
        ),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Комментарий"),
        max_length=500,
        required=False,
        help_text=_("Обязателен, если заключение не утверждено."),
    )


class RemovalForm(forms.Form):
    removed_on = BoundedDateField(
        label=_("Дата снятия с учёта"), widget=DATE_INPUT, validators=[not_future]
    )
    reason = forms.CharField(
        label=_("Причина снятия"),
        max_length=500,
        help_text=_("Например: «положительная динамика, пропусков нет три месяца»."),
    )


class ObservationForm(forms.Form):
    date = BoundedDateField(label=_("Дата"), widget=DATE_INPUT, validators=[not_future])
    attendance = forms.CharField(label=_("Посещаемость"), max_length=500, required=False)
    progress = forms.CharField(label=_("Успеваемость"), max_length=500, required=False)
    behaviour = forms.CharField(label=_("Поведение"), max_length=500, required=False)
    text = forms.CharField(
        label=_("Наблюдения, проведённая работа"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class RegistryFilterForm(forms.Form):
    removed = forms.BooleanField(label=_("Показать снятых с учёта"), required=False)
