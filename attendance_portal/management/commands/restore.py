"""Restore an archive of ``manage.py backup`` into an empty database and the uploads
directory (attendance_portal.backup). It never asks anything: --yes confirms."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance_portal.backup import BackupError, restore_backup, summary


class Command(BaseCommand):
    help = _(
        "Восстанавливает базу данных и загруженные файлы из архива manage.py backup в пустую "
        "базу данных."
    )
    # The target database is empty: there is nothing for the checks to look at yet.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("архив, записанный manage.py backup"))
        parser.add_argument(
            "--yes", action="store_true", help=_("подтверждение: восстановить без вопросов")
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_(
                "удалить все таблицы базы данных (схему public) перед восстановлением и "
                "перезаписать файлы с теми же именами"
            ),
        )

    def handle(self, *args, path, yes=False, force=False, **options):
        if not yes:
            raise CommandError(
                _(
                    "Восстановление записывает данные в базу и каталог загрузок. Проверьте, "
                    "что настроены нужные DATABASE_URL и PRIVATE_MEDIA_ROOT, и повторите "
                    "команду с --yes."
                )
            )
        try:
            manifest = restore_backup(Path(path), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(_("Ошибка базы данных: %(error)s") % {"error": error}) from None
        figures = summary(manifest)
        self.stdout.write(
            _(
                "Восстановлена копия от %(when)s: таблиц — %(tables)d, строк — %(rows)d "
                "(отметок — %(marks)d, документов об уважительной причине — %(excuses)d, "
                "записей аудита — %(audit)d), файлов — %(files)d (%(megabytes)s МБ). Число "
                "строк каждой таблицы и контрольные суммы файлов совпали с архивом."
            )
            % {
                **figures,
                "when": f"{timezone.localtime(figures['created_at']):%d.%m.%Y %H:%M}",
            }
        )
