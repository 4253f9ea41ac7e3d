"""The intra-school registry (внутришкольный учёт, R-C-5) and the observation diary (seed 004).

When a child is placed is the regional setting ``casework.registry_placement``:
``council_conclusion`` (the default, seed 003 alg. 12–14) places them when the director
approves the council's conclusion (:mod:`casework.services.council`); ``criterion_22``
(seed 001 step 4) places them when a criterion №22 alert opens their case
(:func:`place_at_criterion_22`, called on ``alerts.signals.cases_needed``).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import log_action
from policy.services import get_setting

from ..models import Case, ObservationEntry, RegistryPlacement
from .common import CaseworkError, CaseworkPermissionDenied

SETTING = "casework.registry_placement"
AT_CONCLUSION = "council_conclusion"
AT_CRITERION_22 = "criterion_22"


def placement_rule(school) -> str:
    """``council_conclusion`` or ``criterion_22``: the region's (or school's) choice."""
    return get_setting(SETTING, school=school)


def place_on_registry(
    *, case: Case, placed_on: datetime.date, basis: str, acting_user, conclusion=None
) -> RegistryPlacement | None:
    """Place the case's child on the school's registry; None when already on it (a child is
    placed once until removed). Called inside the caller's transaction by the rules that
    place (an approved conclusion, criterion №22), never from a page."""
    active = RegistryPlacement.objects.filter(
        student_id=case.student_id, school_id=case.school_id, removed_on__isnull=True
    )
    if active.exists():
        return None
    try:
        with transaction.atomic():
            placement = RegistryPlacement.objects.create(
                student_id=case.student_id,
                school_id=case.school_id,
                case=case,
                placed_on=placed_on,
                basis=basis[:500],
                conclusion=conclusion,
                placed_by=acting_user,
            )
    except IntegrityError:  # placed concurrently
        return None
    log_action(
        actor=acting_user,
        action="casework.registry.placed",
        obj=placement,
        student_id=case.student_id,
        data={
            "placed_on": placed_on,
            "basis": placement.basis,
            "conclusion_id": conclusion.pk if conclusion else None,
        },
    )
    return placement


def place_at_criterion_22(*, alert, case: Case) -> RegistryPlacement | None:
    """Seed 001 step 4, where the region chose it: the criterion №22 alert that opened (or
    joined) the case places the child. Idempotent: a rerun of the engine sends the alert
    again, and a child removed since that alert is not placed again by it."""
    if placement_rule(case.school) != AT_CRITERION_22:
        return None
    since = alert.period_start
    if RegistryPlacement.objects.filter(case=case, placed_on__gte=since).exists():
        return None
    return place_on_registry(
        case=case,
        placed_on=alert.period_end,
        basis=_("Критерий №22: отсутствие на всех уроках подряд с %(start)s, причина неизвестна")
        % {"start": f"{alert.period_start:%d.%m.%Y}"},
        acting_user=None,
    )


def remove_from_registry(
    *, placement: RegistryPlacement, removed_on: datetime.date | None, reason: str, acting_user
) -> RegistryPlacement:
    """Take the child off the registry on ``removed_on`` for ``reason``."""
    if not acting_user.has_perm("casework.manage_registry", placement):
        raise CaseworkPermissionDenied(_("Вы не можете снимать с внутришкольного учёта."))
    reason = reason.strip()
    if removed_on is None:
        raise CaseworkError(_("Укажите дату снятия с учёта."))
    if not reason:
        raise CaseworkError(_("Укажите причину снятия с учёта."))
    if removed_on > timezone.localdate():
        raise CaseworkError(_("Дата снятия с учёта не может быть в будущем."))
    with transaction.atomic():
        placement = RegistryPlacement.objects.select_for_update().get(pk=placement.pk)
        if placement.removed_on is not None:
            raise CaseworkError(_("Обучающийся уже снят с учёта."))
        if removed_on < placement.placed_on:
            raise CaseworkError(
                _("Дата снятия с учёта не может быть раньше постановки (%(date)s).")
                % {"date": f"{placement.placed_on:%d.%m.%Y}"}
            )
        placement.removed_on = removed_on
        placement.removal_reason = reason[:500]
        placement.removed_by = acting_user
        placement.save(update_fields=["removed_on", "removal_reason", "removed_by"])
        log_action(
            actor=acting_user,
            action="casework.registry.removed",
            obj=placement,
            student_id=placement.student_id,
            data={"removed_on": removed_on, "reason": placement.removal_reason},
        )
    return placement


def add_observation(
    *,
    placement: RegistryPlacement,
    date: datetime.date | None,
    text: str,
    acting_user,
    attendance: str = "",
    progress: str = "",
    behaviour: str = "",
) -> ObservationEntry:
    """An entry of the observation diary of a registered child (seed 004), by whoever works
    the child's case."""
    if not acting_user.has_perm("casework.work_case", placement.case):
        raise CaseworkPermissionDenied(_("Вы не ведёте это дело."))
    text = text.strip()
    if date is None:
        raise CaseworkError(_("Укажите дату записи."))
    if not text:
        raise CaseworkError(_("Опишите наблюдения и проведённую работу."))
    if date > timezone.localdate():
        raise CaseworkError(_("Дата записи не может быть в будущем."))
    if date < placement.placed_on:
        raise CaseworkError(
            _("Дата записи раньше постановки на учёт (%(date)s).")
            % {"date": f"{placement.placed_on:%d.%m.%Y}"}
        )
    with transaction.atomic():
        placement = RegistryPlacement.objects.select_for_update().get(pk=placement.pk)
        if placement.removed_on is not None and date > placement.removed_on:
            raise CaseworkError(_("Обучающийся снят с учёта: дневник закрыт."))
        entry = ObservationEntry.objects.create(
            placement=placement,
            date=date,
            author=acting_user,
            attendance=attendance.strip()[:500],
            progress=progress.strip()[:500],
            behaviour=behaviour.strip()[:500],
            text=text,
        )
        log_action(
            actor=acting_user,
            action="casework.registry.observation_added",
            obj=entry,
            school=placement.school,
            student_id=placement.student_id,
            data={"placement_id": placement.pk, "date": date},
        )
    return entry
