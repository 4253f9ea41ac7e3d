"""The catalogue of settings: every number and deadline of spec §3–6 with the seed's default (R-CFG).

A region may override a default, a school may override its region
(``policy.services`` resolves them). Values are stored as JSON in
``PolicyValue.value``; :meth:`Setting.clean` turns user input or stored JSON
into the Python value the rest of the code works with, :meth:`Setting.to_json`
turns it back.

Keys are stable: alerts, tasks and reports refer to them, and stored overrides
and audit entries name them. Rename one only with a data migration.
"""

import datetime
import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Kind(enum.StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    TIME = "time"
    WEEKDAY = "weekday"
    CHOICE = "choice"
    MONTHS = "months"
    ANNUAL_DATES = "annual_dates"


class Group(enum.StrEnum):
    JOURNAL = "journal"
    UNITS = "units"
    THRESHOLDS = "thresholds"
    HOURS = "hours"
    DEADLINES = "deadlines"
    REPORTS = "reports"
    SECURITY = "security"
    CASEWORK = "casework"


GROUP_LABELS = {
    Group.JOURNAL: _("Журнал посещаемости"),
    Group.UNITS: _("Производные единицы учёта"),
    Group.THRESHOLDS: _("Пороги пропусков"),
    Group.HOURS: _("Пропущенные часы за месяц по параллелям"),
    Group.DEADLINES: _("Сроки мер по случаю"),
    Group.REPORTS: _("Отчёты и сроки сдачи"),
    Group.SECURITY: _("Хранение данных и файлы"),
    Group.CASEWORK: _("Профилактическая работа"),
}

WEEKDAYS = (
    (0, _("понедельник")),
    (1, _("вторник")),
    (2, _("среда")),
    (3, _("четверг")),
    (4, _("пятница")),
    (5, _("суббота")),
    (6, _("воскресенье")),
)

MONTHS = (
    (9, _("сентябрь")),
    (10, _("октябрь")),
    (11, _("ноябрь")),
    (12, _("декабрь")),
    (1, _("январь")),
    (2, _("февраль")),
    (3, _("март")),
    (4, _("апрель")),
    (5, _("май")),
    (6, _("июнь")),
    (7, _("июль")),
    (8, _("август")),
)

_MONTH_NAMES_GENITIVE = {
    1: _("января"),
    2: _("февраля"),
    3: _("марта"),
    4: _("апреля"),
    5: _("мая"),
    6: _("июня"),
    7: _("июля"),
    8: _("августа"),
    9: _("сентября"),
    10: _("октября"),
    11: _("ноября"),
    12: _("декабря"),
}

COMPARISONS = ((">=", _("не менее (≥)")), (">", _("более (>)")))

# R-C-5: the seeds disagree on when a child is placed on the intra-school registry.
REGISTRY_PLACEMENTS = (
    ("council_conclusion", _("по заключению Совета профилактики, утверждённому директором")),
    ("criterion_22", _("при срабатывании критерия №22 (отсутствие более 10 дней подряд)")),
)

MARK_EDIT_LOCKS = (
    ("week_approved", _("после утверждения рапортички за неделю")),
    ("days_after_lesson", _("через заданное число дней после урока")),
    ("never", _("не закрывать")),
)

_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_ANNUAL_DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})$")


@dataclass(frozen=True)
class Setting:
    """One configurable number or deadline; ``default`` is the Python value."""

    key: str
    default: object
    kind: Kind
    label: str
    group: Group
    source: str  # where the number comes from (spec, seed): for readers of the code, not shown
    help_text: str = ""
    min_value: int | Decimal | None = None
    max_value: int | Decimal | None = None
    choices: tuple[tuple[object, str], ...] = ()
    unit: str = ""  # may be a lazy translation
    validators: tuple[Callable[[object], None], ...] = field(default=())

    def clean(self, raw):
        """Python value of ``raw`` (form input, stored JSON or a Python value), or ValidationError."""
        value = _PARSERS[self.kind](self, raw)
        self._check_bounds(value)
        for validator in self.validators:
            validator(value)
        return value

    def to_json(self, value):
        """The JSON form stored in ``PolicyValue.value`` of an already cleaned value."""
        if self.kind == Kind.DECIMAL:
            return str(value)
        if self.kind == Kind.TIME:
            return value.strftime("%H:%M")
        if self.kind == Kind.MONTHS:
            return list(value)
        if self.kind == Kind.ANNUAL_DATES:
            return [f"{month:02d}-{day:02d}" for month, day in value]
        return value

    def display(self, value) -> str:
        """The value as a person reads it on the settings page and in the history."""
        if value is None:
            return "—"
        if self.kind == Kind.BOOL:
            return str(_("да") if value else _("нет"))
        if self.kind == Kind.TIME:
            return value.strftime("%H:%M")
        if self.kind in (Kind.WEEKDAY, Kind.CHOICE):
            return str(dict(self.choices).get(value, value))
        if self.kind == Kind.MONTHS:
            names = dict(MONTHS)
            return ", ".join(str(names[m]) for m in value)
        if self.kind == Kind.ANNUAL_DATES:
            return ", ".join(f"{day} {_MONTH_NAMES_GENITIVE[month]}" for month, day in value)
        text = f"{value}".replace(".", ",") if self.kind == Kind.DECIMAL else f"{value}"
        return f"{text} {self.unit}".strip()

    def display_json(self, stored) -> str:
        """Like :meth:`display` for a stored JSON value, tolerating values no longer valid."""
        if stored is None:
            return "—"
        try:
            return self.display(self.clean(stored))
        except ValidationError:
            return str(stored)

    @property
    def choice_values(self) -> tuple:
        return tuple(value for value, _label in self.choices)

    def _check_bounds(self, value) -> None:
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                _("Значение должно быть не меньше %(limit)s."),
                code="min_value",
                params={"limit": self.min_value},
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                _("Значение должно быть не больше %(limit)s."),
                code="max_value",
                params={"limit": self.max_value},
            )


# Parsers: each accepts a Python value, its JSON form or the text typed into a form.


def _parse_int(setting: Setting, raw) -> int:
    if isinstance(raw, bool):
        raise ValidationError(_("Введите целое число."), code="invalid")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, Decimal | float) and raw == int(raw):
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d+\s*", raw):
        return int(raw)
    raise ValidationError(_("Введите целое число."), code="invalid")


def _parse_decimal(setting: Setting, raw) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise ValidationError(_("Введите число."), code="invalid")
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("Введите число."), code="invalid") from None
    if not value.is_finite():
        raise ValidationError(_("Введите число."), code="invalid")
    return value


def _parse_bool(setting: Setting, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in {"true", "1", "да", "on"}:
        return True
    if isinstance(raw, str) and raw.strip().lower() in {"false", "0", "нет", "off"}:
        return False
    raise ValidationError(_("Выберите «да» или «нет»."), code="invalid")


def _parse_time(setting: Setting, raw) -> datetime.time:
    if isinstance(raw, datetime.time):
        return raw.replace(second=0, microsecond=0)
    match = _TIME_RE.match(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        raise ValidationError(_("Введите время в формате ЧЧ:ММ, например 19:00."), code="invalid")
    return datetime.time(int(match[1]), int(match[2]))


def _parse_choice(setting: Setting, raw):
    if setting.kind == Kind.WEEKDAY and isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or raw not in setting.choice_values:
        raise ValidationError(
            _("Выберите одно из значений: %(options)s."),
            code="invalid_choice",
            params={"options": ", ".join(str(label) for _value, label in setting.choices)},
        )
    return raw


def _parse_months(setting: Setting, raw) -> tuple[int, ...]:
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[\s,;]+", raw) if part]
    if not isinstance(raw, Iterable):
        raise ValidationError(_("Укажите месяцы."), code="invalid")
    months = set()
    for item in raw:
        try:
            month = int(item)
        except (TypeError, ValueError):
            raise ValidationError(_("Укажите месяцы числами от 1 до 12."), code="invalid") from None
        if not 1 <= month <= 12:
            raise ValidationError(_("Укажите месяцы числами от 1 до 12."), code="invalid")
        months.add(month)
    if not months:
        raise ValidationError(_("Выберите хотя бы один месяц."), code="required")
    # Academic-year order: September first.
    return tuple(sorted(months, key=lambda m: (m < 9, m)))


def _parse_annual_dates(setting: Setting, raw) -> tuple[tuple[int, int], ...]:
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[\s,;]+", raw) if part]
    if not isinstance(raw, Iterable):
        raise ValidationError(_("Укажите даты в формате ДД.ММ."), code="invalid")
    dates = set()
    for item in raw:
        dates.add(_parse_annual_date(item))
    if not dates:
        raise ValidationError(_("Укажите хотя бы одну дату."), code="required")
    return tuple(sorted(dates, key=lambda md: (md[0] < 9, md)))


def _parse_annual_date(item) -> tuple[int, int]:
    if isinstance(item, list | tuple) and len(item) == 2:
        month, day = item
    elif isinstance(item, str) and re.fullmatch(r"\d{2}-\d{2}", item):
        month, day = (int(part) for part in item.split("-"))
    elif isinstance(item, str) and (match := _ANNUAL_DATE_RE.match(item)):
        day, month = int(match[1]), int(match[2])
    else:
        raise ValidationError(
            _("Дата «%(value)s» не в формате ДД.ММ."), code="invalid", params={"value": item}
        )
    try:
        # A leap year, so that 29.02 is accepted.
        datetime.date(2024, int(month), int(day))
    except (TypeError, ValueError):
        raise ValidationError(
            _("Даты «%(value)s» не бывает."), code="invalid", params={"value": item}
        ) from None
    return int(month), int(day)


_PARSERS = {
    Kind.INT: _parse_int,
    Kind.DECIMAL: _parse_decimal,
    Kind.BOOL: _parse_bool,
    Kind.TIME: _parse_time,
    Kind.WEEKDAY: _parse_choice,
    Kind.CHOICE: _parse_choice,
    Kind.MONTHS: _parse_months,
    Kind.ANNUAL_DATES: _parse_annual_dates,
}


def _two_decimal_places(value: Decimal) -> None:
    # The engine compares shares exactly as integer ratios; a hundredth is fine enough.
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Укажите долю не точнее сотых (например, 0,5 или 0,33)."))


def _fraction(key, default, label, source, help_text, group=Group.UNITS) -> Setting:
    return Setting(
        validators=(_two_decimal_places,),
        key=key,
        default=Decimal(default),
        kind=Kind.DECIMAL,
        label=label,
        group=group,
        source=source,
        help_text=help_text,
        min_value=Decimal("0.05"),
        max_value=Decimal("0.95"),
    )


def _days(
    key, default, label, source, help_text="", *, group=Group.DEADLINES, lo=0, hi=60, unit=None
):
    return Setting(
        key=key,
        default=default,
        kind=Kind.INT,
        label=label,
        group=group,
        source=source,
        help_text=help_text,
        min_value=lo,
        max_value=hi,
        unit=_("дн.") if unit is None else unit,
    )


def _hours(key, default, label) -> Setting:
    return Setting(
        key=key,
        default=default,
        kind=Kind.INT,
        label=label,
        group=Group.HOURS,
        source="002 §2.12",
        help_text=_("Уроки, пропущенные без уважительной причины за календарный месяц."),
        min_value=1,
        max_value=300,
        unit=_("ч"),
    )


HOURS_BANDS = (
    (1, 1, "grade_1"),
    (2, 4, "grades_2_4"),
    (5, 9, "grades_5_9"),
    (10, 11, "grades_10_11"),
)


def hours_band(policy, grade: int) -> tuple[int, int]:
    """(systematic from, long from) hours a month for ``grade``; ``policy`` maps setting keys
    to values (a school's settings)."""
    for grade_from, grade_to, band in HOURS_BANDS:
        if grade_from <= grade <= grade_to:
            return (
                policy[f"thresholds.hours_systematic_{band}"],
                policy[f"thresholds.hours_long_{band}"],
            )
    raise ValueError(f"grade {grade} outside 1–11")


def _hour_band_settings() -> list[Setting]:
    bands = (
        ("grade_1", _("1 класс"), 24, 40),
        ("grades_2_4", _("2–4 классы"), 30, 50),
        ("grades_5_9", _("5–9 классы"), 38, 60),
        # The seed names 5–9 for «не менее 60»; the default extends it to 10–11 (spec R-T-H).
        ("grades_10_11", _("10–11 классы"), 38, 60),
    )
    result = []
    for band, band_label, systematic, long in bands:
        result.append(
            _hours(
                f"thresholds.hours_systematic_{band}",
                systematic,
                format_lazy(_("{band}: систематические пропуски — от (часов)"), band=band_label),
            )
        )
        result.append(
            _hours(
                f"thresholds.hours_long_{band}",
                long,
                format_lazy(_("{band}: длительные пропуски — от (часов)"), band=band_label),
            )
        )
    return result


SETTINGS: tuple[Setting, ...] = (
    # Journal (R-J)
    Setting(
        key="journal.unknown_reason_deadline",
        default=datetime.time(19, 0),
        kind=Kind.TIME,
        label=_("Срок выяснения причины отсутствия (в тот же день до)"),
        group=Group.JOURNAL,
        source="002 §3.4",
        help_text=_("Классный руководитель устанавливает причину «неизвестна» до этого часа."),
    ),
    # Issue #15 point 7: the parents hear of an absence without a reason the same day.
    Setting(
        key="notify.parent_messages",
        default=True,
        kind=Kind.BOOL,
        label=_("Сообщать родителям о пропусках без указанной причины"),
        group=Group.JOURNAL,
        source="002 §3.4, §4.1",
        help_text=_(
            "В конце учебного дня — письмо и SMS каждому законному представителю с "
            "контактами, не больше одного сообщения о ребёнке в день."
        ),
    ),
    Setting(
        key="notify.parent_message_time",
        default=datetime.time(16, 0),
        kind=Kind.TIME,
        label=_("Сообщение родителям отправляется в"),
        group=Group.JOURNAL,
        source="002 §3.4",
        help_text=_(
            "Если к этому часу причина пропуска не установлена. Позже 21:00 сообщения не "
            "отправляются."
        ),
    ),
    Setting(
        key="journal.mark_edit_lock",
        default="week_approved",
        kind=Kind.CHOICE,
        label=_("Когда отметки закрываются для правки"),
        group=Group.JOURNAL,
        source=_("ТЗ R-J-6"),
        help_text=_("После закрытия отметки меняет только заместитель директора."),
        choices=MARK_EDIT_LOCKS,
    ),
    _days(
        "journal.mark_edit_lock_days",
        7,
        _("Закрывать отметки через (дней после урока)"),
        _("ТЗ R-J-6"),
        _("Действует, если выбрано «через заданное число дней после урока»."),
        group=Group.JOURNAL,
        lo=1,
        hi=60,
    ),
    # Attendance is what the teacher sees in the room: a lesson cannot be marked ahead.
    Setting(
        key="journal.marking_opens_minutes_before",
        default=0,
        kind=Kind.INT,
        label=_("Отметка посещаемости открывается за (минут до начала урока)"),
        group=Group.JOURNAL,
        source="R-J-1",
        help_text=_(
            "0 — с начала урока по расписанию звонков. Без расписания звонков урок "
            "открывается с начала дня."
        ),
        min_value=0,
        max_value=60,
        unit=_("мин"),
    ),
    # Issue #15 point 8 (seed 002 §3.4): the teacher marks every day; a lesson left
    # unmarked is a gap in the journal, not «all present» (alerts.unmarked).
    Setting(
        key="journal.unmarked_reminder_minutes",
        default=30,
        kind=Kind.INT,
        label=_("Напомнить учителю о неотмеченном уроке через (минут после его окончания)"),
        group=Group.JOURNAL,
        source="002 §3.4",
        help_text=_(
            "Одно напоминание во «Входящие» и по электронной почте. Урок без расписания "
            "звонков попадает только в вечерний список."
        ),
        min_value=0,
        max_value=480,
        unit=_("мин"),
    ),
    Setting(
        key="journal.unmarked_digest_time",
        default=datetime.time(17, 0),
        kind=Kind.TIME,
        label=_("Список неотмеченных уроков дня заместителю директора — в"),
        group=Group.JOURNAL,
        source="002 §3.4",
        help_text=_(
            "Уроки этого дня, посещаемость которых так и не отмечена: во «Входящие» и по "
            "электронной почте заместителям директора (если их нет — директору)."
        ),
    ),
    Setting(
        key="journal.lesson_minutes_default",
        default=45,
        kind=Kind.INT,
        label=_("Длительность урока по умолчанию"),
        group=Group.JOURNAL,
        source=_("ТЗ R-CAL-3"),
        help_text=_("Один урок — один академический час; обычно 40 или 45 минут."),
        min_value=20,
        max_value=90,
        unit=_("мин"),
    ),
    _fraction(
        "journal.lesson_missed_fraction",
        "0.5",
        _("Пропуск урока: отсутствие более доли урока"),
        "002 §2.4, §2.6",
        _("Меньше — опоздание; 0,5 — «более половины времени занятия»."),
        group=Group.JOURNAL,
    ),
    # Derived units (R-J-5, R-T-W)
    _fraction(
        "units.school_day_missed_fraction",
        "0.5",
        _("Пропуск учебного дня: пропущено более доли уроков дня"),
        "002 §2.7",
        _("0,5 — «более чем на половине учебных занятий»."),
    ),
    _fraction(
        "units.week_missed_fraction",
        "0.5",
        _("Пропуск учебной недели: пропущено более доли учебных дней"),
        "002 §2.8",
        _("0,5 — «более чем половины учебных дней»."),
    ),
    _fraction(
        "units.systematic_lateness_fraction",
        "0.5",
        _("Систематическое опоздание: опоздания в долю учебных дней недели или больше"),
        "002 §2.5",
        _("0,5 — «в течение половины и более учебных дней недели»."),
    ),
    # Streak thresholds (R-T-0, R-T-3, R-T-5, R-T-10, R-T-V)
    _days(
        "thresholds.streak_invite_days",
        3,
        _("Вызов родителей на беседу: подряд пропущено учебных дней без уважительной причины"),
        _("003 алг. 3"),
        _("При стольких днях подряд — пригласить родителей в школу."),
        group=Group.THRESHOLDS,
        lo=1,
        hi=30,
    ),
    _days(
        "thresholds.streak_memo_after_days",
        3,
        _("Докладная директору: пропущено подряд более (учебных дней)"),
        "002 §3.4",
        _("«Более 3-х дней» — письменное сообщение директору или заместителю."),
        group=Group.THRESHOLDS,
        lo=1,
        hi=30,
    ),
    _days(
        "thresholds.streak_home_visit_after_days",
        5,
        _("Посещение семьи: пропущено подряд более (учебных дней)"),
        _("003 алг. 4–5, 002 §4.2"),
        _("Сообщить родителям о посещении и обследовать жилищно-бытовые условия."),
        group=Group.THRESHOLDS,
        lo=1,
        hi=60,
    ),
    _days(
        "thresholds.streak_all_lessons_after_days",
        10,
        _("Критерий № 22: отсутствие на всех уроках подряд более (учебных дней)"),
        "001",
        _("Причина «неизвестна или сомнительна»; заместитель уведомляется сразу."),
        group=Group.THRESHOLDS,
        lo=1,
        hi=60,
    ),
    Setting(
        key="thresholds.after_vacation_enabled",
        default=True,
        kind=Kind.BOOL,
        label=_("Список не приступивших к учёбе после каникул"),
        group=Group.THRESHOLDS,
        source="002 §3.4",
        help_text=_("По итогам первого учебного дня после каникул — список заместителю."),
    ),
    # Share of instructional time (R-T-30)
    Setting(
        key="thresholds.month_percent_missed",
        default=Decimal(30),
        kind=Kind.DECIMAL,
        label=_("Доля пропущенного учебного времени за месяц"),
        group=Group.THRESHOLDS,
        source=_("003 алг. 18–19, 002 §6.4"),
        help_text=_("Без уважительной причины; попадает в ежемесячную форму."),
        min_value=Decimal(1),
        max_value=Decimal(100),
        unit="%",
    ),
    Setting(
        key="thresholds.month_percent_comparison",
        default=">=",
        kind=Kind.CHOICE,
        label=_("Сравнение с долей за месяц"),
        group=Group.THRESHOLDS,
        source=_("003 алг. 18 («не менее»), 002 §6.4 («более»)"),
        choices=COMPARISONS,
    ),
    Setting(
        key="thresholds.term_percent_missed",
        default=Decimal(30),
        kind=Kind.DECIMAL,
        label=_("Доля пропущенного учебного времени за четверть (триместр)"),
        group=Group.THRESHOLDS,
        source="002 §6.4",
        help_text=_("Без уважительной причины; попадает в сводную ведомость."),
        min_value=Decimal(1),
        max_value=Decimal(100),
        unit="%",
    ),
    Setting(
        key="thresholds.term_percent_comparison",
        default=">=",
        kind=Kind.CHOICE,
        label=_("Сравнение с долей за четверть (триместр)"),
        group=Group.THRESHOLDS,
        source=_("003 алг. 18 («не менее»), 002 §6.4 («более»)"),
        choices=COMPARISONS,
    ),
    # Casework (R-C)
    Setting(
        key="casework.registry_placement",
        default="council_conclusion",
        kind=Kind.CHOICE,
        label=_("Когда ребёнка ставят на внутришкольный учёт"),
        group=Group.CASEWORK,
        source=_("003 алг. 12–14; 001 п. 4"),
        help_text=_(
            "Региональная настройка. По умолчанию — после решения Совета профилактики, "
            "утверждённого директором (003); по регламенту 001 — при критерии №22."
        ),
        choices=REGISTRY_PLACEMENTS,
    ),
    # Monthly hour bands by grade (R-T-H)
    *_hour_band_settings(),
    # Deadlines of the measures (working days of the school calendar)
    _days(
        "deadlines.parent_call_days",
        0,
        _("Звонок родителям при неизвестной причине: срок (рабочих дней)"),
        _("003 алг. 2"),
        _("0 — в тот же день."),
        hi=5,
    ),
    _days(
        "deadlines.home_visit_days",
        3,
        _("Посещение семьи с актом обследования: срок (рабочих дней)"),
        "002 §4.2",
        "",  # R-T-5
        lo=1,
        hi=30,
    ),
    _days(
        "deadlines.parent_meeting_days",
        2,
        _("Встреча с родителями после критерия № 22: срок (рабочих дней)"),
        _("001 п. 4"),
        "",  # R-T-10
        lo=1,
        hi=30,
    ),
    _days(
        "deadlines.family_centre_status_min_days",
        3,
        _("Проверка статуса в семейном центре: не ранее (рабочих дней)"),
        _("001 п. 3"),
        _("«В течение 3–5 дней» — начало срока."),
        lo=0,
        hi=30,
    ),
    _days(
        "deadlines.family_centre_status_max_days",
        5,
        _("Проверка статуса в семейном центре: не позднее (рабочих дней)"),
        _("001 п. 3"),
        _("«В течение 3–5 дней» — конец срока."),
        lo=1,
        hi=30,
    ),
    _days(
        "deadlines.prevention_plan_days",
        5,
        _("План индивидуальной профилактической работы: срок (рабочих дней)"),
        _("001 п. 5"),
        "",  # R-T-10
        lo=1,
        hi=30,
    ),
    _days(
        "deadlines.plan_control_interval_days",
        7,
        _("Контроль выполнения плана ИПР: не реже чем раз в (календарных дней)"),
        _("001 п. 6"),
        _("«Не реже 1 раза в неделю»."),
        lo=1,
        hi=31,
    ),
    _days(
        "deadlines.family_contact_interval_days",
        7,
        _("Связь с семьёй: не реже чем раз в (календарных дней)"),
        _("001 п. 7"),
        _("«Не реже 1 раза в неделю»."),
        lo=1,
        hi=31,
    ),
    # Reports (R-R)
    Setting(
        key="reports.weekly_class_report_weekday",
        default=0,
        kind=Kind.WEEKDAY,
        label=_("Рапортичка классного руководителя: день сдачи"),
        group=Group.REPORTS,
        source="002 §3.4",
        help_text=_("За прошедшую неделю."),
        choices=WEEKDAYS,
    ),
    Setting(
        key="reports.weekly_class_report_time",
        default=datetime.time(12, 0),
        kind=Kind.TIME,
        label=_("Рапортичка классного руководителя: срок сдачи до"),
        group=Group.REPORTS,
        source="002 §3.4",
    ),
    Setting(
        key="reports.weekly_class_report_list_over_lessons",
        default=10,
        kind=Kind.INT,
        label=_("Рапортичка: поимённо, если пропущено более (уроков)"),
        group=Group.REPORTS,
        source=_("002 прил. 1"),
        help_text=_(
            "Таблица учащихся, пропустивших за неделю больше уроков без уважительной причины."
        ),
        min_value=0,
        max_value=100,
    ),
    Setting(
        key="reports.school_weekly_report_weekday",
        default=1,
        kind=Kind.WEEKDAY,
        label=_("Еженедельный отчёт школы об обязательном образовании: день сдачи"),
        group=Group.REPORTS,
        source="002 §3.4",
        help_text=_("Заместитель → директор → администрация района."),
        choices=WEEKDAYS,
    ),
    _days(
        "reports.monthly_school_due_day",
        3,
        _("Ежемесячная информация: школа сдаёт в муниципалитет до (числа месяца)"),
        _("003 приказ п. 6"),
        _("Число месяца, следующего за отчётным."),
        group=Group.REPORTS,
        lo=1,
        hi=28,
        unit="",
    ),
    _days(
        "reports.monthly_municipal_due_day",
        5,
        _("Ежемесячная информация: муниципалитет сдаёт в регион до (числа месяца)"),
        _("003 Порядок п. 5.2"),
        _("Число месяца, следующего за отчётным."),
        group=Group.REPORTS,
        lo=1,
        hi=28,
        unit="",
    ),
    Setting(
        key="reports.monthly_months",
        default=(9, 10, 11, 12, 1, 2, 3, 4, 5),
        kind=Kind.MONTHS,
        label=_("Ежемесячная информация: отчётные месяцы"),
        group=Group.REPORTS,
        source=_("003 приказ п. 6, Порядок п. 5.2"),
        help_text=_("«В период с сентября по май»."),
        choices=MONTHS,
    ),
    Setting(
        key="reports.not_in_education_dates",
        default=((11, 1), (5, 1)),
        kind=Kind.ANNUAL_DATES,
        label=_("Информация о не получающих общего образования: даты сдачи"),
        group=Group.REPORTS,
        source=_("003 Порядок п. 5.7"),
        help_text=_("Ежегодно; через запятую в формате ДД.ММ, например «01.11, 01.05»."),
    ),
    _days(
        "reports.dropout_notice_days",
        30,
        _("Информирование региона об оставивших школу: срок (календарных дней)"),
        _("003 Порядок п. 5.4"),
        group=Group.REPORTS,
        lo=1,
        hi=90,
    ),
    _days(
        "reports.term_summary_due_days",
        0,
        _("Сводная ведомость за четверть: срок после её окончания (рабочих дней)"),
        "002 §3.4",
        _("«По окончании каждой учебной четверти»; 0 — в последний день."),
        group=Group.REPORTS,
        hi=15,
    ),
    _days(
        "reports.reminder_before_days",
        1,
        _("Напоминание о сдаче отчёта: за (дней до срока)"),
        _("ТЗ §6"),
        group=Group.REPORTS,
        hi=14,
    ),
    _days(
        "reports.reminder_after_days",
        1,
        _("Повторное напоминание: через (дней после срока)"),
        _("ТЗ §6"),
        group=Group.REPORTS,
        lo=1,
        hi=14,
    ),
    # Retention and uploads (R-SEC)
    Setting(
        key="security.forwarded_data_retention_months",
        default=12,
        kind=Kind.INT,
        label=_("Хранение сведений, переданных в регион"),
        group=Group.SECURITY,
        source=_("003 Порядок п. 4.4"),
        help_text=_("«В течение 1 года, после чего информация подлежит уничтожению»."),
        min_value=1,
        max_value=120,
        unit=_("мес."),
    ),
    Setting(
        key="security.upload_max_mb",
        default=10,
        kind=Kind.INT,
        label=_("Наибольший размер загружаемого файла"),
        group=Group.SECURITY,
        source=_("ТЗ R-J-3, R-SEC"),
        help_text=_("Сканы справок и объяснительных (PDF, JPEG, PNG)."),
        min_value=1,
        max_value=50,
        unit=_("МБ"),
    ),
)

BY_KEY: dict[str, Setting] = {setting.key: setting for setting in SETTINGS}

# Pairs (lower, higher): the effective value of the first must stay below the second's.
ORDERED_PAIRS: tuple[tuple[str, str], ...] = (
    *(
        (f"thresholds.hours_systematic_{band}", f"thresholds.hours_long_{band}")
        for band in ("grade_1", "grades_2_4", "grades_5_9", "grades_10_11")
    ),
    ("deadlines.family_centre_status_min_days", "deadlines.family_centre_status_max_days"),
    ("reports.monthly_school_due_day", "reports.monthly_municipal_due_day"),
)
# For these pairs equal values are allowed too.
_ORDERED_PAIRS_ALLOW_EQUAL = frozenset(
    {("deadlines.family_centre_status_min_days", "deadlines.family_centre_status_max_days")}
)


def get(key: str) -> Setting:
    """The setting named ``key``; ValidationError for an unknown key."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise ValidationError(
            _("Неизвестная настройка «%(key)s»."), code="unknown_key", params={"key": key}
        ) from None


def grouped() -> list[tuple[Group, list[Setting]]]:
    """Settings by group, in the order of :data:`GROUP_LABELS`."""
    return [(group, [s for s in SETTINGS if s.group == group]) for group in GROUP_LABELS]


def hour_band(grade: int) -> str:
    """The band suffix of the R-T-H keys for a grade (1–11)."""
    if grade == 1:
        return "grade_1"
    if 2 <= grade <= 4:
        return "grades_2_4"
    if 5 <= grade <= 9:
        return "grades_5_9"
    if 10 <= grade <= 11:
        return "grades_10_11"
    raise ValueError(f"grade out of range: {grade}")


def check_order(values: dict[str, object]) -> None:
    """ValidationError when effective ``values`` break one of :data:`ORDERED_PAIRS`."""
    for lower, higher in ORDERED_PAIRS:
        low, high = values[lower], values[higher]
        allow_equal = (lower, higher) in _ORDERED_PAIRS_ALLOW_EQUAL
        if low > high or (low == high and not allow_equal):
            raise ValidationError(
                _("«%(lower)s» (%(low)s) должно быть %(relation)s «%(higher)s» (%(high)s)."),
                code="order",
                params={
                    "lower": BY_KEY[lower].label,
                    "low": BY_KEY[lower].display(low),
                    "relation": _("не больше, чем") if allow_equal else _("меньше, чем"),
                    "higher": BY_KEY[higher].label,
                    "high": BY_KEY[higher].display(high),
                },
            )


def _check_defaults() -> None:
    """Fail at import when a default breaks its own setting's rules (a typo in this file)."""
    for setting in SETTINGS:
        if setting.clean(setting.to_json(setting.default)) != setting.default:
            raise ImproperlyConfigured(f"policy setting {setting.key}: default does not round-trip")
    check_order({s.key: s.default for s in SETTINGS})


_check_defaults()
