"""Filters of the task and alert lists, the «Выполнено» form and the recalculation button."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rule, Task

ALL = [("", _("все"))]
UNASSIGNED = "none"


class TaskFilterForm(forms.Form):
    """``tab`` picks open tasks or the history; ``status`` narrows within the tab."""

    OPEN, HISTORY = "open", "history"
    OPEN_STATUSES = [
        ("overdue", _("просроченные")),
        ("today", _("на сегодня")),
        ("upcoming", _("предстоящие")),
    ]
    HISTORY_STATUSES = [
        (Task.Status.DONE, _("выполненные")),
        (Task.Status.CANCELLED, _("отменённые")),
    ]

    tab = forms.ChoiceField(
        choices=[(OPEN, _("к выполнению")), (HISTORY, _("история"))], required=False
    )
    kind = forms.ChoiceField(label=_("Задача"), choices=ALL + Task.Kind.choices, required=False)
    status = forms.ChoiceField(
        label=_("Состояние"), choices=ALL + OPEN_STATUSES + HISTORY_STATUSES, required=False
    )
    assignee = forms.ChoiceField(label=_("Исполнитель"), required=False)

    def __init__(self, data=None, *, assignees=None):
        super().__init__(data)
        self.overseer = assignees is not None
        if self.overseer:
            self.fields["assignee"].choices = (
                ALL
                + [("me", _("мои задачи")), (UNASSIGNED, _("не назначен"))]
                + [(str(user.pk), user.short_name) for user in assignees]
            )
        else:
            del self.fields["assignee"]

    def value(self, name: str) -> str:
        """The cleaned value, or "" when that filter is invalid (an unknown kind shows all)."""
        self.is_valid()  # cleaned_data keeps the valid fields even when others are not
        return self.cleaned_data.get(name) or ""

    @property
    def active_tab(self) -> str:
        history = {value for value, _label in self.HISTORY_STATUSES}
        if self.value("tab") == self.HISTORY or self.value("status") in history:
            return self.HISTORY
        return self.OPEN

    def status_choices(self):
        return self.HISTORY_STATUSES if self.active_tab == self.HISTORY else self.OPEN_STATUSES


class CompleteTaskForm(forms.Form):
    note = forms.CharField(
        label=_("Отметка о выполнении"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("что сделано (необязательно)")}),
    )
    # Where to return: the task list or the alert page the form was on.
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SchoolAlertsFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("Правило"), choices=ALL + Rule.choices, required=False)
    school_class = forms.TypedChoiceField(
        label=_("Класс"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, data=None, *, classes=()):
        super().__init__(data)
        self.fields["school_class"].choices = ALL + [(str(c.pk), str(c)) for c in classes]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"rule": "", "school_class": None}
        return self.cleaned_data


class RecalculateForm(forms.Form):
    school = forms.IntegerField(widget=forms.HiddenInput)
