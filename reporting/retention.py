"""Data forwarded to the region is destroyed after its retention period (seed 003 Procedure
§4.4: «хранение информации … в течение 1 года, после чего информация подлежит
уничтожению»; spec R-SEC; ``manage.py purge_forwarded_reports``):

1. Forwarded are the approved versions of the monthly information, of the information on a
   minor not receiving education and of the municipality's consolidation.
2. A version approved on day D is due when D plus ``security.forwarded_data_retention_months``
   months (the school's setting; the region's for a consolidation) has come: approved on
   10 March 2025 with 12 months, it is kept through 9 March 2026 and destroyed from
   10 March 2026 (the 31st of a month counts as the last day of a shorter month).
3. Destroyed are the version's data and amendments (the children's names, dates of birth,
   absences and measures) and its PDF and XLSX, and those of the submitted or returned
   versions before it, which hold the same data; ``purged_at`` is set. The report and the
   version stay as a tombstone: which form, whose, for what period, who approved it when.
   One audit entry per version (``reporting.report.purged``, no actor: the schedule acts).
4. A version is claimed under its row lock and only while not purged, so a run repeated
   (or two at once) destroys each version once.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from audit.services import log_action
from policy.services import settings_for, settings_for_schools

from .deadlines import add_months
from .models import Kind, ReportFile, ReportVersion, Status

logger = logging.getLogger(__name__)
FORWARDED_KINDS = (Kind.MONTHLY_INFORMATION, Kind.NOT_IN_EDUCATION, Kind.MUNICIPAL_MONTHLY)
SETTING = "security.forwarded_data_retention_months"


def due_for_purge(today: datetime.date) -> list[tuple[ReportVersion, int]]:
    """The forwarded versions whose retention period has ended by ``today``, with the
    period in months that applied, oldest approval first."""
    # No setting is below one month: anything approved since then is kept whatever it says.
    latest = timezone.make_aware(
        datetime.datetime.combine(
            add_months(today, -1) + datetime.timedelta(days=1), datetime.time()
        )
    )
    candidates = list(
        ReportVersion.objects.filter(
            status=Status.APPROVED,
            report__kind__in=FORWARDED_KINDS,
            purged_at__isnull=True,
            decided_at__lt=latest,
        )
        .select_related("report__school__municipality", "report__municipality")
        .order_by("decided_at", "pk")
    )
    schools = {v.report.school for v in candidates if v.report.school_id is not None}
    by_school = settings_for_schools(schools)
    by_region = {}
    due = []
    for version in candidates:
        report = version.report
        if report.school_id is not None:
            months = by_school[report.school_id][SETTING]
        else:
            region_id = report.municipality.region_id
            if region_id not in by_region:
                by_region[region_id] = settings_for(region=report.municipality.region)
            months = by_region[region_id][SETTING]
        if add_months(timezone.localdate(version.decided_at), months) <= today:
            due.append((version, months))
    return due


def purge_forwarded(*, today: datetime.date, dry_run: bool = False) -> list[ReportVersion]:
    """Destroy the data of every version due (rules in the module docstring); the versions
    purged, or with ``dry_run`` those that would be, changing nothing."""
    due = due_for_purge(today)
    if dry_run:
        return [version for version, _months in due]
    return [version for version, months in due if _purge(version, months)]


def _purge(version: ReportVersion, months: int) -> bool:
    with transaction.atomic():
        claimed = (
            ReportVersion.objects.select_for_update()
            .filter(pk=version.pk, status=Status.APPROVED, purged_at__isnull=True)
            .first()
        )
        if claimed is None:  # purged a moment ago by another run
            return False
        files = [f"{file.format}:{file.sha256}" for file in claimed.files.all()]
        claimed.files.all().delete()
        claimed.data, claimed.amendments = None, {}
        claimed.purged_at = timezone.now()
        claimed.save(update_fields=["data", "amendments", "purged_at"])
        earlier = _purge_earlier_drafts(claimed)
        log_action(
            actor=None,
            action="reporting.report.purged",
            obj=version.report,
            data={
                "version": claimed.number,
                "kind": version.report.kind,
                "approved_at": claimed.decided_at.isoformat(),
                "retention_months": months,
                "files": files,
                "earlier_versions": earlier,
            },
        )
    version.purged_at = claimed.purged_at
    logger.info("report %s version %s purged", version.report_id, claimed.number)
    return True


def _purge_earlier_drafts(version: ReportVersion) -> list[int]:
    """The submitted and returned versions before an approved one hold the same children's
    data: they go with it (an earlier approved version is due on its own date)."""
    earlier = (
        ReportVersion.objects.select_for_update()
        .filter(report_id=version.report_id, number__lt=version.number, purged_at__isnull=True)
        .exclude(status=Status.APPROVED)
    )
    numbers = sorted(earlier.values_list("number", flat=True))
    if numbers:
        ReportFile.objects.filter(version__in=earlier).delete()
        earlier.update(data=None, amendments={}, purged_at=version.purged_at)
    return numbers
