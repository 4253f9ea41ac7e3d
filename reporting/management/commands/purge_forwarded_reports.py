"""Destroy the data forwarded to the region once its retention period has ended (seed 003
Procedure §4.4; the rules in ``reporting.retention``). Run it daily or monthly; a dry run
lists what is due and changes nothing."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.retention import purge_forwarded


class Command(BaseCommand):
    help = _("Уничтожает сведения, переданные в регион, по истечении срока хранения.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("показать, что будет уничтожено")
        )
        parser.add_argument("--today", help=_("считать сегодняшней дату ГГГГ-ММ-ДД"))

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(
                _("Дата --today «%(value)s» не в формате ГГГГ-ММ-ДД.") % {"value": today}
            ) from None
        versions = purge_forwarded(today=day, dry_run=dry_run)
        for version in versions:
            self.stdout.write(self._line(version))
        if dry_run:
            summary = _(
                "Пробный запуск на %(day)s: будет уничтожено версий — %(n)d; ничего не изменено."
            )
        else:
            summary = _("На %(day)s уничтожено версий — %(n)d.")
        self.stdout.write(summary % {"day": f"{day:%d.%m.%Y}", "n": len(versions)})

    def _line(self, version) -> str:
        report = version.report
        scope = report.school or report.municipality
        return _(
            "Отчёт №%(id)s: %(kind)s — %(scope)s, %(start)s–%(end)s, версия %(number)s, "
            "утверждена %(approved)s"
        ) % {
            "id": report.pk,
            "kind": report.get_kind_display(),
            "scope": getattr(scope, "short_name", "") or scope.name,
            "start": f"{report.period_start:%d.%m.%Y}",
            "end": f"{report.period_end:%d.%m.%Y}",
            "number": version.number,
            "approved": f"{timezone.localtime(version.decided_at):%d.%m.%Y}",
        }
