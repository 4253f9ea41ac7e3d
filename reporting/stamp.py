"""The version's trace at the foot of a printed form: who submitted and who approved, when."""

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from .models import ReportVersion, Status


def stamp_text(version: ReportVersion) -> str:
    parts = [_("Версия %(n)s") % {"n": version.number}]
    if version.submitted_at:
        parts.append(
            _("сдан %(at)s") % {"at": _moment(version.submitted_at)} + _by(version.submitted_by)
        )
    if version.status == Status.APPROVED:
        parts.append(
            _("утверждён %(at)s") % {"at": _moment(version.decided_at)} + _by(version.decided_by)
        )
    elif not version.submitted_at:
        parts.append(_("черновик, не сдан"))
    return "; ".join(parts)


def _moment(moment) -> str:
    return date_format(timezone.localtime(moment), "d.m.Y H:i") if moment else ""


def _by(user) -> str:
    return f" ({user.get_full_name()})" if user is not None else ""
