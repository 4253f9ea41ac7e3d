"""A school's audit log as its director and deputy search it (issue #14, spec R-SEC).

Who read or changed what about which child, and when: the entries of one school, found by
the child's name (the entries naming the child, and the pages that listed them among others,
``data["student_ids"]``), by the user's name, by a period and by the kind of action. The page
and its exports read them here; ``audit`` itself sits below the schools and the roles.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.inputs import BoundedDateField
from audit.models import AuditEntry

from .models import School, Student

# A name matching more children than this is too broad a search: the entries of the first
# ones are shown (each child is one condition on the list of ids a page stored).
MAX_CHILDREN = 50

READS = (
    Q(action__endswith=".viewed")
    | Q(action__endswith="downloaded")
    | Q(action__endswith=".exported")
)
MARKS = (
    Q(action__startswith="journal.mark.")
    | Q(action__startswith="journal.reason.")
    # Marks from the regional e-journal (exchange app): imports, letters, conflicts.
    | (Q(action__startswith="exchange.") & ~READS)
)
EXCUSES = Q(action__in=["journal.excuse.registered", "journal.excuse.withdrawn"])

# The kinds of action the search offers: code → (label, condition).
ACTION_KINDS: dict[str, tuple[str, Q]] = {
    "reads": (gettext_lazy("Просмотр и выгрузка персональных данных"), READS),
    "marks": (gettext_lazy("Отметки, причины, оправдательные документы"), MARKS | EXCUSES),
    "casework": (
        gettext_lazy("Профилактическая работа"),
        Q(action__startswith="casework.") & ~READS,
    ),
    "reports": (gettext_lazy("Отчёты"), Q(action__startswith="reporting.") & ~READS),
    "administration": (
        gettext_lazy("Сотрудники, роли, обучающиеся, расписание"),
        Q(action__startswith="admin.")
        | Q(action__startswith="accounts.")
        | Q(action__startswith="schools."),
    ),
    "settings": (gettext_lazy("Настройки"), Q(action__startswith="policy.")),
}

# What an action did, in words; other actions show their code.
ACTION_LABELS = {
    "journal.student_card.viewed": gettext_lazy("открыта карточка обучающегося"),
    "journal.class_day.viewed": gettext_lazy("открыт день класса"),
    "journal.excuses.viewed": gettext_lazy("открыты оправдательные документы"),
    "journal.excuse.scan_downloaded": gettext_lazy("скачан скан документа"),
    "journal.registry.exported": gettext_lazy("выгружен реестр"),
    "journal.mark.changed": gettext_lazy("изменена отметка"),
    "journal.reason.set": gettext_lazy("установлена причина пропуска"),
    "journal.excuse.registered": gettext_lazy("зарегистрирован документ"),
    "journal.excuse.withdrawn": gettext_lazy("отозван документ"),
    "casework.case.viewed": gettext_lazy("открыто дело"),
    "casework.call_form.viewed": gettext_lazy("открыта форма звонка родителям"),
    "reporting.report.viewed": gettext_lazy("открыт отчёт"),
    "reporting.report.downloaded": gettext_lazy("скачан файл отчёта"),
    "accounts.role.assigned": gettext_lazy("назначена роль"),
    "accounts.role.revoked": gettext_lazy("снята роль"),
    "policy.setting.changed": gettext_lazy("изменена настройка"),
    "policy.setting.reset": gettext_lazy("настройка сброшена"),
    "audit.log.exported": gettext_lazy("выгружен журнал аудита"),
    "reporting.report.opened": gettext_lazy("составлен отчёт"),
    "reporting.report.amended": gettext_lazy("исправлен отчёт"),
    "reporting.report.submitted": gettext_lazy("отчёт сдан на утверждение"),
    "reporting.report.approved": gettext_lazy("отчёт утверждён"),
    "reporting.report.returned": gettext_lazy("отчёт возвращён на доработку"),
    "reporting.report.correction_started": gettext_lazy("начато исправление отчёта"),
    "reporting.report.exported": gettext_lazy("выгружен отчёт"),
    "reporting.report.purged": gettext_lazy("данные отчёта уничтожены по сроку хранения"),
    "journal.week.locked": gettext_lazy("неделя закрыта для изменений"),
    "journal.lesson.cancelled": gettext_lazy("урок отменён"),
    "journal.lesson.teacher_replaced": gettext_lazy("заменён учитель урока"),
    "casework.case.opened": gettext_lazy("открыто профилактическое дело"),
    "casework.case.status_changed": gettext_lazy("изменено состояние дела"),
    "casework.contact.logged": gettext_lazy("записан контакт с родителями"),
    "schools.enrollment.created": gettext_lazy("обучающийся зачислен"),
    "schools.enrollment.transferred": gettext_lazy("обучающийся переведён"),
    "schools.enrollment.ended": gettext_lazy("обучающийся выбыл"),
    "schools.student.added": gettext_lazy("добавлен обучающийся"),
    "schools.student.changed": gettext_lazy("изменены данные обучающегося"),
    "schools.guardian.added": gettext_lazy("добавлен законный представитель"),
    "schools.guardian.changed": gettext_lazy("изменены данные законного представителя"),
    "schools.guardian.removed": gettext_lazy("удалён законный представитель"),
    "administration.import.uploaded": gettext_lazy("загружен файл для проверки"),
    "administration.import.applied": gettext_lazy("загружены данные из файла"),
    "administration.students.viewed": gettext_lazy("открыт список обучающихся школы"),
    "administration.student.viewed": gettext_lazy("открыта страница обучающегося"),
    "exchange.ejournal.checked": gettext_lazy("проверена выгрузка электронного журнала"),
    "exchange.ejournal.applied": gettext_lazy("применена выгрузка электронного журнала"),
    "exchange.ejournal.viewed": gettext_lazy("открыт отчёт загрузки из электронного журнала"),
    "exchange.conflicts.viewed": gettext_lazy("открыт список расхождений с электронным журналом"),
    "exchange.letters.changed": gettext_lazy("изменены обозначения электронного журнала"),
    "exchange.conflict.resolved": gettext_lazy("разобрано расхождение с электронным журналом"),
}
ADMIN_VERBS = {
    "added": gettext_lazy("добавлено в панели администрирования"),
    "changed": gettext_lazy("изменено в панели администрирования"),
    "deleted": gettext_lazy("удалено в панели администрирования"),
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action.startswith("admin."):
        return str(ADMIN_VERBS.get(action.rsplit(".", 1)[-1], action))
    if action.startswith("casework.") and action.endswith(".viewed"):
        return _("открыт документ дела")
    return action


def _words_match(prefix: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= (
            Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}patronymic__icontains": word})
        )
    return condition


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BoundedDateFilter(django_filters.DateFilter):
    """A day inside the bounds of ``accounts.inputs``: 9999-12-31 is a form error."""

    field_class = BoundedDateField


class AuditFilter(django_filters.FilterSet):
    """The search form of the page and its exports."""

    child = django_filters.CharFilter(
        label=gettext_lazy("Обучающийся (ФИО)"), method="filter_child", max_length=100
    )
    user = django_filters.CharFilter(
        label=gettext_lazy("Сотрудник (ФИО или логин)"), method="filter_user", max_length=100
    )
    start = BoundedDateFilter(label=gettext_lazy("С"), method="filter_start", widget=DATE_INPUT)
    end = BoundedDateFilter(label=gettext_lazy("По"), method="filter_end", widget=DATE_INPUT)
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Действие"),
        choices=[(code, label) for code, (label, _condition) in ACTION_KINDS.items()],
        empty_label=gettext_lazy("все"),
        method="filter_kind",
    )

    class Meta:
        model = AuditEntry
        fields = ["child", "user", "start", "end", "kind"]

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def filter_child(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        ids = list(
            Student.objects.filter(_words_match("", words), enrollments__school=self.school)
            .order_by("last_name", "first_name", "pk")
            .values_list("pk", flat=True)
            .distinct()[:MAX_CHILDREN]
        )
        condition = Q(student_id__in=ids)
        for student_id in ids:
            condition |= Q(data__student_ids__contains=[student_id])
        return queryset.filter(condition)

    def filter_user(self, queryset, name, value):
        words = value.split()
        condition = Q()
        for word in words:
            condition &= _words_match("actor__", [word]) | Q(actor__username__icontains=word)
        return queryset.filter(condition)

    def filter_start(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(ACTION_KINDS[value][1])


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def school_entries(school: School) -> QuerySet[AuditEntry]:
    """Every entry of the school, newest first, with what the page prints."""
    return (
        AuditEntry.objects.filter(school=school)
        .select_related("actor", "student")
        .order_by("-created_at", "-id")
    )


def search(school: School, params) -> AuditFilter:
    """The school's entries filtered by ``params`` (a GET query); ``.qs`` holds them when
    ``.is_valid()``, ``.form`` the search form with its errors in Russian."""
    return AuditFilter(params, queryset=school_entries(school), school=school)


# What the page and the exports print of an entry.


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_value(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    return str(value)


def details(entry: AuditEntry) -> str:
    """The entry's data in one line: each field's old and new value, else its data."""
    data = entry.data or {}
    parts = []
    changes = data.get("changes") or {}
    for field, change in (changes.get("fields") or {}).items():
        if change.get("secret"):
            parts.append(_("%(field)s: изменено (значение не хранится)") % {"field": field})
        else:
            parts.append(f"{field}: {_value(change.get('old'))} → {_value(change.get('new'))}")
    for inline in changes.get("inlines") or []:
        parts.append(f"{inline.get('model')} «{inline.get('object')}»: {inline.get('verb')}")
    if not changes and ("old" in data or "new" in data):
        parts.append(f"{_value(data.get('old'))} → {_value(data.get('new'))}")
    if not parts:
        # The children listed are the «Обучающийся» column; ids mean nothing to a reader.
        hidden = ("message", "student_id", "student_ids", "lesson", "mark_id", "mark_ids")
        rest = {k: v for k, v in data.items() if k not in hidden}
        if rest:
            parts.append(_value(rest)[:300])
    return "; ".join(parts)


def child_label(entry: AuditEntry) -> str:
    if entry.student is not None:
        return entry.student.full_name
    count = len((entry.data or {}).get("student_ids") or [])
    return _("обучающихся: %(count)s") % {"count": count} if count else ""


def row_values(entry: AuditEntry) -> list:
    """The columns of ``COLUMNS`` for one entry."""
    actor = entry.actor
    return [
        timezone.localtime(entry.created_at),
        (actor.get_full_name() or actor.username) if actor is not None else _("система"),
        action_label(entry.action),
        entry.object_repr,
        child_label(entry),
        details(entry),
        entry.action,
    ]


COLUMNS = (
    gettext_lazy("Когда"),
    gettext_lazy("Кто"),
    gettext_lazy("Действие"),
    gettext_lazy("Объект"),
    gettext_lazy("Обучающийся"),
    gettext_lazy("Подробности"),
    gettext_lazy("Код действия"),
)
