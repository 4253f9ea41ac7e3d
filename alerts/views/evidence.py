"""The JSON evidence of an alert (``alerts.thresholds.findings``) as labelled Russian lines."""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from journal.models import Vacation

LABELS = {
    "days": _("Учебных дней подряд"),
    "lessons_unknown": _("Уроков с неустановленной причиной пропуска"),
    "hours_without_valid": _("Уроков пропущено без уважительной причины"),
    "hours_scheduled": _("Уроков по расписанию за период"),
    "school_days": _("Учебных дней в неделе"),
    "days_missed": _("Дней пропущено"),
    "days_late": _("Дней с опозданием"),
}


@dataclass
class EvidenceLine:
    label: str
    value: str = ""
    dates: list[datetime.date] = field(default_factory=list)


def _dates(values) -> list[datetime.date]:
    result = []
    for value in values:
        try:
            result.append(datetime.date.fromisoformat(str(value)))
        except ValueError:
            continue
    return result


def describe(evidence: dict) -> list[EvidenceLine]:
    """One line per fact; keys this page does not know are shown as they are."""
    lines = []
    for key, value in evidence.items():
        if key == "dates":
            lines.append(EvidenceLine(_("Дни пропусков"), dates=_dates(value)))
        elif key == "vacation_id":
            lines.append(EvidenceLine(_("Каникулы"), _vacation(value)))
        else:
            lines.append(EvidenceLine(LABELS.get(key, key), str(value)))
    missed, scheduled = evidence.get("hours_without_valid"), evidence.get("hours_scheduled")
    if isinstance(missed, int) and isinstance(scheduled, int) and scheduled > 0:
        share = number_format(100 * missed / scheduled, decimal_pos=1)
        lines.append(EvidenceLine(_("Доля пропущенного учебного времени"), f"{share} %"))
    return lines


def _vacation(pk) -> str:
    vacation = Vacation.objects.filter(pk=pk).first()
    if vacation is None:
        return str(pk)
    return f"{vacation.name} ({vacation.start_date:%d.%m.%Y} – {vacation.end_date:%d.%m.%Y})"
